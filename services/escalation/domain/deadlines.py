"""SLA clocks: warning, breach (overdue mark), and the escalation ladder per item.

OPEN -> WARNED -> BREACHED, with MET / CANCELLED from any running state and PAUSED
while the customer is awaited. Firing is idempotent: the state records what was
already announced, so a second ``fire`` at the same moment yields nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from .calendar import BusinessCalendar
from .errors import DeadlineNotPausedError, DeadlineSpecError, DeadlineStoppedError, EscalationError  # noqa: F401
from .policy import EscalationPolicy

OPEN, WARNED, BREACHED, MET, CANCELLED, PAUSED = "OPEN", "WARNED", "BREACHED", "MET", "CANCELLED", "PAUSED"
RUNNING = {OPEN, WARNED, BREACHED}
STOPPED = {MET, CANCELLED}
KINDS = ("WORK_ORDER_ACCEPT", "WORK_ORDER_REPLY", "CASE_REPLY", "PROMISED_REPLY", "CONSULT_REPLY", "EXPLANATION",
         "CORRECTIVE_ACTION")
_NAMESPACE = uuid.UUID("a3f0c2de-9b1e-4c55-8a7d-2e6f1b0c9d34")
_TIMES = ("started_at", "due_at", "warn_at", "next_step_at", "paused_at", "stopped_at", "breached_at")


def deadline_id_for(case_id: str, kind: str, subject_id: str, generation: int = 0) -> str:
    """Deterministic, so a redelivered cause names the same clock."""
    return "DL-" + uuid.uuid5(_NAMESPACE, f"{case_id}|{kind}|{subject_id}|{generation}").hex[:20].upper()


def aware(moment: datetime, what: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise DeadlineSpecError(f"{what} must be timezone-aware, got {moment.isoformat()}")
    return moment


# --- what firing produces ----------------------------------------------------------------------
@dataclass(frozen=True)
class Warned:
    deadline: Deadline


@dataclass(frozen=True)
class Breached:
    deadline: Deadline


@dataclass(frozen=True)
class Climbed:
    """The item's ladder reached ``level``; the case escalates if that is above its level."""

    deadline: Deadline
    level: int
    role: str
    unit: str


