"""MongoDB storage of the escalation service: supervised cases, deadlines, timeline, yellow cards."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from google.protobuf import json_format

from complaints.v1 import envelope_pb2
from complaint_platform.envelope import from_timestamp
from complaint_platform.inbox import AppliedEvents
from complaint_platform.mongo import UnitOfWork

from .documents import (DeadlineDocument, DeadlineFiring, EarlyEvent, FiringRelay, SupervisedCaseRow,
                        SupervisedCaseState, TimelineBatch, YellowCardCount)
from .domain.deadlines import RUNNING, Deadline
from .domain.supervision import SupervisedCase
from .domain.timeline import TimelineEntry, merge

# The collections and their indexes are declared in documents.py.
CASES, CASE_STATES = SupervisedCaseRow._get_collection_name(), SupervisedCaseState._get_collection_name()
DEADLINES, TIMELINE = DeadlineDocument._get_collection_name(), TimelineBatch._get_collection_name()
YELLOW_CARDS, PARKED = YellowCardCount._get_collection_name(), EarlyEvent._get_collection_name()
FIRINGS, FIRING_RELAY = DeadlineFiring._get_collection_name(), FiringRelay._get_collection_name()
LIVE_STATES = sorted(RUNNING | {"PAUSED"})
# A case's state document holds its clocks (each with its own version, which its firings name)
# and its timeline (the events as they travelled, protobuf bytes, appended batch by batch): one
# document written per case and batch (clocks and timeline apart cost 5 more per complaint).
CLOCKS_FIELD, TIMELINE_FIELD = "clocks", "timeline"
# ids per ``$in`` query: SecantusDB's time per id grows with the list (measured on 20,000
# documents: 100 ids 13 ms, 400 ids 214 ms, 1,000 ids 1.3 s)
IN_LIST = 100


def load_cases(database: Any, case_ids: list[str], applied: AppliedEvents | None = None,
               versions: dict[str, int | None] | None = None,
               clocks: dict[str, tuple[Deadline, int, int]] | None = None) -> dict[str, SupervisedCase]:
    """Cases by id; ``applied`` and ``versions`` learn what their state documents say (a case
    stored before its state had a document of its own keeps it in its row: no version), and
    ``clocks`` the cases' clocks as they stand (see ``_as_they_stand``)."""
    cases = {}
    stored_clocks: dict[str, dict] = {}
    apart = []  # cases stored before their clocks moved into their document: clocks in DEADLINES
    for doc in database[CASE_STATES].find({"_id": {"$in": case_ids}}, {TIMELINE_FIELD: 0}):
        cases[doc["_id"]] = SupervisedCase.from_dict(doc["state"])
        if CLOCKS_FIELD in doc:
            stored_clocks.update((clock["deadline_id"], clock) for clock in doc[CLOCKS_FIELD])
        else:
            apart.append(doc["_id"])
        if applied is not None:
            applied.remember(doc["_id"], doc)
        if versions is not None:
            versions[doc["_id"]] = doc.get("version")
    legacy = [case_id for case_id in case_ids if case_id not in cases]
    if legacy:
        for doc in database[CASES].find({"_id": {"$in": legacy}, "state": {"$exists": True}}, {"state": 1}):
            cases[doc["_id"]] = SupervisedCase.from_dict(doc["state"])
            apart.append(doc["_id"])
    if clocks is not None:
        if apart:
            stored_clocks.update((doc["_id"], doc) for doc in database[DEADLINES].find({"case_id": {"$in": apart}}))
        clocks.update(_as_they_stand(database, stored_clocks))
    return cases


def load_parked(database: Any, case_ids: list[str]) -> dict[str, list[envelope_pb2.Envelope]]:
    parked: dict[str, list[envelope_pb2.Envelope]] = {}
    for doc in database[PARKED].find({"case_id": {"$in": case_ids}}):
        parked.setdefault(doc["case_id"], []).append(envelope_pb2.Envelope.FromString(bytes(doc["envelope"])))
    return parked


def park(unit: UnitOfWork, envelopes: list[envelope_pb2.Envelope]) -> None:
    for envelope in envelopes:
        unit.insert(PARKED, {"_id": envelope.event_id, "case_id": envelope.case_id,
                             "envelope": envelope.SerializeToString()})


