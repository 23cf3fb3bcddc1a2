"""The clocks of one case: starting, stopping, firing, and the once-only rule for inputs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from .calendar import HOTLINE
from .deadlines import STOPPED, Breached, Climbed, Deadline, Warned, deadline_id_for
from .errors import DomainError
from .events import DeadlineBreached, DeadlineSet, DeadlineStopped, DeadlineWarned
from .policy import EscalationPolicy

WORK_ORDER_CLOCKS = ("WORK_ORDER_ACCEPT", "WORK_ORDER_REPLY", "CONSULT_REPLY")

Event = Any


class CaseClocks:
    """Base of the ``SupervisedCase`` mixins; uses its fields (deadlines, applied_event_ids, ...)."""

    # --- the timer ----------------------------------------------------------------------------
    def next_fire_at(self) -> datetime | None:
        moments = [m for m in (d.next_fire_at() for d in self.deadlines.values()) if m is not None]
        return min(moments, default=None)

    def tick(self, now: datetime, policy: EscalationPolicy) -> list[Event]:
        """Warnings, overdue marks and ladder steps due by ``now``; a second tick at ``now`` yields []."""
        events: list[Event] = []
        for deadline in sorted(self.deadlines.values(), key=lambda d: (d.due_at, d.deadline_id)):
            for fired in deadline.fire(now, policy):
                if isinstance(fired, Warned):
                    events.append(DeadlineWarned(self.case_id, deadline.deadline_id, deadline.kind, deadline.due_at))
                elif isinstance(fired, Breached):
                    self.mark_overdue(deadline.deadline_id)
                    events.append(DeadlineBreached(self.case_id, deadline.deadline_id, deadline.kind,
                                                   deadline.subject_id, deadline.due_at))
                elif isinstance(fired, Climbed):
                    reason = f"{deadline.kind.lower()} {deadline.subject_id} overdue since {deadline.due_at.isoformat()}"
                    events += self.climb(fired.level, fired.role, fired.unit, reason, now)
        return events + self.reassess(policy, now)

    # --- mechanics ----------------------------------------------------------------------------
    def _apply(self, event_id: str, at: datetime, policy: EscalationPolicy, act: Callable[[], list[Event]]
               ) -> list[Event]:
        if not event_id:
            raise DomainError(f"an input to case {self.case_id} needs its event id")
        if event_id in self.applied_event_ids:
            return []
        events = act()
        self.applied_event_ids.append(event_id)
        return events + self.reassess(policy, at)

    def _allowed(self, column: str, policy: EscalationPolicy) -> timedelta:
        return policy.allowed(column, self.category, self.tier, self.channel)

    def _id(self, kind: str, subject: str) -> str:
        return deadline_id_for(self.case_id, kind, subject, self.generation)

    def _current(self, kinds: tuple[str, ...] | None) -> list[Deadline]:
        return [d for d in sorted(self.deadlines.values(), key=lambda d: d.deadline_id)
                if d.state not in STOPPED and (kinds is None or d.kind in kinds)]

    def _start(self, kind: str, subject: str, at: datetime, policy: EscalationPolicy, *,
               allowed: timedelta | None = None, due_at: datetime | None = None, department: str = "",
               owner: str = "") -> list[Event]:
        if self.closed or self._id(kind, subject) in self.deadlines:
            return []  # a redelivered cause names the same clock
        calendar = policy.calendar_for(department) if kind in WORK_ORDER_CLOCKS else HOTLINE
        deadline = Deadline.start(self.case_id, kind, subject, at, calendar, policy, allowed=allowed, due_at=due_at,
                                  department=department or self.department, region=self.region,
                                  generation=self.generation, owner=owner)
        self.deadlines[deadline.deadline_id] = deadline
        events: list[Event] = [DeadlineSet(self.case_id, deadline.deadline_id, kind, subject, deadline.due_at,
                                           deadline.warn_at)]
        early = self.early_stops.pop(deadline.deadline_id, None)
        if early is not None:
            events += self._stop_one(deadline, early["met"], early["at"])
        return events

    def _stop(self, kinds: tuple[str, ...] | None, subject: str | None, met: bool, at: datetime,
              skip: str = "") -> list[Event]:
        events: list[Event] = []
        for deadline in self._current(kinds):
            if deadline.deadline_id != skip and (subject is None or deadline.subject_id == subject):
                events += self._stop_one(deadline, met, at)
        if subject is not None:
            for kind in kinds or ():
                key = self._id(kind, subject)
                if key not in self.deadlines:
                    self.early_stops.setdefault(key, {"met": met, "at": at})
        return events

    def _stop_one(self, deadline: Deadline, met: bool, at: datetime) -> list[Event]:
        if not deadline.stop(met, at):
            return []
        self.clear_overdue(deadline.deadline_id)
        return [DeadlineStopped(self.case_id, deadline.deadline_id, deadline.kind, deadline.subject_id,
                                deadline.state == "MET", deadline.late)]

