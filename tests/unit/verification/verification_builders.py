"""Builders shared by the verification rule tests: one resolved record, inputs with fresh ids."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone

from services.verification.domain.inputs import (ActionEvidence, ActionVerdict, CallbackResult, CapaReport,
                                                 CaseResolved, NewCaseObserved, PlannedAction,
                                                 ResponsibilityFinding)
from services.verification.domain.policy import default_policy
from services.verification.domain.record import VerificationRecord

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=timezone.utc)   # customer closure in the builders
DAY = timedelta(days=1)
WINDOW_END = T0 + 30 * DAY
CLOSES_AT = WINDOW_END + timedelta(hours=1)
POLICY = default_policy()
_ids = itertools.count(1)


def eid(prefix: str = "ev") -> str:
    return f"{prefix}-{next(_ids)}"


def resolved(case_id: str = "C1", closed_at: datetime = T0, customer: str = "U1", category: str = "network_signal",
             region: str = "GZ", cell: str = "CELL-7", owner: str = "agent-1", event_id: str = "") -> CaseResolved:
    return CaseResolved(event_id or eid("res"), case_id, customer, category, region, owner, closed_at,
                        department="gz-wireless-ops", attributes={"cell_id": cell} if cell else {})


def opened(case_id: str = "C1", **kwargs) -> VerificationRecord:
    record = VerificationRecord(case_id)
    record.on_case_resolved(resolved(case_id, **kwargs), POLICY, kwargs.get("closed_at", T0))
    return record


def finding(case_id: str = "C1", unit: str = "gz-wireless-ops", cause: str = "cell_capacity",
            fault: str = "YES") -> CapaReport:
    return CapaReport(eid("capa"), case_id, ResponsibilityFinding(unit, cause, fault), reported_by="qa-1")


def planned(case_id: str = "C1", action_id: str = "CA-1", kind: str = "CORRECTIVE", owner: str = "ops-1",
            due_at: datetime | None = T0 + 7 * DAY) -> CapaReport:
    return CapaReport(eid("capa"), case_id, actions=(PlannedAction(action_id, kind, owner, due_at, "expand cell"),),
                      reported_by="qa-1")


def evidence(case_id: str = "C1", action_id: str = "CA-1", text: str = "ticket NET-1 closed") -> ActionEvidence:
    return ActionEvidence(eid("evi"), case_id, action_id, text, "ops-1", T0 + DAY)


def verdict(case_id: str = "C1", action_id: str = "CA-1", accepted: bool = True, reason: str = "") -> ActionVerdict:
    return ActionVerdict(eid("ver"), case_id, action_id, accepted, "verifier-1", reason)


def callback(outcome: str = "SATISFIED", called_at: datetime = T0 + DAY, case_id: str = "C1",
             reason: str = "") -> CallbackResult:
    return CallbackResult(eid("cb"), case_id, outcome, called_at, reason, "agent-9")


def new_case(case_id: str = "C2", registered_at: datetime = T0 + DAY, customer: str = "U1",
             category: str = "network_signal", region: str = "GZ", cell: str = "CELL-7") -> NewCaseObserved:
    return NewCaseObserved(eid("reg"), case_id, customer, category, region, registered_at,
                           {"cell_id": cell} if cell else {})


def fulfilled(case_id: str = "C1", **kwargs) -> VerificationRecord:
    """Opened, finding made, CA-1 verified, callback satisfied: only the window keeps it open."""
    record = opened(case_id, **kwargs)
    for report in (finding(case_id), planned(case_id)):
        record.on_capa_report(report, T0 + DAY)
    record.on_action_evidence(evidence(case_id), T0 + DAY)
    record.verify_action(verdict(case_id), T0 + 2 * DAY)
    record.on_callback(callback(case_id=case_id), T0 + 2 * DAY)
    return record
