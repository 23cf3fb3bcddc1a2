"""What supervision announces: frozen, past-tense, JSON-friendly (adapters turn them into protobuf)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class DeadlineSet:
    case_id: str
    deadline_id: str
    kind: str
    subject_id: str
    due_at: datetime
    warn_at: datetime


@dataclass(frozen=True)
class DeadlineWarned:
    case_id: str
    deadline_id: str
    kind: str
    due_at: datetime


@dataclass(frozen=True)
class DeadlineBreached:
    """The overdue mark (超时)."""

    case_id: str
    deadline_id: str
    kind: str
    subject_id: str
    due_at: datetime


@dataclass(frozen=True)
class DeadlineStopped:
    case_id: str
    deadline_id: str
    kind: str
    subject_id: str
    met: bool
    late: bool


@dataclass(frozen=True)
class DeadlinePaused:
    case_id: str
    deadline_id: str
    paused_at: datetime


@dataclass(frozen=True)
class DeadlineResumed:
    case_id: str
    deadline_id: str
    due_at: datetime


@dataclass(frozen=True)
class CaseEscalated:
    level: int
    role: str
    unit: str
    reason: str
    case_id: str = ""


@dataclass(frozen=True)
class SupervisionOpened:
    supervisor: str
    reason: str
    case_id: str = ""


@dataclass(frozen=True)
class CaseUrged:
    case_id: str
    by: str
    note: str
    at: datetime


@dataclass(frozen=True)
class RiskThresholdCrossed:
    score: float
    threshold: float
    case_id: str = ""


@dataclass(frozen=True)
class YellowCardRecorded:
    """A shift leader's finding against an agent (黄牌), counted per month in the centre's zone."""

    case_id: str
    agent_id: str
    month: str
    shift_leader: str
    finding: str


def event_to_dict(event: Any) -> dict[str, Any]:
    return {"type": type(event).__name__, **asdict(event)}
