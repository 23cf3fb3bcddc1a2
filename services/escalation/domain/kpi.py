"""KPIs and bulletins (通报): timely-handling rate, handling times, escalations, satisfaction."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import mean
from typing import Any
from zoneinfo import ZoneInfo

PERIODS = ("daily", "weekly", "monthly")


@dataclass(frozen=True)
class CaseFigures:
    """What one handled case contributes to the figures."""

    case_id: str
    unit: str              # the owner (agent or unit)
    department: str
    region: str
    opened_at: datetime
    resolved_at: datetime | None
    timely: bool | None    # the case-reply clock was met in time; None while open
    escalation_level: int
    overdue: bool
    satisfied: bool | None
    yellow_cards: int = 0


def period_bounds(period: str, at: datetime, zone: str) -> tuple[datetime, datetime]:
    """[start, end) of the day, ISO week or month containing ``at``, in the centre's time zone."""
    local = at.astimezone(ZoneInfo(zone))
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "daily":
        return day, day + timedelta(days=1)
    if period == "weekly":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=7)
    if period == "monthly":
        start = day.replace(day=1)
        following = (start + timedelta(days=32)).replace(day=1)
        return start, following
    raise ValueError(f"period must be one of {', '.join(PERIODS)}, got {period!r}")


def figures(cases: list[CaseFigures], target: float) -> dict[str, Any]:
    resolved = [case for case in cases if case.resolved_at is not None]
    timely = [case for case in resolved if case.timely]
    hours = sorted((case.resolved_at - case.opened_at).total_seconds() / 3600 for case in resolved)
    rated = [case for case in cases if case.satisfied is not None]
    levels = defaultdict(int)
    for case in cases:
        for level in range(1, case.escalation_level + 1):
            levels[level] += 1
    rate = len(timely) / len(resolved) if resolved else None
    return {
        "cases": len(cases), "resolved": len(resolved),
        "timely_handling_rate": round(rate, 4) if rate is not None else None,
        "meets_target": rate is None or rate >= target,
        "average_handling_hours": round(mean(hours), 2) if hours else None,
        "p90_handling_hours": round(hours[max(int(0.9 * len(hours) + 0.999) - 1, 0)], 2) if hours else None,
        "overdue": sum(case.overdue for case in cases),
        "escalations_by_level": {str(level): levels[level] for level in range(1, 5)},
        "satisfaction_rate": round(sum(bool(case.satisfied) for case in rated) / len(rated), 4) if rated else None,
        "yellow_cards": sum(case.yellow_cards for case in cases),
    }


def bulletin(cases: list[CaseFigures], period: str, start: datetime, end: datetime, target: float) -> dict[str, Any]:
    """Figures overall and per unit, department and region, ranked by timely-handling rate."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for dimension in ("unit", "department", "region"):
        members: dict[str, list[CaseFigures]] = defaultdict(list)
        for case in cases:
            members[getattr(case, dimension) or "unknown"].append(case)
        rows = [{"name": name, **figures(items, target)} for name, items in members.items()]
        rows.sort(key=lambda row: (-(row["timely_handling_rate"] or 0), row["name"]))
        for index, row in enumerate(rows):
            # equal rates share a rank, and the next rate ranks after all of them (1, 1, 1, 4)
            tied = index and (rows[index - 1]["timely_handling_rate"] or 0) == (row["timely_handling_rate"] or 0)
            row["rank"] = rows[index - 1]["rank"] if tied else index + 1
        groups[dimension] = rows
    return {"period": period, "from": start.isoformat(), "to": end.isoformat(), "target": target,
            "overall": figures(cases, target), "by": groups}


def to_markdown(report: dict[str, Any]) -> str:
    overall = report["overall"]
    lines = [f"# Complaint handling bulletin (通报), {report['period']}", "",
             f"Period {report['from']} to {report['to']}; target timely-handling rate {report['target']:.0%}.", "",
             "| figure | value |", "| --- | --- |"]
    for key, value in overall.items():
        lines.append(f"| {key.replace('_', ' ')} | {json.dumps(value, ensure_ascii=False)} |")
    for dimension, rows in report["by"].items():
        lines += ["", f"## By {dimension}", "", "| rank | name | cases | timely rate | overdue | satisfaction |",
                  "| --- | --- | --- | --- | --- | --- |"]
        lines += [f"| {row['rank']} | {row['name']} | {row['cases']} | {_pct(row['timely_handling_rate'])} | "
                  f"{row['overdue']} | {_pct(row['satisfaction_rate'])} |" for row in rows]
    return "\n".join(lines) + "\n"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"