def unpark(unit: UnitOfWork, event_ids: list[str]) -> None:
    if event_ids:
        unit.delete(PARKED, {"_id": {"$in": event_ids}})


def load_deadlines(database: Any, case_ids: list[str]) -> dict[str, tuple[Deadline, int]]:
    """Every clock of these cases (a handful each), with the version it was read at; stopped ones
    too, so a start is never inserted twice and a stop can tell "done" from "not started yet"."""
    found: dict[str, tuple[Deadline, int, int]] = {}
    load_cases(database, case_ids, clocks=found)
    return {deadline_id: (deadline, version) for deadline_id, (deadline, version, _) in found.items()}


def live_clocks(database: Any) -> dict[str, tuple[Deadline, int, int]]:
    """The running and paused clocks of every case (the firing timer's timetable): one pass over
    the cases' documents, reading their clocks only (a list of ids to fetch would cost more:
    SecantusDB answers ``$in`` in time that grows with the square of the list)."""
    stored = {clock["deadline_id"]: clock for doc in database[CASE_STATES].find({}, {CLOCKS_FIELD: 1})
              for clock in doc.get(CLOCKS_FIELD) or () if clock.get("state") in LIVE_STATES}
    # clocks stored apart before they moved into their case's document
    stored.update((doc["_id"], doc) for doc in database[DEADLINES].find({"state": {"$in": LIVE_STATES}})
                  if doc["_id"] not in stored)
    found = _as_they_stand(database, stored)
    return {deadline_id: clock for deadline_id, clock in found.items() if clock[0].state in LIVE_STATES}


def _as_they_stand(database: Any, stored: dict[str, dict]) -> dict[str, tuple[Deadline, int, int]]:
    """Clocks as stored (each with its version) brought up to date by their firings: (deadline,
    version, firings applied since that version)."""
    case_ids = sorted({doc["case_id"] for doc in stored.values()})
    latest: dict[str, dict] = {}
    for start in range(0, len(case_ids), IN_LIST):
        for firing in database[FIRINGS].find({"case_id": {"$in": case_ids[start:start + IN_LIST]}},
                                             {"outputs": 0}):
            doc = stored.get(firing["deadline_id"])
            if doc is None or firing["version"] != doc.get("version", 0):
                continue  # superseded: the clock was changed after that firing
            if firing["n"] > latest.get(firing["deadline_id"], {}).get("n", 0):
                latest[firing["deadline_id"]] = firing
    clocks = {}
    for deadline_id, doc in stored.items():
        firing = latest.get(deadline_id)
        state = firing["deadline"] if firing else doc
        clocks[deadline_id] = (Deadline.from_dict(state), doc.get("version", 0), firing["n"] if firing else 0)
    return clocks


def firing_id(deadline_id: str, version: int, n: int) -> str:
    return f"{deadline_id}@{version}#{n}"


def record_firing(unit: UnitOfWork, deadline: Deadline, version: int, n: int, at: datetime,
                  outputs: list[dict]) -> str:
    identifier = firing_id(deadline.deadline_id, version, n)
    unit.insert(FIRINGS, {"_id": identifier, "deadline_id": deadline.deadline_id, "case_id": deadline.case_id,
                          "version": version, "n": n, "at": at, "deadline": deadline.to_dict(), "outputs": outputs})
    return identifier


def record_relay(unit: UnitOfWork, relay_id: str, firing_ids: list[str], at: datetime) -> None:
    """One outbox entry per tick, not per event: removed once the broker has the tick's events."""
    unit.insert(FIRING_RELAY, {"_id": relay_id, "firings": firing_ids, "at": at})


def unpublished_firings(database: Any) -> list[tuple[str, list[dict]]]:
    """Ticks stored but never acknowledged (the replica died in between), with their firings' outputs."""
    pending = []
    for relay in database[FIRING_RELAY].find({}).sort("at", 1):
        firings = database[FIRINGS].find({"_id": {"$in": relay["firings"]}}, {"outputs": 1})
        pending.append((relay["_id"], [output for firing in firings for output in firing["outputs"]]))
    return pending


