"""What other services tell supervision, applied to one case: each input returns the events it causes.

Every input carries the id of the event (or command) that caused it; applying the same id twice
returns [] and changes nothing. Stops that overtake their start (a work order accepted before its
dispatch arrives) are remembered and applied when the start comes in.
"""

from __future__ import annotations

from datetime import datetime

from .calendar import HOTLINE
from .clockwork import WORK_ORDER_CLOCKS, CaseClocks, Event
from .deadlines import OPEN, PAUSED, WARNED
from .events import DeadlinePaused, DeadlineResumed
from .policy import EscalationPolicy

CASE_CLOCKS = ("CASE_REPLY", "PROMISED_REPLY")
PAUSABLE = ("CASE_REPLY", "WORK_ORDER_REPLY", "CONSULT_REPLY")  # absolute promises and duties do not pause


class CaseInputs(CaseClocks):
    """Mixed into ``SupervisedCase``: case, work-order and customer-wait inputs."""

    # --- the case ---------------------------------------------------------------------------
    def registered(self, event_id: str, at: datetime, policy: EscalationPolicy, *, category: str, tier: int,
                   channel: str, region: str = "", severity: int = 1, regulator_case: bool = False,
                   owner: str = "", promised_reply_at: datetime | None = None) -> list[Event]:
        def act() -> list[Event]:
            self.category, self.tier, self.channel, self.region = category, tier, channel, region
            self.severity, self.owner = severity, owner or self.owner
            self.regulator_case = self.regulator_case or regulator_case or channel == "REGULATOR"
            self.opened_at = self.opened_at or at
            events = self._start("CASE_REPLY", self.case_id, at, policy, allowed=self._allowed("case_reply", policy))
            if promised_reply_at is not None:
                events += self._start("PROMISED_REPLY", self.case_id, at, policy, due_at=promised_reply_at)
            return events
        return self._apply(event_id, at, policy, act)

    def contact_repeated(self, event_id: str, at: datetime, policy: EscalationPolicy, *, contact_count: int,
                         channel: str = "") -> list[Event]:
        def act() -> list[Event]:
            self.contact_count = max(self.contact_count, contact_count)  # out of order: counts never go back
            self.regulator_case = self.regulator_case or channel == "REGULATOR"
            return []
        return self._apply(event_id, at, policy, act)

    def social_mentioned(self, event_id: str, at: datetime, policy: EscalationPolicy) -> list[Event]:
        def act() -> list[Event]:
            self.social_mentions += 1
            return []
        return self._apply(event_id, at, policy, act)

    def promised_reply_recorded(self, event_id: str, at: datetime, policy: EscalationPolicy, *,
                                promised_at: datetime) -> list[Event]:
        """A new promise replaces the running one: the customer was told a new time."""
        def act() -> list[Event]:
            subject = f"promise@{promised_at.isoformat()}"
            stopped = self._stop(("PROMISED_REPLY",), None, False, at, skip=self._id("PROMISED_REPLY", subject))
            return stopped + self._start("PROMISED_REPLY", subject, at, policy, due_at=promised_at)
        return self._apply(event_id, at, policy, act)

    def case_resolved(self, event_id: str, at: datetime, policy: EscalationPolicy) -> list[Event]:
        """The customer was answered (客户办结): reply clocks are met, open work-order clocks cancelled."""
        def act() -> list[Event]:
            self.resolved_at = at
            events = self._stop(CASE_CLOCKS, None, True, at) + self._stop(WORK_ORDER_CLOCKS, None, False, at)
            reply = self.deadlines.get(self._id("CASE_REPLY", self.case_id))
            self.timely = None if reply is None else not reply.late
            return events
        return self._apply(event_id, at, policy, act)

    def case_reopened(self, event_id: str, at: datetime, policy: EscalationPolicy) -> list[Event]:
        """New clocks with new ids; the escalation level is kept (it never goes down)."""
        def act() -> list[Event]:
            self.generation += 1
            self.resolved_at, self.timely, self.closed = None, None, False
            return self._start("CASE_REPLY", self.case_id, at, policy, allowed=self._allowed("case_reply", policy))
        return self._apply(event_id, at, policy, act)

    def case_closed(self, event_id: str, at: datetime, policy: EscalationPolicy) -> list[Event]:
        def act() -> list[Event]:
            events = self._stop(None, None, False, at)
            self.closed = True
            return events
        return self._apply(event_id, at, policy, act)

    # --- work orders and consultations --------------------------------------------------------
    def work_order_dispatched(self, event_id: str, at: datetime, policy: EscalationPolicy, *, work_order_id: str,
                              department: str, consult: bool = False,
                              promised_reply_at: datetime | None = None) -> list[Event]:
        def act() -> list[Event]:
            self.department = department
            if consult:
                allowed = None if promised_reply_at else self._allowed("work_order_reply", policy)
                return self._start("CONSULT_REPLY", work_order_id, at, policy, allowed=allowed,
                                   due_at=promised_reply_at, department=department)
            return [event for kind in ("WORK_ORDER_ACCEPT", "WORK_ORDER_REPLY")
                    for event in self._start(kind, work_order_id, at, policy, department=department,
                                             allowed=self._allowed(kind.lower(), policy))]
        return self._apply(event_id, at, policy, act)

    def consult_requested(self, event_id: str, at: datetime, policy: EscalationPolicy, *, consult_id: str,
                          department: str, promised_reply_at: datetime) -> list[Event]:
        return self.work_order_dispatched(event_id, at, policy, work_order_id=consult_id, department=department,
                                          consult=True, promised_reply_at=promised_reply_at)

    def work_order_accepted(self, event_id: str, at: datetime, policy: EscalationPolicy, *,
                            work_order_id: str) -> list[Event]:
        return self._apply(event_id, at, policy, lambda: self._stop(("WORK_ORDER_ACCEPT",), work_order_id, True, at))

    def work_order_replied(self, event_id: str, at: datetime, policy: EscalationPolicy, *,
                           work_order_id: str) -> list[Event]:
        # a reply straight away also answers the acceptance clock
        return self._apply(event_id, at, policy, lambda: self._stop(WORK_ORDER_CLOCKS, work_order_id, True, at))

    def work_order_returned(self, event_id: str, at: datetime, policy: EscalationPolicy, *,
                            work_order_id: str) -> list[Event]:
        return self._apply(event_id, at, policy, lambda: self._stop(WORK_ORDER_CLOCKS, work_order_id, False, at))

    # --- waiting on the customer ----------------------------------------------------------------
    def customer_wait_started(self, event_id: str, at: datetime, policy: EscalationPolicy) -> list[Event]:
        def act() -> list[Event]:
            events = self.tick(at, policy)  # what fell due before the wait is overdue, not paused
            for deadline in self._current(PAUSABLE):
                if deadline.state in (OPEN, WARNED):
                    deadline.pause(at)
                    events.append(DeadlinePaused(self.case_id, deadline.deadline_id, at))
            return events
        return self._apply(event_id, at, policy, act)

    def customer_wait_ended(self, event_id: str, at: datetime, policy: EscalationPolicy) -> list[Event]:
        def act() -> list[Event]:
            events: list[Event] = []
            for deadline in self._current(None):
                if deadline.state == PAUSED:
                    deadline.resume(at, policy.calendars.get(deadline.calendar, HOTLINE))
                    events.append(DeadlineResumed(self.case_id, deadline.deadline_id, deadline.due_at))
            return events
        return self._apply(event_id, at, policy, act)
