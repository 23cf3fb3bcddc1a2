"""The case file: one per customer problem, with every contact, channel and status it has seen."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .classify import Classification, SeverityDecision, grade
from .policy import IntakePolicy
from .status import CaseStatus, StatusChange, StatusView, advance_status
from .submission import Submission
from .vocabulary import Channel, Severity

_HISTORY_LIMIT = 200  # the full timeline lives with escalation; this is the intake's own notes


@dataclass(frozen=True)
class Contact:
    key: str
    submission_id: str
    channel: Channel
    received_at: datetime
    merge_reason: str = ""          # why it joined the case ("" for the contact that opened it)

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "submission_id": self.submission_id, "channel": self.channel.value,
                "received_at": self.received_at, "merge_reason": self.merge_reason}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Contact:
        return cls(data["key"], data["submission_id"], Channel.parse(data["channel"]), data["received_at"],
                   data.get("merge_reason", ""))

    @classmethod
    def of(cls, submission: Submission, merge_reason: str = "") -> Contact:
        return cls(submission.key, submission.submission_id, submission.channel, submission.received_at,
                   merge_reason)


@dataclass
class CaseFile:
    case_id: str
    customer_key: str
    region: str
    category: str
    category_rule: str
    needs_triage: bool
    severity: Severity
    severity_rule: str
    tier: int
    tier_source: str
    priority: int
    regulator_case: bool
    regulator_risk: float
    registered_at: datetime
    contacts: list[Contact]
    first_contact: str = ""
    summary: str = ""
    category_confidence: float = 1.0      # the model's probability; 1 for a rule, the sender or a proxy
    category_candidates: list[dict[str, Any]] = field(default_factory=list)   # {"category", "confidence"}
    proxy_case: bool = False
    proxy_case_id: str = ""               # for a member: the proxy case it belongs to
    proxy_members: list[str] = field(default_factory=list)   # for a proxy case: its members
    status: StatusView = field(default_factory=StatusView)
    history: list[dict[str, Any]] = field(default_factory=list)
    applied_commands: list[str] = field(default_factory=list)

    # views -----------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self.status.status is not CaseStatus.CLOSED

    @property
    def contact_count(self) -> int:
        return len(self.contacts)

    @property
    def channels(self) -> list[Channel]:
        return list(dict.fromkeys(contact.channel for contact in self.contacts))

    @property
    def submission_keys(self) -> list[str]:
        return [contact.key for contact in self.contacts]

    @property
    def last_contact_at(self) -> datetime:
        return max((contact.received_at for contact in self.contacts), default=self.registered_at)

    # bookkeeping -----------------------------------------------------------
    def note(self, at: datetime, what: str, **details: Any) -> None:
        self.history.append({"at": at, "what": what, **details})
        del self.history[:-_HISTORY_LIMIT]

    def observe_status(self, observed: CaseStatus | str, occurred_at: datetime) -> StatusChange:
        """Status news from dispatch/verification; see ``status.advance_status``."""
        change = advance_status(self.status, observed, occurred_at)
        if change.changed:
            self.note(occurred_at, "status", status=change.view.status.value)
        self.status = change.view
        return change

    def join_proxy(self, proxy_case_id: str, now: datetime) -> bool:
        """Idempotent; the member keeps its own owner and deadlines."""
        if self.proxy_case_id == proxy_case_id:
            return False
        self.proxy_case_id = proxy_case_id
        self.note(now, "joined proxy case", proxy_case_id=proxy_case_id)
        return True

    def to_dict(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data.update(severity=int(self.severity), contacts=[contact.to_dict() for contact in self.contacts],
                    status=self.status.to_dict(), proxy_members=list(self.proxy_members),
                    category_candidates=[dict(item) for item in self.category_candidates],
                    history=[dict(entry) for entry in self.history], applied_commands=list(self.applied_commands))
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CaseFile:
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        known.update(severity=Severity(int(data["severity"])),
                     contacts=[Contact.from_dict(item) for item in data.get("contacts", [])],
                     status=StatusView.from_dict(data.get("status") or {}),
                     proxy_members=list(data.get("proxy_members", [])),
                     history=[dict(entry) for entry in data.get("history", [])],
                     applied_commands=list(data.get("applied_commands", [])))
        return cls(**known)


def regulator_risk(contacts: list[Contact], tier: int, policy: IntakePolicy) -> float:
    """Repeat contacts, channel hopping and an appeal already made all point towards the regulator."""
    risk = policy.risk
    channels = set(contact.channel for contact in contacts)
    score = (risk.repeat_contact * max(len(contacts) - 1, 0) + risk.new_channel * max(len(channels) - 1, 0)
             + (risk.regulator_channel if Channel.REGULATOR in channels else 0.0)
             + (risk.tier1 if tier == 1 else 0.0))
    return min(score, risk.maximum)


def grade_case(case: CaseFile, policy: IntakePolicy) -> SeverityDecision:
    channel = Channel.REGULATOR if case.regulator_case else (case.channels or [Channel.PROXY])[-1]
    return grade(policy.severity, channel=channel, tier=case.tier, category=case.category,
                 contacts=case.contact_count, regulator_case=case.regulator_case)


def open_case(submission: Submission, classification: Classification, policy: IntakePolicy,
              now: datetime) -> CaseFile:
    """A new case for a submission that joins nothing; its id is fixed by the submission's key."""
    contacts = [Contact.of(submission)]
    regulator = submission.channel is Channel.REGULATOR
    graded = grade(policy.severity, channel=submission.channel, tier=submission.tier,
                   category=classification.category, contacts=1, regulator_case=regulator)
    case = CaseFile(
        case_id=submission.own_case_id, customer_key=submission.customer_key, region=submission.region,
        category=classification.category, category_rule=classification.rule,
        needs_triage=classification.needs_triage, severity=graded.severity, severity_rule=graded.rule_id,
        tier=submission.tier, tier_source=submission.tier_source.value,
        priority=policy.priority_by_tier[submission.tier], regulator_case=regulator,
        regulator_risk=regulator_risk(contacts, submission.tier, policy), registered_at=submission.received_at,
        contacts=contacts, first_contact=submission.first_contact, summary=submission.summary,
        category_confidence=classification.confidence,
        category_candidates=[{"category": name, "confidence": p} for name, p in classification.candidates],
        proxy_case=submission.channel is Channel.PROXY)
    case.note(now, "registered", submission=submission.key, identified_by=submission.customer_source.value,
              category_rule=classification.rule,
              severity_rule=graded.rule_id)
    return case
