"""Domain outcomes of supervision as protobuf events (message, discriminator for its id)."""

from __future__ import annotations

from complaints.v1 import case_events_pb2
from complaint_platform.envelope import to_timestamp

from .domain import deadlines as clocks
from .domain import supervision
from .wire import DEADLINE_KIND


def fired(case: supervision.SupervisedCase | None, outcomes, policy, now) -> list[tuple[object, str]]:
    """Warnings, breaches and ladder steps of one deadline, and what they do to its case."""
    messages: list[tuple[object, str]] = []
    for outcome in outcomes:
        deadline = outcome.deadline
        kind = DEADLINE_KIND[deadline.kind]
        if isinstance(outcome, clocks.Warned):
            messages.append((case_events_pb2.DeadlineWarned(case_id=deadline.case_id, deadline_id=deadline.deadline_id,
                                                            kind=kind, due_at=to_timestamp(deadline.due_at)),
                             f"{deadline.deadline_id}:warned"))
        elif isinstance(outcome, clocks.Breached):
            if case is not None:
                case.mark_overdue(deadline.deadline_id)
            messages.append((case_events_pb2.DeadlineBreached(
                case_id=deadline.case_id, deadline_id=deadline.deadline_id, kind=kind,
                subject_id=deadline.subject_id, due_at=to_timestamp(deadline.due_at)), f"{deadline.deadline_id}:breached"))
        elif isinstance(outcome, clocks.Climbed) and case is not None:
            reason = f"{deadline.kind.lower()} {deadline.subject_id} overdue since {deadline.due_at.isoformat()}"
            for climbed in case.climb(outcome.level, outcome.role, outcome.unit, reason):
                messages.append((escalated(case.case_id, climbed), f"{deadline.deadline_id}:level{climbed.level}"))
    if case is not None:
        messages.extend(reassessed(case, policy, now))
    return messages


def escalated(case_id: str, event: supervision.CaseEscalated) -> case_events_pb2.CaseEscalated:
    return case_events_pb2.CaseEscalated(case_id=case_id, level=event.level, role=event.role, unit=event.unit,
                                         reason=event.reason)


def reassessed(case: supervision.SupervisedCase, policy, now) -> list[tuple[object, str]]:
    messages: list[tuple[object, str]] = []
    for event in case.reassess(policy, now):
        if isinstance(event, supervision.RiskThresholdCrossed):
            messages.append((case_events_pb2.RiskThresholdCrossed(case_id=case.case_id, score=event.score,
                                                                  threshold=event.threshold),
                             f"risk:{event.score}:{len(case.overdue_items)}:{case.dissatisfied_ratings}"))
        elif isinstance(event, supervision.SupervisionOpened):
            messages.append((case_events_pb2.SupervisionOpened(case_id=case.case_id, supervisor=event.supervisor,
                                                               reason=event.reason), "supervision"))
    return messages
