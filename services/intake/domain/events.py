"""What intake tells the others (topic cases.intake.v1): past-tense facts with deterministic ids."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class CaseRegistered:
    event_id: str
    case_id: str
    submission_id: str             # "" for a proxy case
    channel: str
    customer_id: str               # the customer key: id, "phone:+86..." or "proxy:<region>"
    region: str
    category: str
    category_rule: str             # "<rule id>:<matched words>", "model:<confidence>", "explicit" or "unmatched"
    needs_triage: bool
    severity: int                  # 1 low .. 4 critical
    severity_rule: str
    tier: int
    tier_source: str
    priority: int
    regulator_case: bool
    proxy_case: bool
    first_contact: str
    summary: str
    received_at: datetime
    occurred_at: datetime
    category_confidence: float = 1.0
    category_candidates: tuple[tuple[str, float], ...] = ()   # the model's best, most likely first


@dataclass(frozen=True)
class SubmissionLinked:
    """A repeat contact joined an open case; the owner stays."""

    event_id: str
    case_id: str
    submission_id: str
    channel: str
    contact_count: int
    regulator_risk: float
    severity: int                  # after re-grading (never lowered by a link)
    severity_rule: str
    regulator_case: bool
    received_at: datetime
    occurred_at: datetime
    merge_reason: str = "same_category"   # "same_family:<family>", "similar_text:<similarity>"


@dataclass(frozen=True)
class SubmissionSplit:
    """An operator undid a wrong merge: the submission now has a case of its own."""

    event_id: str
    case_id: str
    new_case_id: str
    submission_id: str
    channel: str
    operator: str
    reason: str
    occurred_at: datetime


@dataclass(frozen=True)
class ProxyCaseRaised:
    """Many reports of one fault: the centre complains on the customers' behalf (代用户投诉)."""

    event_id: str
    case_id: str
    region: str
    category: str
    member_case_ids: tuple[str, ...]
    occurred_at: datetime


@dataclass(frozen=True)
class ProxyMemberLinked:
    """A customer's case belongs to a proxy case; it keeps its own owner."""

    event_id: str
    case_id: str                   # the proxy case
    member_case_id: str
    occurred_at: datetime


@dataclass(frozen=True)
class ProxyIncidentClosed:
    event_id: str
    case_id: str
    region: str
    category: str
    reason: str                    # "closed" by an operator or "expired" after the lifetime
    occurred_at: datetime


IntakeEvent = (CaseRegistered | SubmissionLinked | SubmissionSplit | ProxyCaseRaised | ProxyMemberLinked
               | ProxyIncidentClosed)
