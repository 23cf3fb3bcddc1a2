"""MongoDB storage of the escalation service: supervised cases, deadlines, timeline, yellow cards."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from google.protobuf import json_format

from complaints.v1 import case_events_pb2, envelope_pb2
from complaint_platform.envelope import from_timestamp, to_timestamp
from complaint_platform.mongo import UnitOfWork

from .domain.deadlines import RUNNING, Deadline
from .domain.supervision import SupervisedCase

CASES, DEADLINES, TIMELINE, YELLOW_CARDS = "cases", "deadlines", "timeline", "yellow_cards"
LIVE_STATES = sorted(RUNNING | {"PAUSED"})


def ensure_indexes(database: Any) -> None:
    database[DEADLINES].create_index([("next_fire_at", 1)])
    database[DEADLINES].create_index([("case_id", 1), ("state", 1)])
    database[TIMELINE].create_index([("case_id", 1), ("occurred_at", 1)])
    database[CASES].create_index([("risk_score", -1)])
    database[CASES].create_index([("supervised_since", 1)])
    database[CASES].create_index([("resolved_at", 1)])
    database[CASES].create_index([("opened_at", 1)])
    database[YELLOW_CARDS].create_index([("agent_id", 1), ("month", 1)])


def load_cases(database: Any, case_ids: list[str]) -> dict[str, SupervisedCase]:
    found = database[CASES].find({"_id": {"$in": case_ids}}, {"state": 1})
    return {doc["_id"]: SupervisedCase.from_dict(doc["state"]) for doc in found}


def load_deadlines(database: Any, case_ids: list[str]) -> dict[str, tuple[Deadline, int]]:
    """Every clock of these cases (a handful each), with the version it was read at; stopped ones
    too, so a start is never inserted twice and a stop can tell "done" from "not started yet"."""
    found = database[DEADLINES].find({"case_id": {"$in": case_ids}})
    return {doc["_id"]: (Deadline.from_dict(doc), doc.get("version", 0)) for doc in found}


def case_document(case: SupervisedCase) -> dict:
    state = case.to_dict()
    return {"_id": case.case_id, "risk_score": case.risk_score, "escalation_level": case.escalation_level,
            "supervised_since": case.supervised_since, "region": case.region, "department": case.department,
            "owner": case.owner, "opened_at": case.opened_at, "resolved_at": case.resolved_at,
            "closed": case.closed, "overdue": bool(case.overdue_items), "state": state}


def save_case(unit: UnitOfWork, case: SupervisedCase, new: bool = False) -> None:
    unit.save(CASES, case_document(case), new=new)


def save_deadline(unit: UnitOfWork, deadline: Deadline, version: int | None) -> None:
    """New clocks are inserted; known ones are compare-and-set on the version they were read at."""
    fields = {**deadline.to_dict(), "next_fire_at": deadline.next_fire_at()}
    if version is None:
        unit.insert(DEADLINES, {"_id": deadline.deadline_id, **fields, "version": 0})
    else:
        unit.update_if_unchanged(DEADLINES, {"_id": deadline.deadline_id, "version": version},
                                 {"$set": {**fields, "version": version + 1}})


def record_timeline(unit: UnitOfWork, envelope: envelope_pb2.Envelope) -> None:
    if not envelope.case_id:
        return
    unit.insert(TIMELINE, {
        "_id": envelope.event_id, "case_id": envelope.case_id, "event_type": envelope.event_type,
        "producer": envelope.producer, "occurred_at": from_timestamp(envelope.occurred_at),
        "json": json_format.MessageToJson(envelope, indent=None, preserving_proto_field_name=True)})


DEADLINE_KIND = {name: case_events_pb2.DeadlineKind.Value(f"DEADLINE_KIND_{name}") for name in (
    "WORK_ORDER_ACCEPT", "WORK_ORDER_REPLY", "CASE_REPLY", "PROMISED_REPLY", "CONSULT_REPLY", "EXPLANATION",
    "CORRECTIVE_ACTION")}


def deadline_set(deadline: Deadline) -> case_events_pb2.DeadlineSet:
    return case_events_pb2.DeadlineSet(case_id=deadline.case_id, deadline_id=deadline.deadline_id,
                                       kind=DEADLINE_KIND[deadline.kind], subject_id=deadline.subject_id,
                                       due_at=to_timestamp(deadline.due_at))


def deadline_stopped(deadline: Deadline) -> case_events_pb2.DeadlineStopped:
    return case_events_pb2.DeadlineStopped(case_id=deadline.case_id, deadline_id=deadline.deadline_id,
                                           kind=DEADLINE_KIND[deadline.kind], subject_id=deadline.subject_id,
                                           met=deadline.state == "MET", late=deadline.late)


def month_of(moment: datetime) -> str:
    return moment.strftime("%Y-%m")
