"""Replaying the whole inbound topic changes nothing: same cases, same contacts, no new events.

Runs before the tests that move the shared clock (file order)."""

from __future__ import annotations

import asyncio
import random
import signal
import time

import pymongo
from aiokafka import AIOKafkaConsumer
from aiokafka.coordinator.assignors.range import RangePartitionAssignor

from complaints.v1 import common_pb2
from complaint_platform.topics import COMPLAINTS_SUBMITTED
from tools.eventlog import EventTail, Publisher
from tools.traffic import sample_complaint

SUMMARIES = ("宽带断网两天了", "家里手机信号差", "这个月话费乱扣费", "營業廳態度很差")


def snapshot(stack, customers: set[str]) -> dict:
    database = pymongo.MongoClient(stack.mongodb_uri)["complaints_intake"]
    cases = {doc["_id"]: (doc["contact_count"], tuple(doc["submission_keys"]), doc["category"])
             for doc in database["cases"].find({"customer_id": {"$in": sorted(customers)}})}
    submissions = database["submissions"].count_documents({"customer_id": {"$in": sorted(customers)}})
    return {"cases": cases, "submissions": submissions}


async def rewind_intake_group(bootstrap: str) -> None:
    """What an operator does to rebuild intake from the topic: offsets back to the start."""
    consumer = AIOKafkaConsumer(COMPLAINTS_SUBMITTED, bootstrap_servers=bootstrap, group_id="complaints-intake",
                                enable_auto_commit=False, session_timeout_ms=3000, heartbeat_interval_ms=600,
                                partition_assignment_strategy=(RangePartitionAssignor,))  # as the services
    await consumer.start()
    try:
        while not consumer.assignment():
            await consumer.getmany(timeout_ms=200)
        partitions = list(consumer.assignment())
        await consumer.commit({partition: 0 for partition in partitions})
    finally:
        await consumer.stop()


def test_replaying_the_inbound_topic_twice_changes_nothing(stack):
    rng = random.Random(2024)
    customers = [f"C-REPLAY-{i:03d}" for i in range(20)]
    complaints = [sample_complaint(rng, customer_id=rng.choice(customers), summary=rng.choice(SUMMARIES),
                                   channel=rng.choice([common_pb2.CHANNEL_HOTLINE, common_pb2.CHANNEL_WECHAT,
                                                       common_pb2.CHANNEL_SMS]))
                  for _ in range(60)]
    publisher = Publisher(stack.kafka_bootstrap)
    tail = EventTail(stack.kafka_bootstrap)
    for complaint in complaints:
        publisher.publish(COMPLAINTS_SUBMITTED, complaint, key=complaint.customer.id, as_json=rng.random() < 0.5)
    publisher.flush()
    wanted = {c.submission_id for c in complaints}
    first_ids: set[str] = set()
    deadline = time.monotonic() + 90
    handled: set[str] = set()
    while handled != wanted and time.monotonic() < deadline:
        for event in tail.poll(0.2):
            if event.name in ("CaseRegistered", "SubmissionLinked") and event.payload.submission_id in wanted:
                handled.add(event.payload.submission_id)
                first_ids.add(event.envelope.event_id)
    assert handled == wanted
    before = snapshot(stack, set(customers))
    assert before["submissions"] == 60 and len(before["cases"]) < 60  # repeat contacts were merged

    for _ in range(2):  # replay the whole topic, twice
        assert stack.stop_service("intake", signal.SIGTERM) == 0
        asyncio.run(rewind_intake_group(stack.kafka_bootstrap))
        # the service reads from the positions its database stored: they go too (docs/operations.md)
        pymongo.MongoClient(stack.mongodb_uri)["complaints_intake"]["consumed_positions"].delete_many(
            {"topic": COMPLAINTS_SUBMITTED})
        stack.start_service("intake")
        stack.wait_healthy("intake")
        replayed: set[str] = set()
        quiet_until = time.monotonic() + 8
        while time.monotonic() < quiet_until:
            for event in tail.poll(0.2):
                if event.name in ("CaseRegistered", "SubmissionLinked") and event.payload.submission_id in wanted:
                    replayed.add(event.envelope.event_id)
        # a redelivered input re-publishes what it produced, never anything new
        assert replayed == first_ids, "the rewind did not make intake read the whole topic again"
        assert snapshot(stack, set(customers)) == before
    tail.close()
    publisher.close()
