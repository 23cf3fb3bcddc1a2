"""A service that stored a batch but stopped before Kafka committed it.

Played on the real stack: dispatch handles a complaint, is stopped, and its group's committed
offsets on cases.intake.v1 are moved back to the start, as if it had died between storing its
batches and committing them. Restarted, it must not handle them again (no new work order), must
re-publish the outputs of the last batch it stored for each partition under the same event ids,
and the services downstream must take those copies for what they are: escalation publishes
nothing more for the case (its case document remembers the events it applied)."""

from __future__ import annotations

import asyncio
import random
import signal
import time

import pymongo
from aiokafka import AIOKafkaConsumer
from aiokafka.coordinator.assignors.range import RangePartitionAssignor

from complaints.v1 import case_events_pb2
from complaint_platform.topics import CASES_DISPATCH, CASES_INTAKE, CASES_SUPERVISION, COMPLAINTS_SUBMITTED
from tools.traffic import sample_complaint

from helpers import wait_for


async def rewind_group(bootstrap: str, group: str, topic: str) -> None:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False,
                                session_timeout_ms=3000, heartbeat_interval_ms=600,
                                partition_assignment_strategy=(RangePartitionAssignor,))  # as the services
    await consumer.start()
    try:
        while not consumer.assignment():
            await consumer.getmany(timeout_ms=200)
        await consumer.commit({partition: 0 for partition in consumer.assignment()})
    finally:
        await consumer.stop()


def test_a_batch_stored_but_not_committed_is_republished_not_handled_again(stack, tail, publisher):
    complaint = sample_complaint(random.Random(77), customer_id="C-UNCOMMITTED-1")
    publisher.publish(COMPLAINTS_SUBMITTED, complaint, key=complaint.customer.id)
    publisher.flush()
    registered = wait_for(tail, lambda e: e.name == "CaseRegistered"
                          and e.payload.submission_id == complaint.submission_id)
    case_id = registered.case_id
    seen: list = []
    wait_for(tail, lambda e: e.case_id == case_id and e.name == "DeadlineSet"
             and e.payload.kind == case_events_pb2.DEADLINE_KIND_WORK_ORDER_REPLY, seen=seen)
    # everything the first pass caused has arrived once escalation has been quiet for a while
    quiet_until = time.monotonic() + 5
    while time.monotonic() < quiet_until:
        seen.extend(tail.poll(0.2))
    dispatched = {e.envelope.event_id for e in seen if e.topic == CASES_DISPATCH and e.case_id == case_id}
    assert dispatched, "dispatch published nothing for the case"

    dispatch_db = pymongo.MongoClient(stack.mongodb_uri)["complaints_dispatch"]
    orders_before = sorted(doc["_id"] for doc in dispatch_db["work_orders"].find({"case_id": case_id}))
    case_before = dispatch_db["cases"].find_one({"_id": case_id}, {"version": 1, "state": 1})

    assert stack.stop_service("dispatch", signal.SIGTERM) == 0
    asyncio.run(rewind_group(stack.kafka_bootstrap, "complaints-dispatch", CASES_INTAKE))
    stack.start_service("dispatch")
    stack.wait_healthy("dispatch")

    again: list = []
    quiet_until = time.monotonic() + 10
    while time.monotonic() < quiet_until:
        again.extend(tail.poll(0.2))
    republished = {e.envelope.event_id for e in again if e.topic == CASES_DISPATCH and e.case_id == case_id}
    # the stored outputs of the partition's last batch, under their ids, and nothing new
    assert republished, "dispatch did not re-publish the outputs of the batch it stored"
    assert republished <= dispatched
    # handled once: the same work orders, the case not written again
    assert sorted(doc["_id"] for doc in dispatch_db["work_orders"].find({"case_id": case_id})) == orders_before
    assert dispatch_db["cases"].find_one({"_id": case_id}, {"version": 1, "state": 1}) == case_before
    # escalation applied those events already: the copies change nothing and cause nothing
    assert [e.name for e in again if e.topic == CASES_SUPERVISION and e.case_id == case_id] == []
