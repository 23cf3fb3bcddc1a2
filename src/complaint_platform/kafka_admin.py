"""The topics a service needs, before it starts consuming.

Where topic creation is configured (``KAFKA_CREATE_TOPICS=true``: the embedded stack, tests), the
missing topics are created with the brokers' default replication factor (-1, KIP-464), never with
fewer replicas than the cluster would give them. Everywhere else (Kubernetes: Strimzi ``KafkaTopic``
resources own the topics) a service waits for the topics it uses, saying which are still missing,
and gives up after ``KAFKA_TOPICS_WAIT_S``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError
from tenacity import (RetryError, Retrying, retry_if_exception_type, retry_if_result, stop_after_delay,
                      wait_fixed)

from . import kafka_clients
from .config import KafkaSettings
from .topics import ALL_TOPICS, AUDIT_ANCHORS, DEADLETTER

log = logging.getLogger(__name__)
BROKER_DEFAULT_REPLICATION = -1


class TopicsMissing(RuntimeError):
    """The declared topics did not appear in time; the message names them."""


def ensure_topics(kafka: KafkaSettings, topics: Iterable[str] = ALL_TOPICS, partitions: int = 6,
                  connect_timeout_s: float = 30.0) -> list[str]:
    """Create the missing ``topics`` (if configured) and return their names; otherwise wait for them."""
    wanted = list(topics)
    admin = _connect(kafka, connect_timeout_s)
    try:
        if kafka.create_topics:
            return _create_missing(admin, wanted, partitions)
        _wait_for(admin, wanted, kafka.topics_wait_s, kafka.bootstrap_servers)
        return []
    finally:
        admin.close()


def _create_missing(admin: KafkaAdminClient, wanted: list[str], partitions: int) -> list[str]:
    existing = set(admin.list_topics())
    created: list[str] = []
    for name in (name for name in wanted if name not in existing):
        # one partition keeps the anchors in publication order
        count = 1 if name == AUDIT_ANCHORS else 3 if name == DEADLETTER else partitions
        try:
            admin.create_topics([NewTopic(name=name, num_partitions=count,
                                          replication_factor=BROKER_DEFAULT_REPLICATION)])
            created.append(name)
        except TopicAlreadyExistsError:
            pass  # another replica created it first
    if created:
        log.info("created topics %s with the brokers' default replication factor", ", ".join(created))
    return created


def _missing(admin: KafkaAdminClient, wanted: list[str]) -> list[str]:
    existing = set(admin.list_topics())
    return [name for name in wanted if name not in existing]


def _wait_for(admin: KafkaAdminClient, wanted: list[str], wait_s: float, brokers: str) -> None:
    def say_missing(state) -> None:
        log.warning("waiting for topics that do not exist yet on %s: %s (declared in deploy/k8s; topic creation "
                    "is off: KAFKA_CREATE_TOPICS=false)", brokers, ", ".join(state.outcome.result()))

    waiting = Retrying(retry=retry_if_result(bool), stop=stop_after_delay(wait_s), wait=wait_fixed(5),
                       before_sleep=say_missing)
    try:
        waiting(_missing, admin, wanted)
    except RetryError as error:
        missing = error.last_attempt.result()
        raise TopicsMissing(f"topics missing on {brokers} after {wait_s:.0f}s: {', '.join(missing)} "
                            "(create them, e.g. the KafkaTopics in deploy/k8s, or set KAFKA_CREATE_TOPICS=true "
                            "where the service may create them)") from None


def _connect(kafka: KafkaSettings, timeout_s: float) -> KafkaAdminClient:
    connecting = Retrying(retry=retry_if_exception_type(KafkaError), stop=stop_after_delay(timeout_s),
                          wait=wait_fixed(0.3), reraise=True)
    try:
        return connecting(kafka_clients.admin, kafka)
    except KafkaError as error:
        raise RuntimeError(f"Kafka at {kafka.bootstrap_servers} ({kafka.security_protocol}) did not answer "
                           f"within {timeout_s:.0f}s: {error}") from error
