"""The verification record: cause found, fix done, customer satisfied, problem gone; then closed."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from .policy import VerificationPolicy

PENDING, CLOSED, REOPENED = "PENDING", "CLOSED", "REOPENED"


class VerificationError(Exception):
    """Base of the verification rules' named errors."""


class UnknownAction(VerificationError):
    pass


class EvidenceMissing(VerificationError):
    pass


# --- what the rules produce --------------------------------------------------------------------
@dataclass(frozen=True)
class VerificationOpened:
    blockers: tuple[str, ...]


@dataclass(frozen=True)
class ResponsibilityDetermined:
    unit: str
    root_cause_class: str
    company_at_fault: str


@dataclass(frozen=True)
class CorrectiveActionDue:
    action_id: str
    owner: str
    due_at: datetime


@dataclass(frozen=True)
class ActionVerified:
    action_id: str


@dataclass(frozen=True)
class RecurrenceDetected:
    new_case_id: str
    matched_by: str


@dataclass(frozen=True)
class CaseReopened:
    reason: str


@dataclass(frozen=True)
class CaseClosed:
    customer_closed_at: datetime
    management_closed_at: datetime


@dataclass
class VerificationRecord:
    case_id: str
    customer_id: str
    category: str
    region: str
    attributes: dict[str, str]
    opened_at: datetime
    customer_closed_at: datetime
    department: str = ""
    status: str = PENDING
    loop: int = 0
    responsible_unit: str = ""
    root_cause_class: str = ""
    company_at_fault: str = ""
    actions: dict[str, dict[str, Any]] = field(default_factory=dict)
    callback: str = "PENDING"           # PENDING, SATISFIED, UNSATISFIED, FALLBACK
    unreachable_attempts: int = 0
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    management_closed_at: datetime | None = None
    recurrences: list[dict[str, Any]] = field(default_factory=list)

    # --- opening ----------------------------------------------------------------------------
    @classmethod
    def open(cls, case_id: str, customer_id: str, category: str, region: str, attributes: dict[str, str],
             department: str, customer_closed_at: datetime, now: datetime) -> VerificationRecord:
        return cls(case_id, customer_id, category, region, dict(attributes), now, customer_closed_at, department)

    def resolved_again(self, customer_closed_at: datetime) -> bool:
        """After a reopen the case was resolved again: a new loop, a new callback and a new window."""
        if self.status != REOPENED:
            return False
        self.loop += 1
        self.status, self.customer_closed_at = PENDING, customer_closed_at
        self.callback, self.unreachable_attempts = "PENDING", 0
        return True

    # --- inputs -------------------------------------------------------------------------------
    def determine_responsibility(self, unit: str, root_cause_class: str, fault: str) -> ResponsibilityDetermined:
        self.responsible_unit, self.root_cause_class, self.company_at_fault = unit, root_cause_class, fault
        return ResponsibilityDetermined(unit, root_cause_class, fault)

    def plan_action(self, action_id: str, kind: str, description: str, owner: str, due_at: datetime | None,
                    covers_class: bool = False) -> list[CorrectiveActionDue]:
        known = action_id in self.actions
        self.actions[action_id] = {**self.actions.get(action_id, {}), "kind": kind, "description": description,
                                   "owner": owner, "due_at": due_at, "class_level": covers_class}
        self.actions[action_id].setdefault("evidence", "")
        self.actions[action_id].setdefault("verified_at", None)
        return [] if known or due_at is None else [CorrectiveActionDue(action_id, owner, due_at)]

    def complete_action(self, action_id: str, evidence: str, now: datetime) -> None:
        action = self._action(action_id)
        if not evidence.strip():
            raise EvidenceMissing(f"action {action_id}: completion needs evidence")
        action["evidence"], action["completed_at"] = evidence, now

    def verify_action(self, action_id: str, now: datetime) -> list[ActionVerified]:
        action = self._action(action_id)
        if not action.get("evidence"):
            raise EvidenceMissing(f"action {action_id}: cannot be verified before completion evidence is given")
        if action.get("verified_at"):
            return []
        action["verified_at"] = now
        return [ActionVerified(action_id)]

    def on_callback(self, outcome: str, reason: str, now: datetime, policy: VerificationPolicy) -> list[CaseReopened]:
        self.callbacks.append({"outcome": outcome, "reason": reason, "at": now, "loop": self.loop})
        if self.status != PENDING:
            return []
        if outcome == "SATISFIED":
            self.callback = "SATISFIED"
        elif outcome == "UNSATISFIED":
            self.callback = "UNSATISFIED"
            return self._reopen(f"callback unsatisfied: {reason}" if reason else "callback unsatisfied")
        elif outcome == "UNREACHABLE":
            self.unreachable_attempts += 1
            if self.unreachable_attempts >= policy.unreachable_attempts and policy.fallback != "keep_open":
                self.callback = "FALLBACK"
        return []

    def check_recurrence(self, new_case_id: str, customer_id: str, category: str, region: str,
                         attributes: dict[str, str], registered_at: datetime,
                         policy: VerificationPolicy) -> list[RecurrenceDetected | CaseReopened]:
        """A new case of the same class inside the window after customer closure fails verification."""
        if self.status != PENDING or new_case_id == self.case_id:
            return []
        if not self.customer_closed_at <= registered_at <= self.customer_closed_at + policy.recurrence_window:
            return []
        matched = ""
        if customer_id == self.customer_id and category == self.category:
            matched = "same_customer_category"
        elif self.signature(policy) and fault_signature(region, category, attributes, policy) == self.signature(policy):
            matched = "fault_signature"
        if not matched:
            return []
        self.recurrences.append({"case_id": new_case_id, "matched_by": matched, "at": registered_at})
        return [RecurrenceDetected(new_case_id, matched), *self._reopen(f"recurrence: {new_case_id} ({matched})")]

    # --- closure ------------------------------------------------------------------------------
    def closure_blockers(self, now: datetime, policy: VerificationPolicy) -> list[str]:
        """Every condition still missing, by name; the record may close when there are none."""
        needs = policy.requirements_for(self.category)
        blockers = []
        if needs.responsibility and not self.root_cause_class:
            blockers.append("responsibility not determined")
        for kind, required in (("corrective", needs.corrective_actions), ("preventive", needs.preventive_actions)):
            planned = {key: value for key, value in self.actions.items() if value["kind"] == kind}
            if len(planned) < required:
                blockers.append(f"{required - len(planned)} more {kind} action(s) required")
            blockers += [f"{kind} action {key} not verified" for key, value in sorted(planned.items())
                         if not value.get("verified_at")]
        if needs.callback and self.callback not in ("SATISFIED", "FALLBACK"):
            blockers.append("callback unsatisfied" if self.callback == "UNSATISFIED" else "callback pending")
        window_end = self.customer_closed_at + policy.recurrence_window
        if now < window_end:
            blockers.append(f"recurrence window open until {window_end.isoformat()}")
        return blockers

    def try_close(self, now: datetime, policy: VerificationPolicy) -> list[CaseClosed]:
        if self.status != PENDING or self.closure_blockers(now, policy):
            return []
        self.status, self.management_closed_at = CLOSED, now
        return [CaseClosed(self.customer_closed_at, now)]

    # --- helpers ------------------------------------------------------------------------------
    def signature(self, policy: VerificationPolicy) -> str:
        return fault_signature(self.region, self.category, self.attributes, policy)

    def _reopen(self, reason: str) -> list[CaseReopened]:
        self.status = REOPENED
        return [CaseReopened(reason)]

    def _action(self, action_id: str) -> dict[str, Any]:
        if action_id not in self.actions:
            raise UnknownAction(f"action_id: no action {action_id!r} on case {self.case_id}")
        return self.actions[action_id]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> VerificationRecord:
        return cls(**{name: data[name] for name in cls.__dataclass_fields__ if name in data})


def fault_signature(region: str, category: str, attributes: dict[str, str], policy: VerificationPolicy) -> str:
    """region + category + the policy's attributes (e.g. cell_id); empty when any is missing."""
    values = [attributes.get(name, "") for name in policy.signature_attributes]
    if not region or not all(values):
        return ""
    return "|".join([region, category, *values])
