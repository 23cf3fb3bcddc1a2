"""Business calendars: working hours per weekday, public holidays and adjusted working days (调休);
the hotline works 7x24.

A day is worked when it is a make-up working day (a Saturday or Sunday worked in exchange for a
longer holiday), or when it is not a holiday and its weekday has hours. Make-up days work the hours
of the calendar's first working weekday (Monday's, for office hours). The days come from the
policy: the official Chinese holidays and make-up days (``public_holidays: CN``, from
``public_holidays.py``) with the policy's own ``holidays`` and ``working_days`` on top.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class BusinessCalendar:
    name: str
    zone: str = "Asia/Shanghai"
    # weekday (0 = Monday) -> working spans that day, in local time
    hours: dict[int, tuple[tuple[time, time], ...]] = field(default_factory=dict)
    holidays: frozenset[date] = field(default=frozenset(), repr=False)
    # make-up working days (调休上班): worked whatever their weekday
    working_days: frozenset[date] = field(default=frozenset(), repr=False)
    public_holidays: str = "none"  # where the public days came from (public_holidays.SOURCES)

    @property
    def always_open(self) -> bool:
        return not self.hours

    def add_working_time(self, start: datetime, allowed: timedelta) -> datetime:
        """The moment when ``allowed`` working time has passed since ``start``."""
        if self.always_open:
            return start + allowed
        remaining = allowed
        for opens, closes in self._spans_from(start):
            span = closes - opens
            if remaining <= span:
                return (opens + remaining).astimezone(timezone.utc)
            remaining -= span
        raise ValueError(f"calendar {self.name} has no working time")

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        if end <= start:
            return timedelta(0)
        if self.always_open:
            return end - start
        total = timedelta(0)
        for opens, closes in self._spans_from(start):
            if opens >= end:
                break
            total += min(closes, end) - opens
        return total

    def spans_on(self, day: date) -> tuple[tuple[time, time], ...]:
        """The working hours of ``day``: none on a holiday, the first working weekday's on a make-up day."""
        if day in self.working_days:
            return self.hours[min(self.hours)]
        if day in self.holidays:
            return ()
        return self.hours.get(day.weekday(), ())

    def _spans_from(self, start: datetime):
        """Working spans from ``start`` on, clipped to it; gives up after ten years of none."""
        zone = ZoneInfo(self.zone)
        local = start.astimezone(zone)
        day = local.date()
        for _ in range(3660):
            for opens_at, closes_at in self.spans_on(day):
                opens = datetime.combine(day, opens_at, zone)
                closes = datetime.combine(day, closes_at, zone)
                if closes > local:
                    yield max(opens, local), closes
            day += timedelta(days=1)


HOTLINE = BusinessCalendar("7x24")


def parse_hours(text: str) -> tuple[time, time]:
    opens, closes = (time.fromisoformat(part.strip()) for part in text.split("-"))
    if closes <= opens:
        raise ValueError(f"working hours {text!r} must close after they open")
    return opens, closes
