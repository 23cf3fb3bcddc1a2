"""What the verification rules decided. Every change to a record is one of these, so every change
is also one audit entry (``audit_payload``); the adapter publishes the ``PUBLISHED`` kinds."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, Union


@dataclass(frozen=True)
class VerificationOpened:
    case_id: str
    loop: int                 # 1 for the first customer closure, +1 after each reopen
    customer_closed_at: datetime
    owner: str
    window_ends_at: datetime
    blockers: tuple[str, ...]


@dataclass(frozen=True)
class ResponsibilityDetermined:
    case_id: str
    responsible_unit: str
    root_cause_class: str
    company_at_fault: str
    determined_by: str
    revised: bool = False     # a later report replaced an earlier finding


@dataclass(frozen=True)
class ActionPlanned:
    case_id: str
    action_id: str
    kind: str
    owner: str
    due_at: datetime | None
    description: str
    class_level: str = ""     # root-cause class when one action covers the whole class


@dataclass(frozen=True)
class CorrectiveActionDue:
    """Escalation turns this into a deadline; ``kind`` says corrective or preventive."""

    case_id: str
    action_id: str
    kind: str
    owner: str
    due_at: datetime


@dataclass(frozen=True)
class ActionCompleted:
    case_id: str
    action_id: str
    evidence: str
    completed_by: str
    completed_at: datetime


@dataclass(frozen=True)
class ActionEvidenceRejected:
    case_id: str
    action_id: str
    reason: str
    verifier: str


@dataclass(frozen=True)
class ActionVerified:
    case_id: str
    action_id: str
    verifier: str
    verified_at: datetime


@dataclass(frozen=True)
class CallbackRecorded:
    case_id: str
    outcome: str
    called_at: datetime
    reason: str
    unreachable_attempts: int  # in the current loop, after this call


@dataclass(frozen=True)
class CallbackFallbackApplied:
    case_id: str
    fallback: str             # treat_as_satisfied, close_without_callback or keep_open
    unreachable_attempts: int


@dataclass(frozen=True)
class RecurrenceDetected:
    case_id: str
    new_case_id: str
    matched_by: str           # same_customer_category or fault_signature
    registered_at: datetime
    late: bool = False        # seen after management closure: recorded, but closure stands


@dataclass(frozen=True)
class CaseReopened:
    case_id: str
    cause: str                # CALLBACK_UNSATISFIED or RECURRENCE
    reason: str
    return_to_owner: str
    loop: int
    reopened_at: datetime


@dataclass(frozen=True)
class CaseClosed:
    """Management closure (管理办结); customer closure came first."""

    case_id: str
    loop: int
    customer_closed_at: datetime
    management_closed_at: datetime


VerificationEvent = Union[
    VerificationOpened, ResponsibilityDetermined, ActionPlanned, CorrectiveActionDue, ActionCompleted,
    ActionEvidenceRejected, ActionVerified, CallbackRecorded, CallbackFallbackApplied, RecurrenceDetected,
    CaseReopened, CaseClosed]

# what goes on cases.verification.v1; the rest lives only in the record and the audit chain
PUBLISHED = (VerificationOpened, ResponsibilityDetermined, CorrectiveActionDue, ActionVerified, RecurrenceDetected,
             CaseReopened, CaseClosed)


def audit_payload(event: VerificationEvent) -> tuple[str, dict[str, Any]]:
    """(entry_type, payload) for the audit chain: the event's name and its fields, JSON-friendly."""
    payload = {}
    for item in fields(event):
        value = getattr(event, item.name)
        payload[item.name] = list(value) if isinstance(value, tuple) else value
    return type(event).__name__, payload
