"""The bulletin (通报) as the page, the downloads and the print show it: rankings with ties ranked
equal, the timely-handling rate against the target, yellow cards, and the change against the
previous period (环比)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

DIMENSIONS = ("unit", "department", "region")
RANK_TITLES = {"unit": "rank_by_unit", "department": "rank_by_department", "region": "rank_by_region"}


@dataclass(frozen=True)
class RankedRow:
    rank: int
    name: str
    cases: int
    resolved: int
    rate: float | None
    previous_rate: float | None
    overdue: int
    yellow_cards: int
    satisfaction: float | None
    average_hours: float | None
    meets_target: bool

    @property
    def change(self) -> float | None:
        if self.rate is None or self.previous_rate is None:
            return None
        return self.rate - self.previous_rate


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    y: int
    width: float
    meets_target: bool


@dataclass
class BulletinView:
    period: str
    start: str
    end: str
    target: float
    overall: dict[str, Any]
    previous_overall: dict[str, Any]
    groups: dict[str, list[RankedRow]] = field(default_factory=dict)

    @property
    def rate(self) -> float | None:
        return self.overall.get("timely_handling_rate")

    @property
    def change(self) -> float | None:
        now, before = self.rate, self.previous_overall.get("timely_handling_rate")
        return None if now is None or before is None else now - before

    def chart(self, dimension: str, width: int = 360, bar: int = 20, gap: int = 6) -> list[Bar]:
        """Bars of the timely-handling rate, in ranking order; the template draws them as SVG."""
        return [Bar(row.name, row.rate, index * (bar + gap), round((row.rate or 0.0) * width, 1),
                    row.rate is not None and row.rate >= self.target)
                for index, row in enumerate(self.groups.get(dimension, []))]


def competition_ranks(rates: list[float | None]) -> list[int]:
    """Standard competition ranking (1, 1, 1, 4): equal rates share a rank, the next rank skips.
    A group with nothing resolved has no rate and ranks after every rated group."""
    order = sorted(range(len(rates)), key=lambda i: (rates[i] is None, -(rates[i] or 0.0)))
    ranks = [0] * len(rates)
    for position, index in enumerate(order):
        if position and rates[order[position - 1]] == rates[index]:
            ranks[index] = ranks[order[position - 1]]
        else:
            ranks[index] = position + 1
    return ranks


def ranked(rows: list[dict[str, Any]], previous: list[dict[str, Any]], target: float) -> list[RankedRow]:
    before = {row["name"]: row.get("timely_handling_rate") for row in previous}
    rates = [row.get("timely_handling_rate") for row in rows]
    result = [RankedRow(rank=rank, name=row["name"], cases=row.get("cases", 0), resolved=row.get("resolved", 0),
                        rate=row.get("timely_handling_rate"), previous_rate=before.get(row["name"]),
                        overdue=row.get("overdue", 0), yellow_cards=row.get("yellow_cards", 0),
                        satisfaction=row.get("satisfaction_rate"), average_hours=row.get("average_handling_hours"),
                        meets_target=row.get("timely_handling_rate") is None
                        or row["timely_handling_rate"] >= target)
              for row, rank in zip(rows, competition_ranks(rates))]
    return sorted(result, key=lambda row: (row.rank, row.name))


def bulletin_view(current: dict[str, Any], previous: dict[str, Any]) -> BulletinView:
    """``current`` and ``previous`` are GetBulletin's JSON for this period and the one before."""
    target = float(current.get("target", 0.98))
    view = BulletinView(period=current["period"], start=current["from"], end=current["to"], target=target,
                        overall=current["overall"], previous_overall=previous.get("overall", {}))
    for dimension in DIMENSIONS:
        view.groups[dimension] = ranked(current["by"].get(dimension, []), previous.get("by", {}).get(dimension, []),
                                        target)
    return view


def previous_moment(start_iso: str) -> datetime:
    """A moment inside the period before the one starting at ``start_iso``."""
    return datetime.fromisoformat(start_iso) - timedelta(seconds=1)


def table(view: BulletinView, dimension: str, t) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of one ranking, for CSV and xlsx (rates as fractions, Excel formats them)."""
    header = [t("rank"), t("name"), t("total_cases"), t("resolved"), t("timely_rate"), t("previous"), t("change"),
              t("overdue"), t("yellow_cards"), t("satisfaction"), t("avg_hours")]
    rows = [[row.rank, row.name, row.cases, row.resolved, row.rate, row.previous_rate, row.change, row.overdue,
             row.yellow_cards, row.satisfaction, row.average_hours] for row in view.groups[dimension]]
    return header, rows


def overall_table(view: BulletinView, t) -> tuple[list[str], list[list[Any]]]:
    overall, before = view.overall, view.previous_overall
    keys = [("total_cases", "cases"), ("resolved", "resolved"), ("timely_rate", "timely_handling_rate"),
            ("overdue", "overdue"), ("yellow_cards", "yellow_cards"), ("satisfaction", "satisfaction_rate"),
            ("avg_hours", "average_handling_hours")]
    return ([t("name"), t("period"), t("previous")],
            [[t(label), overall.get(key), before.get(key)] for label, key in keys]
            + [[f"{t('escalation_level')} {level}", overall.get("escalations_by_level", {}).get(level, 0),
                before.get("escalations_by_level", {}).get(level, 0)] for level in ("1", "2", "3", "4")])
