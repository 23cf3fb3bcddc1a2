"""The overview and supervision pages: intake by channel, open cases, overdue, the timely-handling
rate against the target, escalations by level, the at-risk (越级) and watch lists."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from complaints.v1 import common_pb2, escalation_service_pb2, intake_service_pb2

from .common import enum_key, local_text

BAR_WIDTH = 300


@dataclass(frozen=True)
class CountBar:
    key: str
    count: int
    y: int
    width: float


def bars(counts: list[tuple[str, int]], height: int = 22) -> list[CountBar]:
    """Horizontal bars scaled to the largest count, for the template's SVG."""
    top = max((count for _, count in counts), default=0) or 1
    return [CountBar(key, count, index * height, round(count / top * BAR_WIDTH, 1))
            for index, (key, count) in enumerate(counts)]


def day_and_month(now: datetime, zone: str) -> tuple[datetime, datetime, datetime]:
    """Start of today, of this month and of tomorrow in the centre's zone, as UTC."""
    local = now.astimezone(ZoneInfo(zone))
    today = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return (today.astimezone(timezone.utc), today.replace(day=1).astimezone(timezone.utc),
            (today + timedelta(days=1)).astimezone(timezone.utc))


def overview(month: intake_service_pb2.SummariseCasesResponse, monthly: dict[str, Any],
             at_risk: escalation_service_pb2.ListAtRiskCasesResponse) -> dict[str, Any]:
    """``month``: intake's counts for this month (today's within it); ``monthly``: this month's bulletin."""
    today_counts = {enum_key(common_pb2.Channel, row.channel): row.cases for row in month.day_by_channel}
    month_counts = [(enum_key(common_pb2.Channel, row.channel), row.cases) for row in month.by_channel]
    statuses = [(enum_key(common_pb2.CaseStatus, row.status), row.cases) for row in month.open_by_status]
    target = float(monthly.get("target", 0.98))
    rate = monthly["overall"].get("timely_handling_rate")
    return {
        "registered_today": month.registered_day, "registered_month": month.registered,
        "channels": [{"channel": name, "today": today_counts.get(name, 0), "month": count}
                     for name, count in month_counts],
        "channel_bars": bars(month_counts),
        "statuses": statuses, "status_bars": bars(statuses), "open_total": sum(n for _, n in statuses),
        "overdue_now": month.overdue_now, "target": target, "rate": rate, "meets": rate is None or rate >= target,
        "resolved": monthly["overall"].get("resolved", 0), "breaches": monthly["overall"].get("overdue", 0),
        "escalations": monthly["overall"].get("escalations_by_level", {}),
        "at_risk": [{"case_id": row.case_id, "score": round(row.score, 2), "region": row.region,
                     "escalation_level": row.escalation_level} for row in at_risk.cases],
    }


def supervision(watched: escalation_service_pb2.ListWatchedCasesResponse,
                supervised: escalation_service_pb2.ListSupervisedCasesResponse, zone: str) -> dict[str, Any]:
    rows = [{"case_id": c.case_id, "owner": c.owner, "department": c.department, "region": c.region,
             "escalation_level": c.escalation_level, "overdue": c.overdue, "regulator_risk": round(c.regulator_risk, 2),
             "supervised": c.supervised} for c in watched.cases]
    levels = Counter(row["escalation_level"] for row in rows)
    units = Counter(row["owner"] or "—" for row in rows)
    return {
        "total": watched.total, "shown": len(rows), "rows": rows,
        "by_level": [(level, levels.get(level, 0)) for level in range(4, -1, -1)],
        "by_unit": units.most_common(), "unit_bars": bars(units.most_common(12)),
        "supervised": [{"case_id": c.case_id, "supervisor": c.supervisor, "since": local_text(c.since, zone),
                        "reason": c.reason, "urgings": [{"by": u.by, "note": u.note, "at": local_text(u.at, zone)}
                                                        for u in c.urgings]} for c in supervised.cases],
    }
