"""A database that goes back in time under a running service loses nothing.

It happens when an operator restores a service's database from a backup, when a MongoDB
primary's last writes are rolled back after a failover, and when SecantusDB is killed with -9
without ``--sync-on-commit`` (it then lost its last few acknowledged transactions here). Kafka's
committed offsets have moved on by then; the positions stored with every batch have not, so the
service reads what the database lost again (complaint_platform/positions.py)."""

from __future__ import annotations

import json
import random
import signal
import time

import pymongo
import pytest

from complaint_platform.topics import COMPLAINTS_SUBMITTED
from tools.traffic import sample_complaint

from helpers import service_now


def _registered(tail, submissions: set[str], timeout_s: float = 60) -> dict[str, tuple[str, str]]:
    """submission id -> (case id, CaseRegistered event id), once each has been registered."""
    found: dict[str, tuple[str, str]] = {}
    deadline = time.monotonic() + timeout_s
    while set(found) != submissions and time.monotonic() < deadline:
        for event in tail.poll(0.2):
            if event.name == "CaseRegistered" and event.payload.submission_id in submissions:
                found.setdefault(event.payload.submission_id, (event.case_id, event.envelope.event_id))
    assert set(found) == submissions, f"not registered: {sorted(submissions - set(found))}"
    return found


def _restore(database, backup: dict[str, list[dict]]) -> None:
    """Every collection back to the backup (the indexes stay, as in a data-only restore), in one
    transaction: the database jumps back in time at once, as when it loses its last writes. (Done
    outside a transaction, SecantusDB's delete_many kept retrying a write conflict with the running
    service's transaction while holding the collection lock that transaction waited for.)"""

    names = database.list_collection_names()  # not allowed inside a transaction

    def back_in_time(session) -> None:
        for name in names:
            kept = backup.get(name, [])
            collection = database[name]
            collection.delete_many({"_id": {"$nin": [doc["_id"] for doc in kept]}}, session=session)
            for doc in kept:
                collection.replace_one({"_id": doc["_id"]}, doc, upsert=True, session=session)

    with database.client.start_session() as session:
        session.with_transaction(back_in_time)  # retried while it conflicts with the service's writes


def _intake_said(stack, text: str) -> int:
    lines = [json.loads(line) for line in (stack.log_dir / "intake.log").read_text().splitlines()
             if line.startswith("{")]
    return sum(text in line.get("message", "") for line in lines)


@pytest.mark.parametrize("intake_running", [True, False], ids=["under-the-running-service", "while-stopped"])
def test_complaints_lost_by_a_restored_database_are_registered_again_once_each(stack, publisher, tail,
                                                                              intake_running):
    rng = random.Random(8081 if intake_running else 8082)
    intake = pymongo.MongoClient(stack.mongodb_uri)["complaints_intake"]
    dispatch = pymongo.MongoClient(stack.mongodb_uri)["complaints_dispatch"]
    run = "LIVE" if intake_running else "STOPPED"
    batches = [[sample_complaint(rng, service_now(stack), customer_id=f"C-RESTORE-{run}-{n}-{i:02d}")
                for i in range(8)] for n in range(2)]

    for complaint in batches[0]:
        publisher.publish(COMPLAINTS_SUBMITTED, complaint, key=complaint.customer.id)
    publisher.flush()
    _registered(tail, {c.submission_id for c in batches[0]})
    time.sleep(1.0)  # the batch's offsets committed too
    backup = {name: list(intake[name].find()) for name in intake.list_collection_names()}

    for complaint in batches[1]:
        publisher.publish(COMPLAINTS_SUBMITTED, complaint, key=complaint.customer.id)
    publisher.flush()
    later = {c.submission_id for c in batches[1]}
    first = _registered(tail, later)
    later_customers = sorted(c.customer.id for c in batches[1])
    deadline = time.monotonic() + 30
    while dispatch["cases"].count_documents({"_id": {"$in": [case for case, _ in first.values()]}}) < len(later):
        assert time.monotonic() < deadline, "dispatch never took the later cases"
        time.sleep(0.2)
    work_orders = dispatch["work_orders"].count_documents({"case_id": {"$in": [case for case, _ in first.values()]}})
    assert intake["cases"].count_documents({"customer_id": {"$in": later_customers}}) == len(later)

    said = "lost acknowledged writes" if intake_running else "behind Kafka's committed offset"
    said_before = _intake_said(stack, said)
    if intake_running:
        _restore(intake, backup)  # nothing tells intake, until it looks
    else:  # the documented restore: stop, restore, start; the group's offsets are left as they are
        assert stack.stop_service("intake", signal.SIGTERM) == 0
        _restore(intake, backup)
    assert intake["cases"].count_documents({"customer_id": {"$in": later_customers}}) == 0
    if not intake_running:
        stack.start_service("intake")
        stack.wait_healthy("intake")

    again = _registered(tail, later, timeout_s=60)
    # the same cases under the same event ids, so every consumer downstream takes them for repeats
    assert again == first
    deadline = time.monotonic() + 30
    while intake["cases"].count_documents({"customer_id": {"$in": later_customers}}) < len(later):
        assert time.monotonic() < deadline, "intake never stored the later cases again"
        time.sleep(0.2)
    cases = list(intake["cases"].find({"customer_id": {"$in": later_customers}}))
    assert sorted(doc["_id"] for doc in cases) == sorted(case for case, _ in first.values())
    earlier = intake["cases"].count_documents({"customer_id": {"$in": sorted(c.customer.id for c in batches[0])}})
    assert earlier == len(batches[0])  # kept by the backup, not registered twice
    time.sleep(2.0)  # anything dispatch would wrongly do with the repeats has happened by now
    assert dispatch["work_orders"].count_documents(
        {"case_id": {"$in": [case for case, _ in first.values()]}}) == work_orders

    assert _intake_said(stack, said) > said_before
