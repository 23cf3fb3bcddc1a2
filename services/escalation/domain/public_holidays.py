"""The official public holidays and adjusted working days (调休) of mainland China, from the
maintained ``chinese-calendar`` package (the State Council's yearly schedule).

The package knows the years up to its release; for a later year the calendar has only weekends
and the policy's own ``holidays`` and ``working_days`` until the package is upgraded, so
``unknown_years`` lets the service warn about the years it is asked to plan in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import chinese_calendar

SOURCES = ("CN", "none")


@dataclass(frozen=True)
class PublicDays:
    holidays: frozenset[date]
    working_days: frozenset[date]
    years: range  # the years the source knows

    def unknown_years(self, *years: int) -> list[int]:
        return sorted({year for year in years if year not in self.years})


def public_days(source: str) -> PublicDays:
    """``CN``: mainland China's statutory holidays and make-up working days; ``none``: no public days."""
    if source == "none":
        return PublicDays(frozenset(), frozenset(), range(0))
    if source != "CN":
        raise ValueError(f"unknown public holiday source {source!r} (one of {', '.join(SOURCES)})")
    holidays, make_up = chinese_calendar.holidays, chinese_calendar.workdays  # date -> the holiday's name
    known = sorted({day.year for day in holidays})
    return PublicDays(frozenset(holidays), frozenset(make_up), range(known[0], known[-1] + 1))
