"""What reaches the verification rules. Every input carries the id the idempotency check uses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

CORRECTIVE, PREVENTIVE = "CORRECTIVE", "PREVENTIVE"
ACTION_KINDS = (CORRECTIVE, PREVENTIVE)
FAULT_VALUES = ("YES", "NO", "UNCLEAR")
SATISFIED, UNSATISFIED, UNREACHABLE = "SATISFIED", "UNSATISFIED", "UNREACHABLE"
CALLBACK_OUTCOMES = (SATISFIED, UNSATISFIED, UNREACHABLE)


@dataclass(frozen=True)
class CaseResolved:
    """Dispatch's customer closure (客户办结); opens (or re-opens) verification."""

    event_id: str
    case_id: str
    customer_id: str
    category: str
    region: str
    owner: str                # the case's original owner; a reopen goes back to them
    customer_closed_at: datetime
    department: str = ""
    attributes: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ResponsibilityFinding:
    responsible_unit: str
    root_cause_class: str
    company_at_fault: str     # YES, NO or UNCLEAR


@dataclass(frozen=True)
class PlannedAction:
    action_id: str
    kind: str                 # CORRECTIVE or PREVENTIVE
    owner: str
    due_at: datetime | None = None
    description: str = ""


@dataclass(frozen=True)
class CapaReport:
    """A CAPA report: a responsibility finding and/or planned actions.

    ``case_id`` empty with ``root_cause_class`` set means a class-level action (see classes.py).
    """

    event_id: str
    case_id: str = ""
    finding: ResponsibilityFinding | None = None
    actions: tuple[PlannedAction, ...] = ()
    root_cause_class: str = ""
    reported_by: str = ""
    reported_at: datetime | None = None


@dataclass(frozen=True)
class ActionEvidence:
    """An action was done; the evidence is what the verifier will judge."""

    event_id: str
    case_id: str
    action_id: str
    evidence: str
    completed_by: str = ""
    completed_at: datetime | None = None


@dataclass(frozen=True)
class ActionVerdict:
    """The verifier accepted (verified) or rejected an action's evidence."""

    event_id: str
    case_id: str
    action_id: str
    accepted: bool
    verifier: str = ""
    reason: str = ""          # required when rejected


@dataclass(frozen=True)
class CallbackResult:
    """The callback centre's report of one call (回访)."""

    event_id: str
    case_id: str
    outcome: str              # SATISFIED, UNSATISFIED or UNREACHABLE
    called_at: datetime
    reason: str = ""          # required when UNSATISFIED
    agent_id: str = ""


@dataclass(frozen=True)
class NewCaseObserved:
    """Intake registered a case; the recurrence watch compares it with the watched records."""

    event_id: str
    case_id: str
    customer_id: str
    category: str
    region: str
    registered_at: datetime
    attributes: Mapping[str, str] = field(default_factory=dict)
