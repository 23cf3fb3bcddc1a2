"""The escalation section of the policy file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from complaint_platform.policy import Node, PolicyError, load_policy_file, load_section

from .calendar import DAYS, HOTLINE, BusinessCalendar, parse_hours
from .public_holidays import public_days

DEFAULT_POLICY_FILE = Path(__file__).resolve().parents[3] / "config" / "policy.yaml"
SLA_KINDS = ("work_order_accept", "work_order_reply", "case_reply")


@dataclass(frozen=True)
class SlaRow:
    category: str
    tier: str
    channel: str
    work_order_accept: timedelta
    work_order_reply: timedelta
    case_reply: timedelta

    def matches(self, category: str, tier: int, channel: str) -> bool:
        return (self.category in ("*", category) and self.tier in ("*", str(tier))
                and self.channel in ("*", channel))

    @property
    def specificity(self) -> int:
        return (self.channel != "*") * 4 + (self.tier != "*") * 2 + (self.category != "*")


@dataclass(frozen=True)
class LadderStep:
    level: int
    role: str
    unit: str          # may hold {region} and {department}
    after: timedelta   # since the previous step (level 1: since the breach)


@dataclass(frozen=True)
class RiskWeights:
    threshold: float
    repeat_contact: float
    tier1: float
    per_severity: float
    overdue_item: float
    dissatisfied_rating: float
    regulator_case: float
    tier2: float = 5.0
    social_mention: float = 10.0


@dataclass(frozen=True)
class EscalationPolicy:
    timezone: str
    warning_fraction: float
    explanation_window: timedelta
    sla: tuple[SlaRow, ...]
    ladder: tuple[LadderStep, ...]
    supervision_min_escalations: int
    supervision_risk_score: float
    supervisor: str
    risk: RiskWeights
    timely_target: float
    calendars: dict[str, BusinessCalendar]
    department_calendars: dict[str, str]
    explanation_escalates_to: int = 1  # a missed explanation goes to the shift leader, no further
    at_risk_list_size: int = 20

    def allowed(self, kind: str, category: str, tier: int, channel: str) -> timedelta:
        """Most specific matching row wins; a tie goes to the row written first."""
        kind = kind.lower()
        if kind not in SLA_KINDS:
            raise PolicyError("escalation.sla", f"no column {kind!r} (columns: {', '.join(SLA_KINDS)})")
        rows = [row for row in self.sla if row.matches(category, tier, channel)]
        best = max(rows, key=lambda row: (row.specificity, -self.sla.index(row)))
        return getattr(best, kind)

    def calendar_for(self, department: str) -> BusinessCalendar:
        name = self.department_calendars.get(department)
        return self.calendars[name] if name else HOTLINE


def load(node: Node) -> EscalationPolicy:
    """The ``escalation:`` section, validated (field-path errors) and built into the rules' own values."""
    return load_section(node, "escalation", build)


def default_policy() -> EscalationPolicy:
    """The defaults shipped in the fragment file, parsed like the real policy."""
    return load(load_policy_file(DEFAULT_POLICY_FILE).child("escalation"))


def build(section: Any) -> EscalationPolicy:
    """From the validated section (complaint_platform.policy_models.escalation): default SLA row, four levels."""
    supervision = section.supervision
    return EscalationPolicy(
        timezone=section.timezone,
        warning_fraction=section.warning_fraction,
        explanation_window=section.explanation_window,
        sla=tuple(SlaRow(row.category, row.tier, row.channel, row.work_order_accept, row.work_order_reply,
                         row.case_reply) for row in section.sla),
        ladder=tuple(LadderStep(step.level, step.role, step.unit, step.after) for step in section.ladder),
        supervision_min_escalations=supervision.min_escalations,
        supervision_risk_score=supervision.risk_score,
        supervisor=supervision.supervisor,
        risk=RiskWeights(**{name: getattr(section.risk, name) for name in _RISK_WEIGHTS}),
        timely_target=section.timely_target,
        calendars={name: _calendar(name, given, section.timezone) for name, given in section.calendars.items()},
        department_calendars=dict(section.department_calendars),
        explanation_escalates_to=section.explanation_escalates_to,
        at_risk_list_size=section.at_risk_list_size,
    )


_RISK_WEIGHTS = ("threshold", "repeat_contact", "tier1", "tier2", "per_severity", "overdue_item",
                 "dissatisfied_rating", "regulator_case", "social_mention")


def _calendar(name: str, given: Any, zone: str) -> BusinessCalendar:
    hours = {DAYS.index(day): tuple(parse_hours(part) for part in spec.split(","))
             for day, spec in given.hours.items()}
    public = public_days(given.public_holidays)
    days_off, days_worked = frozenset(given.holidays), frozenset(given.working_days)  # the policy wins
    return BusinessCalendar(name, given.timezone or zone, hours, (public.holidays - days_worked) | days_off,
                            (public.working_days - days_off) | days_worked, given.public_holidays)
