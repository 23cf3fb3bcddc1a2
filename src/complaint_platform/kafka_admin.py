"""Topic provisioning with kafka-python (the embedded stack and tests).

In Kubernetes, Strimzi KafkaTopic resources own the topics instead.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

from .topics import ALL_TOPICS, DEADLETTER

log = logging.getLogger(__name__)


def ensure_topics(bootstrap_servers: str, partitions: int = 6,
                  topics: Iterable[str] = ALL_TOPICS, timeout_s: float = 30.0) -> list[str]:
    """Create missing topics; returns the names created. Waits for the broker to answer."""
    admin = _admin(bootstrap_servers, timeout_s)
    try:
        existing = set(admin.list_topics())
        wanted = [name for name in topics if name not in existing]
        created: list[str] = []
        for name in wanted:
            count = 3 if name == DEADLETTER else partitions
            try:
                admin.create_topics([NewTopic(name=name, num_partitions=count, replication_factor=1)])
                created.append(name)
            except TopicAlreadyExistsError:
                pass
        return created
    finally:
        admin.close()


def _admin(bootstrap_servers: str, timeout_s: float) -> KafkaAdminClient:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            return KafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="complaints-admin",
                                    request_timeout_ms=10_000)
        except KafkaError as error:
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kafka at {bootstrap_servers} did not answer within {timeout_s:.0f}s: {error}") from error
            time.sleep(0.3)
