"""Protobuf <-> domain for the escalation service: the clocks' events as the contract has them."""

from __future__ import annotations

from complaints.v1 import case_events_pb2
from complaint_platform.envelope import to_timestamp

from .domain.deadlines import Deadline

DEADLINE_KIND = {name: case_events_pb2.DeadlineKind.Value(f"DEADLINE_KIND_{name}") for name in (
    "WORK_ORDER_ACCEPT", "WORK_ORDER_REPLY", "CASE_REPLY", "PROMISED_REPLY", "CONSULT_REPLY", "EXPLANATION",
    "CORRECTIVE_ACTION")}


def _clock_event(message_type, deadline: Deadline, **fields):
    """A clock's event: which clock, of which case, on what, and what happened to it."""
    return message_type(case_id=deadline.case_id, deadline_id=deadline.deadline_id, kind=DEADLINE_KIND[deadline.kind],
                        subject_id=deadline.subject_id, **fields)


def deadline_set(deadline: Deadline) -> case_events_pb2.DeadlineSet:
    return _clock_event(case_events_pb2.DeadlineSet, deadline, due_at=to_timestamp(deadline.due_at))


def deadline_stopped(deadline: Deadline) -> case_events_pb2.DeadlineStopped:
    return _clock_event(case_events_pb2.DeadlineStopped, deadline, met=deadline.state == "MET", late=deadline.late)


def deadline_paused(deadline: Deadline) -> case_events_pb2.DeadlinePaused:
    return _clock_event(case_events_pb2.DeadlinePaused, deadline, paused_at=to_timestamp(deadline.paused_at))


def deadline_resumed(deadline: Deadline) -> case_events_pb2.DeadlineResumed:
    return _clock_event(case_events_pb2.DeadlineResumed, deadline, due_at=to_timestamp(deadline.due_at))