@dataclass
class Deadline:
    deadline_id: str
    case_id: str
    kind: str
    subject_id: str
    started_at: datetime
    due_at: datetime
    warn_at: datetime
    department: str = ""
    region: str = ""
    calendar: str = "7x24"
    state: str = OPEN
    ladder_level: int = 0
    next_step_at: datetime | None = None
    paused_at: datetime | None = None
    stopped_at: datetime | None = None
    breached_at: datetime | None = None
    owner: str = ""  # the person who must act, e.g. the rated agent for an explanation

    @classmethod
    def start(cls, case_id: str, kind: str, subject_id: str, started_at: datetime, calendar: BusinessCalendar,
              policy: EscalationPolicy, allowed: timedelta | None = None, due_at: datetime | None = None,
              department: str = "", region: str = "", generation: int = 0, owner: str = "") -> Deadline:
        """From an allowed working time on the calendar, or from an absolute due time (promises, actions)."""
        if kind not in KINDS:
            raise DeadlineSpecError(f"unknown deadline kind {kind!r} (known: {', '.join(KINDS)})")
        if (allowed is None) == (due_at is None):
            raise DeadlineSpecError(f"{kind} deadline needs exactly one of an allowed time or a due time")
        aware(started_at, f"{kind} start")
        if due_at is None:
            due_at = calendar.add_working_time(started_at, allowed)
            warn_at = calendar.add_working_time(started_at, allowed * policy.warning_fraction)
        else:
            aware(due_at, f"{kind} due time")
            warn_at = started_at + (due_at - started_at) * policy.warning_fraction if due_at > started_at else due_at
        return cls(deadline_id_for(case_id, kind, subject_id, generation), case_id, kind, subject_id, started_at,
                   due_at, warn_at, department, region, calendar.name, owner=owner)

    @property
    def running(self) -> bool:
        return self.state in RUNNING

    def next_fire_at(self) -> datetime | None:
        """When this clock next needs attention; None when it never will."""
        if self.state == OPEN:
            return self.warn_at
        if self.state == WARNED:
            return self.due_at
        if self.state == BREACHED:
            return self.next_step_at
        return None

    def fire(self, now: datetime, policy: EscalationPolicy) -> list[Warned | Breached | Climbed]:
        """Every transition due at ``now``, in order. Firing again at the same moment yields nothing."""
        events: list[Warned | Breached | Climbed] = []
        if self.state == OPEN and now >= self.warn_at:
            self.state = WARNED
            if now < self.due_at:  # a late timer goes straight to the breach; no stale warning
                events.append(Warned(self))
        if self.state == WARNED and now >= self.due_at:
            self.state, self.breached_at = BREACHED, self.due_at
            events.append(Breached(self))
            # a missed explanation goes to the shift leader at once, whatever the ladder's first wait
            first_wait = timedelta(0) if self.kind == "EXPLANATION" else policy.ladder[0].after
            self.next_step_at = self.due_at + first_wait
        top = self._top_level(policy)
        while self.state == BREACHED and self.next_step_at is not None and now >= self.next_step_at:
            step = policy.ladder[self.ladder_level]
            self.ladder_level = step.level
            unit = step.unit.replace("{region}", self.region or "regional").replace(
                "{department}", self.department or "handling department")
            events.append(Climbed(self, step.level, step.role, unit))
            following = policy.ladder[step.level] if step.level < top else None
            self.next_step_at = self.next_step_at + following.after if following else None
        return events

    def _top_level(self, policy: EscalationPolicy) -> int:
        if self.kind == "EXPLANATION":
            return min(getattr(policy, "explanation_escalates_to", 1), len(policy.ladder))
        return len(policy.ladder)

    def stop(self, met: bool, now: datetime) -> bool:
        """Done (met, possibly late) or no longer needed (cancelled). False if already stopped."""
        if self.state in STOPPED:
            return False
        self.state = MET if met else CANCELLED
        self.stopped_at = now
        self.next_step_at = None
        self.paused_at = None
        return True

    @property
    def late(self) -> bool:
        return self.stopped_at is not None and self.stopped_at > self.due_at

    def pause(self, now: datetime) -> None:
        """Waiting on the customer stops the clock; an overdue clock must be fired, not paused."""
        if self.state not in (OPEN, WARNED):
            raise DeadlineStoppedError(f"deadline {self.deadline_id} is {self.state}; only a running clock can pause")
        if now >= self.due_at:
            raise DeadlineStoppedError(f"deadline {self.deadline_id} was due at {self.due_at.isoformat()}; "
                                       "it is overdue and cannot pause")
        self.state, self.paused_at = PAUSED, now

    def resume(self, now: datetime, calendar: BusinessCalendar) -> None:
        """The due time moves on by the working time spent paused."""
        if self.state != PAUSED or self.paused_at is None:
            raise DeadlineNotPausedError(f"deadline {self.deadline_id} is {self.state}, not paused")
        now = max(now, self.paused_at)
        left = calendar.working_time_between(self.paused_at, self.due_at)
        to_warning = calendar.working_time_between(self.paused_at, self.warn_at)
        self.due_at = calendar.add_working_time(now, left)
        self.warn_at = calendar.add_working_time(now, to_warning) if to_warning else now
        self.state = WARNED if to_warning == timedelta(0) else OPEN
        self.paused_at = None

    def to_dict(self) -> dict[str, Any]:
        # every field is immutable (text, numbers, times), so a shallow copy is a faithful one
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Deadline:
        values = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        for name in _TIMES:  # stores that drop the zone hand back UTC wall time
            moment = values.get(name)
            if isinstance(moment, datetime) and moment.tzinfo is None:
                values[name] = moment.replace(tzinfo=timezone.utc)
        return cls(**values)
