"""A database that goes back in time under a running service loses nothing.

It happens when an operator restores a service's database from a backup, when a MongoDB
primary's last writes are rolled back after a failover, and when SecantusDB is killed with -9
without ``--sync-on-commit`` (it then lost its last few acknowledged transactions here). Kafka's
committed offsets have moved on by then; the positions stored with every batch have not, so the
service reads what the database lost again (complaint_platform/positions.py)."""

from __future__ import annotations

import json
import random
import time

import pymongo
import pymongo.errors

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
    """Every collection back to the backup (the indexes stay, as in a data-only restore)."""
    for name in database.list_collection_names():
        kept = backup.get(name, [])
        collection = database[name]
        for attempt in range(20):  # the running service's own writes may conflict with the restore's
            try:
                collection.delete_many({"_id": {"$nin": [doc["_id"] for doc in kept]}})
                for doc in kept:
                    collection.replace_one({"_id": doc["_id"]}, doc, upsert=True)
                break
            except pymongo.errors.OperationFailure as error:
                print(f"restoring {name} conflicted ({error}); again")
                time.sleep(0.1 * (attempt + 1))
        else:
            raise AssertionError(f"could not restore {name}")


def test_complaints_lost_by_a_restored_database_are_registered_again_once_each(stack, publisher, tail):
    rng = random.Random(8081)
    intake = pymongo.MongoClient(stack.mongodb_uri)["complaints_intake"]
    dispatch = pymongo.MongoClient(stack.mongodb_uri)["complaints_dispatch"]
    batches = [[sample_complaint(rng, service_now(stack), customer_id=f"C-RESTORE-{n}-{i:02d}") for i in range(8)]
               for n in range(2)]

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

    _restore(intake, backup)  # intake keeps running: nothing tells it, until it looks
    assert intake["cases"].count_documents({"customer_id": {"$in": later_customers}}) == 0

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

    lines = [json.loads(line) for line in (stack.log_dir / "intake.log").read_text().splitlines()
             if line.startswith("{")]
    assert any("lost acknowledged writes" in line.get("message", "") for line in lines)
