"""The escalation section of the policy file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from complaint_platform.policy import Node, PolicyError, load_policy_file

from .calendar import DAYS, HOTLINE, BusinessCalendar, parse_hours

DEFAULT_POLICY_FILE = Path(__file__).resolve().parents[3] / "config" / "policy.yaml"
CATEGORIES = ("network_signal", "broadband_outage", "billing_dispute", "value_added_charges", "service_attitude",
              "installation_repair_delay", "number_plan_change", "porting", "other")
SLA_KINDS = ("work_order_accept", "work_order_reply", "case_reply")
_ZERO = re.compile(r"^\s*0+(?:\.0+)?\s*(?:ms|s|m|h|d|w)?\s*$")
CHANNELS = ("HOTLINE", "ONLINE_HALL", "MOBILE_APP", "SMS", "WECHAT", "WEIBO", "KIOSK", "STORE", "REGULATOR",
            "EMAIL", "ONLINE_CHAT", "PROXY")


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
    node.reject_unknown("timezone", "warning_fraction", "explanation_window", "sla", "ladder", "supervision", "risk",
                        "timely_target", "calendars", "department_calendars", "explanation_escalates_to",
                        "at_risk_list_size")
    zone = node.child("timezone").string("Asia/Shanghai")
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise PolicyError(f"{node.path}.timezone", f"unknown time zone {zone!r}") from None
    sla = tuple(node.child("sla").each(_sla_row))
    if not any(row.specificity == 0 for row in sla):
        raise PolicyError(f"{node.path}.sla", 'needs a default row with category, tier and channel all "*"')
    ladder = tuple(node.child("ladder").each(_step))
    if [step.level for step in ladder] != [1, 2, 3, 4]:
        raise PolicyError(f"{node.path}.ladder", "needs levels 1, 2, 3 and 4 in order")
    supervision, risk = node.child("supervision"), node.child("risk")
    supervision.reject_unknown("min_escalations", "risk_score", "supervisor")
    risk.reject_unknown(*_RISK_DEFAULTS)
    calendars = {name: _calendar(name, item, zone) for name, item in node.child("calendars").items()}
    departments = {department: item.string() for department, item in node.child("department_calendars").items()}
    for department, name in departments.items():
        if name not in calendars:
            raise PolicyError(f"{node.path}.department_calendars.{department}", f"no calendar named {name!r}")
    return EscalationPolicy(
        timezone=zone,
        warning_fraction=node.child("warning_fraction").number(0.8, minimum=0.01, maximum=0.99),
        explanation_window=node.child("explanation_window").duration("30m"),
        sla=sla, ladder=ladder,
        supervision_min_escalations=supervision.child("min_escalations").integer(2, minimum=1),
        supervision_risk_score=supervision.child("risk_score").number(80, minimum=0),
        supervisor=supervision.child("supervisor").string("provincial-supervision-desk"),
        risk=RiskWeights(**{name: risk.child(name).number(default, minimum=0)
                            for name, default in _RISK_DEFAULTS.items()}),
        timely_target=node.child("timely_target").number(0.98, minimum=0, maximum=1),
        calendars=calendars, department_calendars=departments,
        explanation_escalates_to=node.child("explanation_escalates_to").integer(1, minimum=1, maximum=4),
        at_risk_list_size=node.child("at_risk_list_size").integer(20, minimum=1, maximum=1000),
    )


def default_policy() -> EscalationPolicy:
    """The defaults shipped in the fragment file, parsed like the real policy."""
    return load(load_policy_file(DEFAULT_POLICY_FILE).child("escalation"))


_RISK_DEFAULTS = {"threshold": 70.0, "repeat_contact": 15.0, "tier1": 10.0, "tier2": 5.0, "per_severity": 5.0,
                  "overdue_item": 20.0, "dissatisfied_rating": 25.0, "regulator_case": 60.0, "social_mention": 10.0}


def _sla_row(node: Node) -> SlaRow:
    node.reject_unknown("category", "tier", "channel", "work_order_accept", "work_order_reply", "case_reply")
    tier = str(node.child("tier").value if node.has("tier") else "*")
    if tier not in ("*", "1", "2", "3"):
        raise PolicyError(f"{node.path}.tier", f'expected 1, 2, 3 or "*", got {tier!r}')
    channel = node.child("channel").string("*")
    if channel != "*" and channel not in CHANNELS:
        raise PolicyError(f"{node.path}.channel", f"unknown channel {channel!r}")
    category = node.child("category").string("*")
    if category != "*" and category not in CATEGORIES:
        raise PolicyError(f"{node.path}.category", f"unknown category {category!r}")
    return SlaRow(category, tier, channel,
                  node.child("work_order_accept").duration(), node.child("work_order_reply").duration(),
                  node.child("case_reply").duration())


def _step(node: Node) -> LadderStep:
    node.reject_unknown("level", "role", "unit", "after")
    raw = node.child("after").value
    zero = raw == 0 or (isinstance(raw, str) and _ZERO.match(raw) is not None)
    after = timedelta(0) if zero else node.child("after").duration()
    return LadderStep(node.child("level").integer(minimum=1, maximum=4), node.child("role").string(),
                      node.child("unit").string(), after)


def _calendar(name: str, node: Node, zone: str) -> BusinessCalendar:
    node.reject_unknown("hours", "holidays", "timezone")
    hours = {}
    for day, spec in node.child("hours").items():
        if day not in DAYS:
            raise PolicyError(spec.path, f"unknown weekday (use {', '.join(DAYS)})")
        try:
            hours[DAYS.index(day)] = tuple(parse_hours(part) for part in spec.string().split(","))
        except ValueError as error:
            raise PolicyError(spec.path, str(error)) from None
    if not hours:
        raise PolicyError(f"{node.path}.hours", "a calendar needs working hours on at least one day")
    try:
        holidays = frozenset(date.fromisoformat(text) for text in node.child("holidays").strings([]))
    except ValueError as error:
        raise PolicyError(f"{node.path}.holidays", str(error)) from None
    return BusinessCalendar(name, node.child("timezone").string(zone), hours, holidays)
