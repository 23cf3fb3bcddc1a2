"""The ``escalation:`` section: SLA table, ladder, supervision, risk weights, calendars."""

from __future__ import annotations

from datetime import date, time
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator

from .common import (ANY, CATEGORIES, CHANNELS, Duration, DurationOrZero, PolicyProblem, Strict, Text, checked,
                     problem)

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SLA_KINDS = ("work_order_accept", "work_order_reply", "case_reply")


def _one_of(name: str, known: tuple[str, ...]) -> Any:
    def check(value: Any) -> str:
        if value != ANY and value not in known:
            raise problem(name, "unknown " + name + " {value}", value=repr(value))
        return str(value)
    return Annotated[str, *checked(check, {"enum": [ANY, *known]})]


def _tier(value: Any) -> str:
    if str(value) not in (ANY, "1", "2", "3") or isinstance(value, bool):
        raise problem("tier", 'expected 1, 2, 3 or "*", got {value}', value=repr(str(value)))
    return str(value)


class SlaRow(Strict):
    """Allowed times for category x tier x channel; "*" matches anything; the most specific row wins."""

    category: _one_of("category", CATEGORIES) = ANY  # type: ignore[valid-type]
    tier: Annotated[str, *checked(_tier, {"enum": [ANY, 1, 2, 3, "1", "2", "3"]})] = ANY
    channel: _one_of("channel", CHANNELS) = ANY  # type: ignore[valid-type]
    work_order_accept: Duration
    work_order_reply: Duration
    case_reply: Duration


class LadderStep(Strict):
    level: int = Field(ge=1, le=4)
    role: Text
    unit: Text = Field(description="may hold {region} and {department}")
    after: DurationOrZero = Field(description="since the previous step (level 1: since the breach)")


class Supervision(Strict):
    """督办: escalated this many times, or this risky, puts a case on the supervision list."""

    min_escalations: int = Field(2, ge=1)
    risk_score: float = Field(80, ge=0)
    supervisor: Text = "provincial-supervision-desk"


class RiskWeights(Strict):
    threshold: float = Field(70, ge=0)
    repeat_contact: float = Field(15, ge=0)
    tier1: float = Field(10, ge=0)
    tier2: float = Field(5, ge=0)
    per_severity: float = Field(5, ge=0)
    overdue_item: float = Field(20, ge=0)
    dissatisfied_rating: float = Field(25, ge=0)
    regulator_case: float = Field(60, ge=0)
    social_mention: float = Field(10, ge=0)


def working_hours(text: str) -> tuple[time, time]:
    opens, closes = (time.fromisoformat(part.strip()) for part in text.split("-"))
    if closes <= opens:
        raise ValueError(f"working hours {text!r} must close after they open")
    return opens, closes


class Calendar(Strict):
    hours: dict[str, Text] = Field({}, validate_default=True,
                                   description='per weekday (mon..sun): "09:00-18:00", several spans with ","')
    public_holidays: Literal["CN", "none"] = Field(
        "none", description="CN: mainland China's statutory holidays and make-up working days (调休), from the "
                            "chinese-calendar package, for the years it knows; none: only the days below")
    holidays: list[date | Text] = Field([], description="days off besides the public ones (wins over them)")
    working_days: list[date | Text] = Field([], description="make-up working days besides the public ones, "
                                                            "worked on the first working weekday's hours")
    timezone: Text | None = Field(None, description="the section's timezone when left out")

    @field_validator("hours")
    @classmethod
    def _hours(cls, hours: dict[str, str]) -> dict[str, str]:
        for day, spec in hours.items():
            if day not in DAYS:
                raise PolicyProblem(f"unknown weekday (use {', '.join(DAYS)})", day)
            try:
                [working_hours(part) for part in spec.split(",")]
            except ValueError as error:
                raise PolicyProblem(str(error), day) from None
        if not hours:
            raise PolicyProblem("a calendar needs working hours on at least one day")
        return hours

    @field_validator("holidays", "working_days")
    @classmethod
    def _days(cls, days: list[Any]) -> list[date]:
        try:  # YAML reads an unquoted 2026-10-01 as a date already
            return [day if isinstance(day, date) else date.fromisoformat(day) for day in days]
        except ValueError as error:
            raise PolicyProblem(str(error)) from None

    @model_validator(mode="after")
    def _not_both(self) -> Calendar:
        both = sorted(set(self.holidays) & set(self.working_days))
        if both:
            raise PolicyProblem(f"{both[0].isoformat()} is both a holiday and a working day", "working_days")
        return self


class EscalationSection(Strict):
    timezone: Text = Field("Asia/Shanghai", description="the centre's zone: calendars and bulletin periods")
    warning_fraction: float = Field(0.8, ge=0.01, le=0.99)
    explanation_window: Duration = "30m"
    explanation_escalates_to: int = Field(1, ge=1, le=4)
    at_risk_list_size: int = Field(20, ge=1, le=1000)
    sla: list[SlaRow] = Field([], validate_default=True)
    ladder: list[LadderStep] = Field([], validate_default=True)
    supervision: Supervision = Supervision()
    risk: RiskWeights = RiskWeights()
    timely_target: float = Field(0.98, ge=0, le=1, description="投诉处理及时率 target")
    calendars: dict[str, Calendar] = Field({}, description="departments not listed work 7x24 like the hotline")
    department_calendars: dict[str, Text] = {}

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, zone: str) -> str:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise PolicyProblem(f"unknown time zone {zone!r}") from None
        return zone

    @field_validator("sla")
    @classmethod
    def _default_row(cls, rows: list[SlaRow]) -> list[SlaRow]:
        if not any(row.category == row.tier == row.channel == ANY for row in rows):
            raise PolicyProblem('needs a default row with category, tier and channel all "*"')
        return rows

    @field_validator("ladder")
    @classmethod
    def _four_levels(cls, ladder: list[LadderStep]) -> list[LadderStep]:
        if [step.level for step in ladder] != [1, 2, 3, 4]:
            raise PolicyProblem("needs levels 1, 2, 3 and 4 in order")
        return ladder

    @model_validator(mode="after")
    def _calendars_exist(self) -> EscalationSection:
        for department, name in self.department_calendars.items():
            if name not in self.calendars:
                raise PolicyProblem(f"no calendar named {name!r}", "department_calendars", department)
        return self
