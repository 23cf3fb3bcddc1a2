"""Per-case supervision: escalation level, regulator-appeal risk (越级风险), the supervision list (督办)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from .policy import EscalationPolicy


@dataclass(frozen=True)
class CaseEscalated:
    level: int
    role: str
    unit: str
    reason: str


@dataclass(frozen=True)
class SupervisionOpened:
    supervisor: str
    reason: str


@dataclass(frozen=True)
class RiskThresholdCrossed:
    score: float
    threshold: float


@dataclass
class SupervisedCase:
    case_id: str
    category: str = ""
    tier: int = 3
    channel: str = ""
    region: str = ""
    department: str = ""
    owner: str = ""
    severity: int = 1
    regulator_case: bool = False
    contact_count: int = 1
    dissatisfied_ratings: int = 0
    satisfied_ratings: int = 0
    timely: bool | None = None     # the customer was answered within the case-reply time
    overdue_items: list[str] = field(default_factory=list)
    escalation_level: int = 0
    escalations: int = 0
    risk_score: float = 0.0
    risk_above_threshold: bool = False
    supervisor: str = ""
    supervised_since: datetime | None = None
    supervision_reason: str = ""
    urgings: list[dict[str, Any]] = field(default_factory=list)
    generation: int = 0            # handling loop; a reopen starts new clocks
    opened_at: datetime | None = None
    resolved_at: datetime | None = None
    closed: bool = False
    yellow_cards: list[dict[str, Any]] = field(default_factory=list)

    def climb(self, level: int, role: str, unit: str, reason: str) -> list[CaseEscalated]:
        """The level never goes down while the case is open."""
        if level <= self.escalation_level:
            return []
        self.escalation_level = level
        self.escalations += 1
        return [CaseEscalated(level, role, unit, reason)]

    def mark_overdue(self, deadline_id: str) -> None:
        if deadline_id not in self.overdue_items:
            self.overdue_items.append(deadline_id)

    def clear_overdue(self, deadline_id: str) -> None:
        if deadline_id in self.overdue_items:
            self.overdue_items.remove(deadline_id)

    def risk(self, policy: EscalationPolicy) -> float:
        weights = policy.risk
        return round(weights.repeat_contact * max(self.contact_count - 1, 0)
                     + (weights.tier1 if self.tier == 1 else 0.0)
                     + weights.per_severity * self.severity
                     + weights.overdue_item * len(self.overdue_items)
                     + weights.dissatisfied_rating * self.dissatisfied_ratings
                     + (weights.regulator_case if self.regulator_case else 0.0), 2)

    def reassess(self, policy: EscalationPolicy, now: datetime) -> list[RiskThresholdCrossed | SupervisionOpened]:
        """Risk crossing upwards is reported once per crossing; supervision opens once."""
        events: list[RiskThresholdCrossed | SupervisionOpened] = []
        self.risk_score = self.risk(policy)
        above = self.risk_score >= policy.risk.threshold
        if above and not self.risk_above_threshold and not self.closed:
            events.append(RiskThresholdCrossed(self.risk_score, policy.risk.threshold))
        self.risk_above_threshold = above
        reason = ""
        if self.escalations >= policy.supervision_min_escalations:
            reason = f"escalated {self.escalations} times"
        elif self.risk_score >= policy.supervision_risk_score:
            reason = f"regulator-appeal risk {self.risk_score:g}"
        if reason and not self.supervisor and not self.closed:
            events.extend(self.supervise(policy.supervisor, reason, now))
        return events

    def supervise(self, supervisor: str, reason: str, now: datetime) -> list[SupervisionOpened]:
        if self.supervisor:
            return []
        self.supervisor, self.supervised_since, self.supervision_reason = supervisor, now, reason
        return [SupervisionOpened(supervisor, reason)]

    def urge(self, by: str, note: str, now: datetime) -> None:
        self.urgings.append({"by": by, "note": note, "at": now})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SupervisedCase:
        return cls(**{name: data[name] for name in cls.__dataclass_fields__ if name in data})
