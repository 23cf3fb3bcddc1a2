"""From one complaint to one class of problem: class-level actions and recurrence rate per root-cause class."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from .actions import Action
from .closure import CLOSED
from .errors import InvalidInput
from .events import ActionPlanned
from .inputs import ActionEvidence, ActionVerdict, CapaReport
from .record import VerificationRecord


def open_members(records: Iterable[VerificationRecord], root_cause_class: str) -> list[VerificationRecord]:
    """Records of the class not yet closed by management, in case-id order (a stable event order)."""
    return sorted((r for r in records if r.root_cause_class == root_cause_class and r.status != CLOSED),
                  key=lambda r: r.case_id)


def apply_class_actions(records: Iterable[VerificationRecord], report: CapaReport,
                        now: datetime) -> dict[str, list]:
    """One action covering the whole class: planned on every open record of the class."""
    if report.case_id or not report.root_cause_class.strip():
        raise InvalidInput("a class-level report names a root_cause_class and no case_id")
    if report.finding is not None:
        raise InvalidInput("a responsibility finding is made per case, not per root-cause class")
    return {record.case_id: record.on_capa_report(replace(report, case_id=record.case_id), now,
                                                  class_level=report.root_cause_class)
            for record in open_members(records, report.root_cause_class)}


def apply_class_evidence(records: Iterable[VerificationRecord], root_cause_class: str, evidence: ActionEvidence,
                         now: datetime) -> dict[str, list]:
    """Evidence for a class-level action counts for every open record that carries the action."""
    return {record.case_id: record.on_action_evidence(replace(evidence, case_id=record.case_id), now)
            for record in _carriers(records, root_cause_class, evidence.action_id)}


def apply_class_verdict(records: Iterable[VerificationRecord], root_cause_class: str, verdict: ActionVerdict,
                        now: datetime) -> dict[str, list]:
    return {record.case_id: record.verify_action(replace(verdict, case_id=record.case_id), now)
            for record in _carriers(records, root_cause_class, verdict.action_id)}


def inherit_class_actions(record: VerificationRecord, class_actions: Iterable[Action], event_id: str) -> list:
    """A record that joins a class later (its finding came after the class fix) adopts the class's
    actions as they stand, evidence and verification included."""
    if event_id in record.applied_event_ids:
        return []
    events: list = []
    for action in class_actions:
        if action.class_level != record.root_cause_class or action.action_id in record.actions:
            continue
        record.actions[action.action_id] = replace(action, planned_in_loop=max(record.loop, 1))
        events.append(ActionPlanned(record.case_id, action.action_id, action.kind, action.owner, action.due_at,
                                    action.description, action.class_level))
    record.applied_event_ids.append(event_id)
    return events


def _carriers(records: Iterable[VerificationRecord], root_cause_class: str, action_id: str) -> list:
    return [r for r in open_members(records, root_cause_class)
            if action_id in r.actions and r.actions[action_id].class_level == root_cause_class]


@dataclass(frozen=True)
class ClassRecurrenceRate:
    root_cause_class: str
    watched: int          # cases of the class with a customer closure in the period
    recurrences: int      # recurrences against those closures (late ones too: the problem came back)
    rate: float           # recurrences / watched; 0.0 when nothing was watched


def recurrence_rates(records: Iterable[VerificationRecord], period_from: datetime,
                     period_to: datetime) -> list[ClassRecurrenceRate]:
    """Per root-cause class over [period_from, period_to), ordered by class."""
    if period_to <= period_from:
        raise InvalidInput(f"period: {period_from} to {period_to} is empty")
    watched: dict[str, int] = {}
    recurred: dict[str, int] = {}
    for record in records:
        if not record.root_cause_class:
            continue
        loops = {i + 1 for i, at in enumerate(record.customer_closures) if period_from <= at < period_to}
        if not loops:
            continue
        name = record.root_cause_class
        watched[name] = watched.get(name, 0) + 1
        recurred[name] = recurred.get(name, 0) + sum(1 for r in record.recurrences if r.loop in loops)
    return [ClassRecurrenceRate(name, count, recurred[name], recurred[name] / count)
            for name, count in sorted(watched.items())]
