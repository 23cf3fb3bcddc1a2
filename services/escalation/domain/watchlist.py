"""The lists supervisors watch: cases most at risk of a regulator appeal, and the supervision list."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from .supervision import SupervisedCase


@dataclass(frozen=True)
class AtRiskEntry:
    case_id: str
    score: float
    region: str
    escalation_level: int
    overdue: bool


@dataclass(frozen=True)
class SupervisionEntry:
    case_id: str
    supervisor: str
    since: datetime
    reason: str
    urgings: tuple[tuple[str, str, datetime], ...]  # (by, note, at)


def at_risk(cases: Iterable[SupervisedCase], limit: int) -> list[AtRiskEntry]:
    """Open cases by score, highest first; ties by case id so the list is stable between calls."""
    open_cases = [case for case in cases if not case.closed and case.risk_score > 0]
    open_cases.sort(key=lambda case: (-case.risk_score, case.case_id))
    return [AtRiskEntry(case.case_id, case.risk_score, case.region, case.escalation_level, case.overdue)
            for case in open_cases[:max(limit, 0)]]


def supervision_list(cases: Iterable[SupervisedCase]) -> list[SupervisionEntry]:
    """Everything under supervision (督办), oldest entry first."""
    entries = [SupervisionEntry(case.case_id, case.supervisor, case.supervised_since, case.supervision_reason,
                                tuple((u["by"], u["note"], u["at"]) for u in case.urgings))
               for case in cases if case.supervisor and case.supervised_since is not None]
    return sorted(entries, key=lambda entry: (entry.since, entry.case_id))
