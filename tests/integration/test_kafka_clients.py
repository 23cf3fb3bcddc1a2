"""The services' Kafka clients, built by complaint_platform.kafka_clients from settings, against the
embedded broker: the topics step waits for missing topics unless creation is configured, creates them
with the brokers' default replication, and a producer and consumer built the same way exchange a record."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from complaint_platform import kafka_admin, kafka_clients
from complaint_platform.config import KafkaSettings, load_settings


def settings_for(stack, **env: str) -> KafkaSettings:
    return load_settings("intake", {"KAFKA_BOOTSTRAP_SERVERS": stack.kafka_bootstrap,
                                    "KAFKA_FETCH_MAX_WAIT_MS": "50", "KAFKA_SESSION_TIMEOUT_S": "3", **env}).kafka


def test_topics_are_awaited_then_created_where_configured_and_carry_records(stack):
    names = [f"it.clients.{uuid.uuid4().hex[:8]}.v1", f"it.clients.{uuid.uuid4().hex[:8]}.v1"]
    waiting = settings_for(stack, KAFKA_TOPICS_WAIT_S="0")
    with pytest.raises(kafka_admin.TopicsMissing) as missing:
        kafka_admin.ensure_topics(waiting, names)
    assert ", ".join(names) in str(missing.value)

    creating = settings_for(stack, KAFKA_CREATE_TOPICS="true")
    assert kafka_admin.ensure_topics(creating, names, partitions=2) == names
    assert kafka_admin.ensure_topics(waiting, names) == []  # present now: nothing to wait for

    admin = kafka_clients.admin(creating)
    try:
        described = admin.describe_topics(names)
        brokers = len(admin.describe_cluster()["brokers"])
    finally:
        admin.close()
    for topic in described:
        assert len(topic["partitions"]) == 2
        assert all(len(partition["replica_nodes"]) == brokers for partition in topic["partitions"])

    assert asyncio.run(round_trip(creating, names[0])) == (b"C-1", b"hello")


async def round_trip(kafka: KafkaSettings, topic: str) -> tuple[bytes, bytes]:
    producer = kafka_clients.producer(kafka, "it-clients")
    await producer.start()
    try:
        await producer.send_and_wait(topic, b"hello", key=b"C-1")
    finally:
        await producer.stop()
    consumer = kafka_clients.consumer(kafka, [topic], f"it-clients-{uuid.uuid4().hex[:6]}", "it-clients")
    await consumer.start()
    try:
        async with asyncio.timeout(60):
            record = await consumer.getone()
        return record.key, record.value
    finally:
        await consumer.stop()
