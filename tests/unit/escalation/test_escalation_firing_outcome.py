"""A tick whose commit fails on the connection may have been stored all the same (seen when the
database was killed during the commit): its events must still be published, once the next tick
runs. The database is played by an in-memory stand-in that stores the unit and then reports the
connection lost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pymongo.errors import AutoReconnect

from services.escalation import clocks as clocks_module
from services.escalation import store
from services.escalation.clocks import DeadlineFiring
from services.escalation.domain.calendar import HOTLINE
from services.escalation.domain.deadlines import Deadline
from services.escalation.domain.schedule import Entry
from complaint_platform.mongo import ConcurrentUpdate

from escalation_testkit import utc

T0 = utc(2026, 11, 2, 1)


class _Cursor(list):
    def sort(self, *args, **kwargs):
        return self


class _Collection:
    def __init__(self) -> None:
        self.documents: dict[str, dict] = {}

    def find(self, query=None, projection=None):
        query = query or {}
        found = list(self.documents.values())
        for field, condition in query.items():
            if isinstance(condition, dict) and "$exists" in condition:
                found = [doc for doc in found if (field in doc) == condition["$exists"]]
                continue
            wanted = condition["$in"] if isinstance(condition, dict) else [condition]
            found = [doc for doc in found if doc.get(field) in wanted]
        return _Cursor(found)

    def delete_many(self, query):
        for key in query["_id"]["$in"]:
            self.documents.pop(key, None)


class _Database(dict):
    def __missing__(self, name):
        self[name] = _Collection()
        return self[name]


@pytest.fixture
def lost_connection(monkeypatch):
    """Commits store their inserts (an id stored already fails the unit, as the unique _id does);
    the first one then reports the connection lost."""
    state = {"fail": True}

    def commit(unit):
        inserts = [(name, operation._doc) for name, operations in unit.writes.items() for operation in operations
                   if isinstance(getattr(operation, "_doc", None), dict) and "_id" in operation._doc]
        if any(document["_id"] in unit.database[name].documents for name, document in inserts):
            raise ConcurrentUpdate("duplicate key")
        for name, document in inserts:
            unit.database[name].documents[document["_id"]] = document
        if state["fail"]:
            state["fail"] = False
            raise AutoReconnect("connection closed")

    monkeypatch.setattr(clocks_module.UnitOfWork, "commit", commit)
    return state


def test_a_tick_stored_despite_a_failed_commit_is_published_by_the_next(policy, lost_connection):
    database = _Database()
    firing = DeadlineFiring(database, policy)
    clock = Deadline.start("C-1", "CASE_REPLY", "C-1", T0, HOTLINE, policy, allowed=timedelta(hours=1))
    firing.timetable.put(Entry(clock, 0, 0, -1))
    late = T0 + timedelta(hours=3)
    with pytest.raises(AutoReconnect):
        firing.fire_due_deadlines(late)
    stored = list(database[store.FIRINGS].documents.values())
    assert stored and stored[0]["outputs"], "the stand-in stored the tick"
    expected = {output["event_id"] for output in stored[0]["outputs"]}
    # the next tick fires the clock again: its firing id is taken, the stored firing is the truth
    with pytest.raises(ConcurrentUpdate):
        firing.fire_due_deadlines(late + timedelta(seconds=1))
    published = firing.fire_due_deadlines(late + timedelta(seconds=2))
    assert expected <= {item.event_id for item in published}
    assert len(published) == len({item.event_id for item in published})  # each once
    firing.published([item.event_id for item in published])
    assert database[store.FIRING_RELAY].documents == {}
