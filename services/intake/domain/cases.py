"""One case per customer problem: registration, merge, split, and the status read model."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from .classify import Classification, Severity, severity
from .policy import IntakePolicy

_CASE_NAMESPACE = uuid.UUID("0d7c9a56-7f43-4c1e-8f0e-3b7d8e1c2a94")
OPEN_STATUSES = {"REGISTERED", "ASSIGNED", "DISPATCHED", "RESOLVED", "VERIFYING", "REOPENED"}
# Forward order within one handling loop; REOPENED starts the next loop.
_RANK = {"REGISTERED": 0, "ASSIGNED": 1, "REOPENED": 1, "DISPATCHED": 2, "RESOLVED": 3, "VERIFYING": 4, "CLOSED": 5}


class IntakeError(Exception):
    """Base of the intake rules' named errors."""


class SplitRefused(IntakeError):
    pass


def case_id_for(channel: str, submission_id: str) -> str:
    """Deterministic: the same (channel, submission id) always names the same case."""
    return "CASE-" + uuid.uuid5(_CASE_NAMESPACE, f"{channel}:{submission_id}").hex[:20].upper()


@dataclass(frozen=True)
class Submission:
    """A complaint as received on one channel, normalised for matching."""

    submission_id: str
    channel: str
    customer_id: str
    phone: str                  # canonical form
    tier: int                   # resolved: event, else directory, else policy default
    region: str
    summary: str                # as received
    matching_text: str          # Simplified, no emoji or whitespace
    received_at: datetime
    first_contact: str
    attributes: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.channel}:{self.submission_id}"


@dataclass
class CaseFile:
    case_id: str
    customer_id: str
    category: str
    category_rule: str
    needs_triage: bool
    severity: int
    severity_rule: str
    tier: int
    priority: int
    region: str
    channels: list[str]
    contact_count: int
    submission_keys: list[str]
    status: str
    regulator_case: bool
    regulator_risk: float
    registered_at: datetime
    last_contact_at: datetime
    summary: str = ""
    first_contact: str = ""
    attributes: dict[str, str] = field(default_factory=dict)
    owner: str = ""
    proxy_case: bool = False
    proxy_case_id: str = ""
    proxy_members: list[str] = field(default_factory=list)
    open_deadlines: dict[str, datetime] = field(default_factory=dict)
    escalation_level: int = 0
    overdue: bool = False
    history: list[dict[str, Any]] = field(default_factory=list)
    updated_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CaseFile:
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        return cls(**known)

    def note(self, what: str, at: datetime, **details: Any) -> None:
        self.history.append({"at": at, "what": what, **details})
        self.updated_at = at


def register(submission: Submission, classification: Classification, policy: IntakePolicy) -> CaseFile:
    graded = _grade(policy, submission.channel, submission.tier, classification.category, 1)
    case = CaseFile(
        case_id=case_id_for(submission.channel, submission.submission_id), customer_id=submission.customer_id,
        category=classification.category, category_rule=classification.rule,
        needs_triage=classification.needs_triage, severity=graded.level, severity_rule=graded.rule,
        tier=submission.tier, priority=policy.priority_by_tier[submission.tier], region=submission.region,
        channels=[submission.channel], contact_count=1, submission_keys=[submission.key], status="REGISTERED",
        regulator_case=submission.channel == "REGULATOR",
        regulator_risk=_base_risk(policy, submission.channel, submission.tier),
        registered_at=submission.received_at, last_contact_at=submission.received_at,
        summary=submission.summary, first_contact=submission.first_contact, attributes=dict(submission.attributes),
        proxy_case=submission.channel == "PROXY",
    )
    case.note("registered", submission.received_at, submission=submission.key, rule=classification.rule)
    return case


def find_case_to_join(submission: Submission, category: str, candidates: list[CaseFile],
                      policy: IntakePolicy) -> CaseFile | None:
    """The customer's open case of the same category whose last contact is within the merge window
    (the edge itself included); the most recently contacted one if several qualify."""
    eligible = [case for case in candidates
                if case.is_open and not case.proxy_case and case.customer_id == submission.customer_id
                and case.category == category
                and abs(submission.received_at - case.last_contact_at) <= policy.merge_window]
    return max(eligible, key=lambda case: (case.last_contact_at, case.case_id), default=None)


def link(case: CaseFile, submission: Submission, policy: IntakePolicy) -> None:
    """A repeat contact joins the case; the owner stays, the risk rises."""
    if submission.key in case.submission_keys:
        return
    case.submission_keys.append(submission.key)
    case.contact_count += 1
    if submission.channel not in case.channels:
        case.channels.append(submission.channel)
    case.last_contact_at = max(case.last_contact_at, submission.received_at)
    case.regulator_risk += policy.risk_repeat_contact
    if submission.channel == "REGULATOR" and not case.regulator_case:
        case.regulator_case = True
        case.regulator_risk += policy.risk_regulator_channel
    graded = _grade(policy, "REGULATOR" if case.regulator_case else submission.channel, case.tier,
                    case.category, case.contact_count)
    if graded.level > case.severity:
        case.severity, case.severity_rule = graded.level, graded.rule
    case.note("linked", submission.received_at, submission=submission.key, channel=submission.channel)


def split(case: CaseFile, submission: Submission, classification: Classification, operator: str,
          reason: str, policy: IntakePolicy, now: datetime) -> CaseFile:
    """Undo a wrong merge: the submission leaves for a case of its own; both histories say why."""
    if not reason.strip():
        raise SplitRefused("a reason is required to split a submission")
    if submission.key not in case.submission_keys:
        raise SplitRefused(f"submission {submission.key} is not part of case {case.case_id}")
    if case.submission_keys[0] == submission.key:
        raise SplitRefused("the case's first submission cannot be split off; split the others instead")
    case.submission_keys.remove(submission.key)
    case.contact_count -= 1
    case.regulator_risk = max(case.regulator_risk - policy.risk_repeat_contact, 0.0)
    new_case = register(submission, classification, policy)
    case.note("split", now, submission=submission.key, new_case=new_case.case_id, operator=operator, reason=reason)
    new_case.note("split from", now, case=case.case_id, operator=operator, reason=reason)
    return new_case


def advance_status(case: CaseFile, observed: str, at: datetime) -> bool:
    """Move forward only; events from different services may arrive late or twice."""
    current = case.status
    if observed == current or current == "CLOSED":
        return False
    if observed == "REOPENED":
        if current not in ("RESOLVED", "VERIFYING"):
            return False
    elif observed != "CLOSED" and _RANK[observed] <= _RANK[current]:
        return False
    case.status = observed
    case.note(f"status {observed.lower()}", at)
    return True


def _grade(policy: IntakePolicy, channel: str, tier: int, category: str, contacts: int) -> Severity:
    return severity(policy.severity, channel=channel, tier=tier, category=category, contacts=contacts)


def _base_risk(policy: IntakePolicy, channel: str, tier: int) -> float:
    return (policy.risk_regulator_channel if channel == "REGULATOR" else 0.0) + \
        (policy.risk_tier1 if tier == 1 else 0.0)
