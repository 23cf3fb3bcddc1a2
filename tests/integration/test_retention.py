"""Retention on the running stack: every service expires its delivery records by TTL indexes with the
policy's days, and a change of the days changes the index in place."""

from __future__ import annotations

import pymongo

from complaint_platform.mongo import ensure_retention

DAY = 86_400


def ttl_of(database, collection: str, field: str):
    return next((index.get("expireAfterSeconds") for index in database[collection].list_indexes()
                 if dict(index["key"]) == {field: 1}), None)


def test_each_service_expires_its_inbox_and_published_outbox_by_the_policy(stack, tmp_path):
    client = pymongo.MongoClient(stack.mongodb_uri)
    for service in ("intake", "dispatch", "escalation", "verification"):
        database = client[f"complaints_{service}"]
        assert ttl_of(database, "processed_events", "at") == 30 * DAY, service
        assert ttl_of(database, "outbox", "published_at") == 7 * DAY, service
    scratch = client["complaints_retention_test"]
    ensure_retention(scratch, 30, 7)
    ensure_retention(scratch, 45, 2)  # the policy changed: the same indexes, new days
    assert (ttl_of(scratch, "processed_events", "at"), ttl_of(scratch, "outbox", "published_at")) == (45 * DAY, 2 * DAY)
    assert len([i for i in scratch["processed_events"].list_indexes() if dict(i["key"]) == {"at": 1}]) == 1
    client.drop_database("complaints_retention_test")