def relay_done(database: Any, relay_ids: list[str]) -> None:
    if relay_ids:
        database[FIRING_RELAY].delete_many({"_id": {"$in": relay_ids}})


def case_document(case: SupervisedCase) -> dict:
    """A case's row: what the watch lists, the bulletin and the metrics select by."""
    return {"_id": case.case_id, "risk_score": case.risk_score, "escalation_level": case.escalation_level,
            "supervised_since": case.supervised_since, "region": case.region, "department": case.department,
            "owner": case.owner, "opened_at": case.opened_at, "resolved_at": case.resolved_at,
            "closed": case.closed, "overdue": bool(case.overdue_items), "timely": case.timely}


def save_case(unit: UnitOfWork, case: SupervisedCase, new: bool = False, applied: list[str] | None = None,
              version: int | None = None, stored_row: dict | None = None, state_stored: bool = True,
              clocks: list[tuple[Deadline, int]] = (), timeline: list[bytes] = ()) -> dict:
    """The handler: the state with the ids of the events applied to it, its clocks (each with
    its version) and the batch's timeline entries appended, compare-and-set on the version it
    holds, and the row if it changed from ``stored_row`` (None: not stored). The firing timer
    (which applies no event) keeps those ids, clocks and timeline and moves the version on, so a
    replica holding the case reads it again, and writes the row. Returns the row."""
    row = case_document(case)
    if applied is not None:
        document = {"_id": case.case_id, "state": case.to_dict(), AppliedEvents.FIELD: applied,
                    CLOCKS_FIELD: [{**deadline.to_dict(), "version": clock_version}
                                   for deadline, clock_version in clocks]}
        unit.save_version(CASE_STATES, document, version, new=not state_stored,
                          append={TIMELINE_FIELD: list(timeline)})
        if row != stored_row:
            unit.save(CASES, row, new=stored_row is None)
        return row
    unit.update(CASE_STATES, {"_id": case.case_id}, {"$set": {"state": case.to_dict()}, "$inc": {"version": 1}},
                upsert=True)
    unit.upsert(CASES, row)
    return row


def save_commanded(unit: UnitOfWork, case: SupervisedCase, applied: list[str], timeline: list[bytes]) -> None:
    """A supervisor's command: the state with the command's id among those applied (a retry is
    answered, not applied again) and its events on the timeline; the version moves on, so a
    replica holding the case reads it again. The row is written whole (a command is rare;
    reading it first would cost as much)."""
    unit.update(CASE_STATES, {"_id": case.case_id},
                {"$set": {"state": case.to_dict(), AppliedEvents.FIELD: applied}, "$inc": {"version": 1},
                 "$push": {TIMELINE_FIELD: {"$each": timeline}}}, upsert=True)
    unit.upsert(CASES, case_document(case))


def timeline(database: Any, case_id: str) -> list[TimelineEntry]:
    """Every event of a case in order: those it received and emitted, and its clocks' firings
    (the entry's body holds the event as JSON)."""
    state = database[CASE_STATES].find_one({"_id": case_id}, {TIMELINE_FIELD: 1}) or {}
    received = [_timeline_entry(bytes(value)) for value in state.get(TIMELINE_FIELD) or ()]
    # entries of batches stored before the timeline moved into the case's document
    received += [_timeline_entry(bytes(value)) for doc in database[TIMELINE].find({"case_id": case_id})
                 for value in doc.get("entries") or [doc["envelope"]]]
    fired = [_timeline_entry(bytes(output["value"]))
             for firing in database[FIRINGS].find({"case_id": case_id}, {"outputs.value": 1})
             for output in firing["outputs"]]
    return merge(received, fired)


def _timeline_entry(value: bytes) -> TimelineEntry:
    envelope = envelope_pb2.Envelope.FromString(value)
    return TimelineEntry(envelope.event_id, envelope.event_type, envelope.producer, from_timestamp(envelope.occurred_at),
                         envelope.case_id, {"json": json_format.MessageToJson(envelope, indent=None,
                                                                              preserving_proto_field_name=True)})


def month_of(moment: datetime) -> str:
    return moment.strftime("%Y-%m")
