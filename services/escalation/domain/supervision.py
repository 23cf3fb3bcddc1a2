"""Per-case supervision: escalation level, regulator-appeal risk (越级风险), the supervision list (督办).

``SupervisedCase`` is the per-case aggregate; its per-input methods live in ``inputs`` and ``duties``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any

from .deadlines import Deadline
from .errors import NotSupervisedError
from .events import CaseEscalated, CaseUrged, RiskThresholdCrossed, SupervisionOpened
from .duties import CaseDuties
from .inputs import CaseInputs
from .policy import EscalationPolicy

__all__ = ["CaseEscalated", "RiskThresholdCrossed", "SupervisedCase", "SupervisionOpened"]
_TIMES = ("supervised_since", "opened_at", "resolved_at")


@dataclass
class SupervisedCase(CaseInputs, CaseDuties):
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
    social_mentions: int = 0
    overdue_marked: bool = False   # some item went overdue; the mark stays for the record
    escalation_history: list[dict[str, Any]] = field(default_factory=list)
    deadlines: dict[str, Deadline] = field(default_factory=dict)
    early_stops: dict[str, dict[str, Any]] = field(default_factory=dict)  # stops that overtook their start
    applied_event_ids: list[str] = field(default_factory=list)

    @property
    def overdue(self) -> bool:
        return bool(self.overdue_items)

    @property
    def open_deadlines(self) -> list[Deadline]:
        return sorted((d for d in self.deadlines.values() if d.state not in ("MET", "CANCELLED")),
                      key=lambda d: (d.due_at, d.deadline_id))

    def climb(self, level: int, role: str, unit: str, reason: str, at: datetime | None = None) -> list[CaseEscalated]:
        """The level never goes down while the case is open, nor on a reopen."""
        if level <= self.escalation_level:
            return []
        self.escalation_level = level
        self.escalations += 1
        self.escalation_history.append({"level": level, "role": role, "unit": unit, "reason": reason, "at": at})
        return [CaseEscalated(level, role, unit, reason, self.case_id)]

    def mark_overdue(self, deadline_id: str) -> None:
        self.overdue_marked = True
        if deadline_id not in self.overdue_items:
            self.overdue_items.append(deadline_id)

    def clear_overdue(self, deadline_id: str) -> None:
        if deadline_id in self.overdue_items:
            self.overdue_items.remove(deadline_id)

    def risk(self, policy: EscalationPolicy) -> float:
        weights = policy.risk
        tier = weights.tier1 if self.tier == 1 else weights.tier2 if self.tier == 2 else 0.0
        return round(weights.repeat_contact * max(self.contact_count - 1, 0)
                     + tier
                     + weights.per_severity * self.severity
                     + weights.overdue_item * len(self.overdue_items)
                     + weights.dissatisfied_rating * self.dissatisfied_ratings
                     + weights.social_mention * self.social_mentions
                     + (weights.regulator_case if self.regulator_case else 0.0), 2)

    def reassess(self, policy: EscalationPolicy, now: datetime) -> list[RiskThresholdCrossed | SupervisionOpened]:
        """Risk crossing upwards is reported once per crossing; supervision opens once."""
        events: list[RiskThresholdCrossed | SupervisionOpened] = []
        self.risk_score = self.risk(policy)
        above = self.risk_score >= policy.risk.threshold
        if above and not self.risk_above_threshold and not self.closed:
            events.append(RiskThresholdCrossed(self.risk_score, policy.risk.threshold, self.case_id))
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
        """Entering the list is idempotent: the first supervisor, time and reason stay."""
        if self.supervisor:
            return []
        self.supervisor, self.supervised_since, self.supervision_reason = supervisor, now, reason
        return [SupervisionOpened(supervisor, reason, self.case_id)]

    def urge(self, by: str, note: str, now: datetime) -> list[CaseUrged]:
        if not self.supervisor:
            raise NotSupervisedError(f"case {self.case_id} is not on the supervision list; mark it before urging")
        self.urgings.append({"by": by, "note": note, "at": now})
        return [CaseUrged(self.case_id, by, note, now)]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SupervisedCase:
        values = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        values["deadlines"] = {key: item if isinstance(item, Deadline) else Deadline.from_dict(item)
                               for key, item in (values.get("deadlines") or {}).items()}
        for name in _TIMES:
            moment = values.get(name)
            if isinstance(moment, datetime) and moment.tzinfo is None:
                values[name] = moment.replace(tzinfo=timezone.utc)
        return cls(**values)
