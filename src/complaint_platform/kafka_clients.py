"""Every Kafka client of the services, built from settings in one place.

The consumers and producers (aiokafka) and the admin client (kafka-python) take the same
security options (``security_options``): protocol, SASL mechanism and credentials, and a TLS
context with the brokers' CA and an optional client certificate.
"""

from __future__ import annotations

import ssl
from collections.abc import Sequence

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.coordinator.assignors.range import RangePartitionAssignor
from aiokafka.partitioner import murmur2
from kafka.admin import KafkaAdminClient

from .config import KafkaSettings


def security_options(kafka: KafkaSettings) -> dict:
    """Keyword arguments both aiokafka and kafka-python clients accept (same names in both)."""
    options: dict = {"security_protocol": kafka.security_protocol}
    if kafka.security_protocol in ("SSL", "SASL_SSL"):
        options["ssl_context"] = tls_context(kafka)
    if kafka.security_protocol.startswith("SASL"):
        options.update(sasl_mechanism=kafka.sasl_mechanism or "PLAIN",
                       sasl_plain_username=kafka.sasl_username, sasl_plain_password=kafka.sasl_password)
    return options


def tls_context(kafka: KafkaSettings) -> ssl.SSLContext:
    """Verifies the brokers against ``ssl_ca_file`` (or the system's CAs); presents the client
    certificate when one is configured (brokers with ``ssl.client.auth=required``)."""
    context = ssl.create_default_context(cafile=kafka.ssl_ca_file or None)
    if kafka.ssl_cert_file or kafka.ssl_key_file:
        if not (kafka.ssl_cert_file and kafka.ssl_key_file):
            raise ValueError("KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together; only one is set")
        context.load_cert_chain(kafka.ssl_cert_file, kafka.ssl_key_file, kafka.ssl_key_password or None)
    return context


def admin(kafka: KafkaSettings, client_id: str = "complaints-admin") -> KafkaAdminClient:
    """kafka-python's admin client; raises kafka.errors.KafkaError while the brokers do not answer."""
    return KafkaAdminClient(bootstrap_servers=kafka.bootstrap_servers, client_id=client_id,
                            request_timeout_ms=10_000, **security_options(kafka))


def producer(kafka: KafkaSettings, client_id: str) -> AIOKafkaProducer:
    # acks=all without the idempotent producer: it fails against Tansu (docs/design.md, "Measured facts");
    # duplicates are harmless because every consumer dedupes by event id.
    # max_request_size: a dead letter carries the rejected record's bytes plus a few KB, so
    # aiokafka's 1 MiB default refused the letter of a ~1 MiB inbound record (Kafka's default
    # message.max.bytes) and the service died on it. 16 MiB also covers brokers configured for
    # larger records (Tansu enforces no limit); a letter that still does not fit is sent
    # without its bytes (EventProcessor._dead_letter).
    return AIOKafkaProducer(bootstrap_servers=kafka.bootstrap_servers, client_id=client_id, acks="all",
                            linger_ms=5, request_timeout_ms=30_000, max_request_size=16 * 1024 * 1024,
                            **security_options(kafka))


def partition_for(key: str, partition_count: int) -> int:
    """The partition the default partitioner gives ``key`` (Java-compatible murmur2)."""
    return (murmur2(key.encode()) & 0x7FFFFFFF) % partition_count


def consumer(kafka: KafkaSettings, topics: Sequence[str], group_id: str, client_id: str,
             listener=None) -> AIOKafkaConsumer:
    session_ms = int(kafka.session_timeout_s * 1000)
    client = AIOKafkaConsumer(
        bootstrap_servers=kafka.bootstrap_servers, group_id=group_id, client_id=client_id,
        enable_auto_commit=False,            # offsets are committed after the batch is stored and published
        auto_offset_reset="earliest",        # a new group reads everything
        fetch_max_wait_ms=kafka.fetch_max_wait_ms,  # Tansu holds a fetch this long (docs/design.md, "Measured facts")
        max_poll_records=kafka.batch_size,
        session_timeout_ms=session_ms,
        heartbeat_interval_ms=max(session_ms // 5, 300),
        request_timeout_ms=max(session_ms * 3, 40_000),
        max_poll_interval_ms=300_000,
        # Range keeps partition n of every case topic on one consumer, so a replica owns whole cases
        # (a tool joining the group, e.g. to rewind it, must offer the same assignor).
        partition_assignment_strategy=(RangePartitionAssignor,),
        **security_options(kafka),
    )
    client.subscribe(list(topics), listener=listener)
    return client
