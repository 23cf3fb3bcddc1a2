"""The duplicate-handling core of every service's batch handler (complaint_platform.inbox), with the
database played by an in-memory stand-in: what a batch stores, and what it skips.

- a copy of an internal event (same id, later offset) is skipped once its aggregate applied it,
  also when only the aggregate's stored document remembers it (a restarted replica);
- inbound events keep their inbox: a repeat returns its recorded outputs, an id reused for other
  content is refused;
- each partition's position is stored with the outputs its events caused;
- a batch that fails drops what the handler holds in memory.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from complaints.v1 import case_events_pb2, common_pb2, inbound_pb2
from complaint_platform.envelope import Received, wrap
from complaint_platform.handling import Incoming
from complaint_platform.inbox import AppliedEvents, InboxHandler, RejectEvent
from complaint_platform.mongo import INBOX, POSITIONS, UnitOfWork
from complaint_platform.topics import CASES_DISPATCH, COMPLAINTS_SUBMITTED

NOW = datetime(2026, 12, 3, 9, tzinfo=timezone.utc)


class _Found(list):
    def __init__(self, documents, query):
        wanted = set(query.get("_id", {}).get("$in", []))
        super().__init__(doc for doc in documents if doc["_id"] in wanted)


class _Collection:
    def __init__(self) -> None:
        self.documents: dict[str, dict] = {}

    def find(self, query, projection=None):
        return _Found(list(self.documents.values()), query)


class _Database(dict):
    def __missing__(self, name):
        self[name] = _Collection()
        return self[name]

    def get_collection(self, name):
        return self[name]


@pytest.fixture
def committed(monkeypatch):
    """Every unit of work's writes, applied to its database's collections by id."""
    units: list[UnitOfWork] = []

    def commit(unit: UnitOfWork) -> None:
        for name, operations in [*unit.writes.items(), (INBOX, [_Insert(doc) for doc in unit.inbox])]:
            for operation in operations:
                document = getattr(operation, "_doc", None)
                if document is not None:
                    unit.database[name].documents[document["_id"]] = dict(document)
        units.append(unit)

    class _Insert:
        def __init__(self, doc):
            self._doc = doc

    monkeypatch.setattr(UnitOfWork, "commit", commit)
    return units


class Counting(InboxHandler):
    """Counts events per case; each case is an aggregate stored with its applied event ids."""

    producer = "test"
    output_topic = CASES_DISPATCH

    def __init__(self, database) -> None:
        super().__init__(database)
        self.counts: dict[str, int] = {}
        self.forgotten = 0
        self.fail_on: str | None = None

    def load(self, batch):
        for doc in self.database["counts"].find({"_id": {"$in": [i.envelope.case_id for i in batch]}}):
            self.counts.setdefault(doc["_id"], doc["count"])
            self.applied.remember(doc["_id"], doc)

    def apply(self, incoming, now):
        if incoming.event_id == self.fail_on:
            raise RuntimeError("boom")
        case_id = incoming.envelope.case_id or "inbound"
        self.counts[case_id] = self.counts.get(case_id, 0) + 1
        return [self.emit(incoming, case_events_pb2.OwnerAssigned(case_id=case_id, owner="a"), case_id, now)]

    def save(self, unit):
        for case_id in sorted(self.applied.touched):
            unit.upsert("counts", {"_id": case_id, "count": self.counts[case_id],
                                   AppliedEvents.FIELD: self.applied.of(case_id)})

    def forget_state(self):
        self.counts.clear()
        self.forgotten += 1


def internal(event_id: str, case_id: str, offset: int, partition: int = 0) -> Incoming:
    envelope = wrap(case_events_pb2.CaseReopened(case_id=case_id, reason="again"), event_id=event_id,
                    case_id=case_id, producer="verification", occurred_at=NOW)
    return Incoming(Received("cases.verification.v1", partition, offset, None, b"", {}), envelope)


def inbound(event_id: str, summary: str, offset: int) -> Incoming:
    complaint = inbound_pb2.ComplaintSubmitted(submission_id="S-1", channel=common_pb2.CHANNEL_HOTLINE,
                                               summary=summary)
    envelope = wrap(complaint, event_id=event_id, producer="hotline", occurred_at=NOW)
    return Incoming(Received(COMPLAINTS_SUBMITTED, 0, offset, None, b"", {}), envelope)


def test_a_copy_of_an_applied_event_is_skipped_in_memory_and_after_a_restart(committed):
    database = _Database()
    handler = Counting(database)
    handler.handle_batch([internal("e1", "C1", 0), internal("e2", "C1", 1)], NOW, {("cases.verification.v1", 0): 2})
    # re-published after its producer's crash: the same id at a later offset
    result = handler.handle_batch([internal("e1", "C1", 2)], NOW, {("cases.verification.v1", 0): 3})
    assert handler.counts["C1"] == 2 and result.outgoing == []
    # a new replica knows only what the case's document says it applied
    restarted = Counting(database)
    result = restarted.handle_batch([internal("e2", "C1", 3), internal("e3", "C1", 4)], NOW,
                                    {("cases.verification.v1", 0): 5})
    assert restarted.counts["C1"] == 3
    assert [item.causation_id for item in result.outgoing] == ["e3"]
    assert database["counts"].documents["C1"][AppliedEvents.FIELD] == ["e1", "e2", "e3"]


def test_the_same_event_twice_in_one_batch_is_applied_once(committed):
    handler = Counting(_Database())
    handler.handle_batch([internal("e1", "C1", 0), internal("e1", "C1", 1)], NOW, {("cases.verification.v1", 0): 2})
    assert handler.counts["C1"] == 1


def test_an_inbound_repeat_returns_its_outputs_and_a_reused_id_is_refused(committed):
    database = _Database()
    handler = Counting(database)
    first = handler.handle_batch([inbound("in-1", "no signal", 0)], NOW, {(COMPLAINTS_SUBMITTED, 0): 1})
    again = handler.handle_batch([inbound("in-1", "no signal", 1)], NOW, {(COMPLAINTS_SUBMITTED, 0): 2})
    assert handler.counts["inbound"] == 1
    assert [item.event_id for item in again.outgoing] == [item.event_id for item in first.outgoing]
    other = handler.handle_batch([inbound("in-1", "billing error", 2)], NOW, {(COMPLAINTS_SUBMITTED, 0): 3})
    assert handler.counts["inbound"] == 1 and other.outgoing == []
    assert "already used by a different ComplaintSubmitted" in other.rejected[0].reason


def test_each_position_is_stored_with_the_outputs_its_partition_caused(committed):
    database = _Database()
    handler = Counting(database)
    result = handler.handle_batch([internal("e1", "C1", 7, partition=0), internal("e2", "C2", 3, partition=1)], NOW,
                                  {("cases.verification.v1", 0): 8, ("cases.verification.v1", 1): 4})
    positions = database[POSITIONS].documents
    assert positions["cases.verification.v1[0]"]["position"] == 8
    assert [o["causation_id"] for o in positions["cases.verification.v1[0]"]["outputs"]] == ["e1"]
    assert [o["causation_id"] for o in positions["cases.verification.v1[1]"]["outputs"]] == ["e2"]
    assert len(result.outgoing) == 2
    # a batch of nothing but copies still moves the position, and caused nothing to re-publish
    handler.handle_batch([internal("e1", "C1", 8)], NOW, {("cases.verification.v1", 0): 9})
    assert positions["cases.verification.v1[0]"] == {**positions["cases.verification.v1[0]"], "position": 9,
                                                    "outputs": []}


def test_a_failed_batch_drops_what_the_handler_holds(committed):
    handler = Counting(_Database())
    handler.handle_batch([internal("e1", "C1", 0)], NOW, {("cases.verification.v1", 0): 1})
    handler.fail_on = "e3"
    with pytest.raises(RuntimeError):
        handler.handle_batch([internal("e2", "C1", 1), internal("e3", "C1", 2)], NOW, {("cases.verification.v1", 0): 3})
    assert handler.forgotten == 1 and handler.counts == {}
    assert not handler.applied.seen("C1", "e1")  # read again from the stored document
    handler.fail_on = None
    handler.handle_batch([internal("e2", "C1", 1), internal("e3", "C1", 2)], NOW, {("cases.verification.v1", 0): 3})
    assert handler.counts["C1"] == 3


def test_applied_ids_are_bounded_per_aggregate():
    applied = AppliedEvents()
    for number in range(AppliedEvents.LIMIT + 10):
        applied.add("C1", f"e{number}")
    assert len(applied.of("C1")) == AppliedEvents.LIMIT
    assert not applied.seen("C1", "e0") and applied.seen("C1", f"e{AppliedEvents.LIMIT + 9}")


def test_a_batch_stored_despite_a_lost_commit_answer_is_not_handled_again(committed, monkeypatch):
    database = _Database()
    handler = Counting(database)
    stored_commit = UnitOfWork.commit

    def commit_then_lose_the_answer(unit):
        stored_commit(unit)
        raise ConnectionError("connection closed")

    monkeypatch.setattr(UnitOfWork, "commit", commit_then_lose_the_answer)
    batch = [internal("e1", "C1", 0), inbound("in-1", "no signal", 0), inbound("in-1", "billing error", 1)]
    positions = {("cases.verification.v1", 0): 1, (COMPLAINTS_SUBMITTED, 0): 2}
    with pytest.raises(ConnectionError):
        handler.handle_batch(batch, NOW, positions)
    monkeypatch.setattr(UnitOfWork, "commit", stored_commit)
    retried = handler.handle_batch(batch, NOW, positions, maybe_stored=True)
    # what the stored attempt caused and refused, not a second handling (which would cause nothing)
    assert sorted(item.causation_id for item in retried.outgoing) == ["e1", "in-1"]
    assert [(r.incoming.record.offset, "already used" in r.reason) for r in retried.rejected] == [(1, True)]
    assert database["counts"].documents["C1"]["count"] == 1
    # a batch that was not stored (its positions are behind) is handled as usual
    fresh = handler.handle_batch([internal("e2", "C1", 1)], NOW, {("cases.verification.v1", 0): 2}, maybe_stored=True)
    assert [item.causation_id for item in fresh.outgoing] == ["e2"]


def test_an_event_the_rules_refuse_drops_what_the_handler_holds(committed):
    class Refusing(Counting):
        def apply(self, incoming, now):
            if incoming.event_id == "bad":
                self.counts["C2"] = 99  # changed before refusing: must not outlive the batch
                raise RejectEvent("case_id: not this one")
            return super().apply(incoming, now)

    database = _Database()
    handler = Refusing(database)
    result = handler.handle_batch([internal("e1", "C1", 0), internal("bad", "C2", 1)], NOW,
                                  {("cases.verification.v1", 0): 2})
    assert [r.reason for r in result.rejected] == ["case_id: not this one"]
    assert handler.forgotten == 1 and handler.counts == {}  # read again from what is stored
    assert "C2" not in database["counts"].documents
    handler.handle_batch([internal("e2", "C1", 2), internal("e3", "C2", 3)], NOW, {("cases.verification.v1", 0): 4})
    assert (handler.counts["C1"], handler.counts["C2"]) == (2, 1)
