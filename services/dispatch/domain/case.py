"""One accountable owner per case (首问负责制), the work orders it needs, and customer closure.

Every input goes through ``_once``: an id seen before changes nothing, and a refusal (a
DomainError) leaves the case exactly as it was, so at-least-once delivery is harmless.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from . import events as ev
from . import inputs as cmd
from . import work_orders as wo
from .errors import (CaseAlreadyRegistered, CaseClosed, DomainError, IllegalCaseTransition, InvalidCase,
                     OwnerRequired, OwnerUnchanged, ReasonRequired, UnknownWorkOrder)
from .feedback import apply_feedback
from .owner_work import consult, dispatch_manually, promise_reply
from .policy import Destination, DispatchPolicy
from .replies import record_reply, resolve_if_done
from .rounds import close, reopen
from .routing import check_grades, default_owner, priority, route

ASSIGNED, DISPATCHED, RESOLVED, REOPENED, CLOSED = "ASSIGNED", "DISPATCHED", "RESOLVED", "REOPENED", "CLOSED"
PROMISE_PRECISION = timedelta(minutes=1)   # promised times are told to the minute


@dataclass
class DispatchCase:
    case_id: str
    owner: str
    tier: int
    category: str
    region: str
    channel: str
    severity: int
    is_proxy: bool = False
    customer_id: str = ""
    attributes: dict[str, str] = field(default_factory=dict)   # e.g. cell_id, for verification's fault signature
    status: str = ASSIGNED
    round: int = 0                                  # handling round; a reopen starts the next one
    lanes: list[list[dict[str, str]]] = field(default_factory=list)   # routing candidates per work item
    work_orders: list[wo.WorkOrder] = field(default_factory=list)
    customer_reply: str = ""
    customer_replied_at: datetime | None = None
    reply_round: int = -1                           # the round the owner last answered the customer in
    resolved_round: int = -1
    promised_reply_at: datetime | None = None
    closed: bool = False
    # the customer's side (domain/notifications.py): where to reach them, what they were told
    phone: str = ""
    opted_out: bool = False
    reply_due_at: datetime | None = None            # escalation's reply clock (限时办结)
    notices: dict[str, int] = field(default_factory=dict)   # local day -> notifications decided
    told: list[str] = field(default_factory=list)   # once-a-round steps already told, e.g. WORK_TAKEN:0
    last_step: str = ""
    last_step_at: datetime | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    applied_event_ids: list[str] = field(default_factory=list)

    # --- intake ---------------------------------------------------------------------------------
    @classmethod
    def register(cls, event: cmd.CaseRegistered, policy: DispatchPolicy,
                 now: datetime) -> tuple[DispatchCase, list[ev.Event]]:
        if not event.case_id.strip():
            raise InvalidCase("case_id is empty")
        check_grades(event.tier, event.severity)
        owner, source = event.first_contact.strip(), "first_contact"
        if not owner:
            owner = default_owner(policy, event.channel, event.region)
            source = f"default:{event.channel}/{event.region}"
        case = cls(case_id=event.case_id, owner=owner, tier=event.tier, category=event.category, region=event.region,
                   channel=event.channel, severity=event.severity, is_proxy=event.is_proxy,
                   customer_id=event.customer_id, attributes=dict(event.attributes),
                   phone=event.phone, opted_out=event.opted_out, applied_event_ids=[event.event_id])
        routed = route(policy, event.category, event.region, event.is_proxy, event.summary, event.attributes)
        case.lanes = [[{"department": d.department, "level": d.level} for d in lane] for lane in routed.lanes]
        case.note("registered", now, owner=owner, source=source, submission=event.submission_id, route=routed.rule)
        events: list[ev.Event] = [ev.OwnerAssigned(case.case_id, owner, source, now)]
        events += [case.dispatch_candidate(lane, 0, now) for lane in range(len(case.lanes))]
        if event.promised_reply_at is not None:
            case.promised_reply_at = event.promised_reply_at
            events.append(ev.PromisedReplyRecorded(case.case_id, event.promised_reply_at, now, "asked at intake"))
        events.append(ev.CaseOpened(case.case_id, event.promised_reply_at))
        case.refresh_status()
        return case, events

    def on_case_registered(self, event: cmd.CaseRegistered, policy: DispatchPolicy, now: datetime) -> list[ev.Event]:
        """A redelivered registration changes nothing; a different one for the same case id is refused."""
        if event.event_id in self.applied_event_ids:
            return []
        raise CaseAlreadyRegistered(f"case {self.case_id} is already registered (event {event.event_id})")

    def on_submission_linked(self, event: cmd.SubmissionLinked, now: datetime) -> list[ev.Event]:
        def apply() -> list[ev.Event]:  # the owner stays: a merged submission is the same problem
            self.note("submission linked", now, submission=event.submission_id, channel=event.channel,
                      first_contact=event.first_contact, contacts=event.contact_count)
            return []
        return self._once(event.event_id, apply)

    # --- the owner's commands ---------------------------------------------------------------------
    def reassign(self, command: cmd.ReassignOwner, now: datetime) -> list[ev.Event]:
        def apply() -> list[ev.Event]:
            self.check_not_closed()
            new_owner = command.new_owner.strip()
            if not new_owner:
                raise OwnerRequired(f"case {self.case_id}: new_owner is empty; a case must always have an owner")
            if not command.reason.strip():
                raise ReasonRequired(f"case {self.case_id}: a reassignment needs a reason")
            if new_owner == self.owner:
                raise OwnerUnchanged(f"case {self.case_id}: {new_owner} already owns it")
            previous, self.owner = self.owner, new_owner
            self.note("owner reassigned", now, by=command.by, owner=new_owner, previous=previous, reason=command.reason)
            return [ev.OwnerReassigned(self.case_id, new_owner, previous, command.reason, command.by, now)]
        return self._once(command.command_id, apply)

    def request_consult(self, command: cmd.RequestConsult, policy: DispatchPolicy, now: datetime) -> list[ev.Event]:
        return self._once(command.command_id, lambda: consult(self, command, policy, now))

    def dispatch_work_order(self, command: cmd.DispatchWorkOrder, now: datetime) -> list[ev.Event]:
        return self._once(command.command_id, lambda: dispatch_manually(self, command, now))

    def record_customer_reply(self, command: cmd.RecordCustomerReply, now: datetime) -> list[ev.Event]:
        return self._once(command.command_id,
                          lambda: record_reply(self, command.reply, command.replied_at or now, command.by, now))

    def record_promised_reply(self, command: cmd.RecordPromisedReply, now: datetime) -> list[ev.Event]:
        return self._once(command.command_id, lambda: promise_reply(self, command, now))

    # --- departments, escalation and verification -----------------------------------------------
    def on_feedback(self, feedback: cmd.WorkOrderFeedback, now: datetime) -> list[ev.Event]:
        """Unusable feedback comes back as a FeedbackRejected event (for the dead-letter topic)."""
        def apply() -> list[ev.Event]:
            before = self.to_dict()
            produced = apply_feedback(self, feedback, now)
            if any(isinstance(event, ev.FeedbackRejected) for event in produced):
                self._restore(before)  # rejected feedback leaves no trace but its id
            return produced
        return self._once(feedback.event_id, apply)

    def record_deadline(self, event: cmd.DeadlineSet, now: datetime) -> list[ev.Event]:
        def apply() -> list[ev.Event]:
            self.order(event.work_order_id).record_due(event.due_at, event.occurred_at)
            return []
        return self._once(event.event_id, apply)

    def on_reply_due(self, event: cmd.ReplyDue, now: datetime) -> list[ev.Event]:
        """Escalation's reply clocks: kept for the customer's status; a warning or a moved time is
        news for the customer while the case is still being worked."""
        def apply() -> list[ev.Event]:
            if self.closed or self.status == RESOLVED:
                return []
            # the time the customer was told: their own promised time if they asked for one
            told_clock = "PROMISED_REPLY" if self.promised_reply_at is not None else "CASE_REPLY"
            if event.stage == cmd.WARNED:
                return [ev.PromisedTimeNear(self.case_id, event.due_at)] if event.clock == told_clock else []
            if event.clock != "CASE_REPLY":
                return []
            # a pause of seconds moves the clock by seconds: news only when the time told would change
            moved = (event.stage == cmd.RESUMED and self.reply_due_at is not None
                     and abs(event.due_at - self.reply_due_at) >= PROMISE_PRECISION)
            self.reply_due_at = event.due_at
            return [ev.PromisedTimeMoved(self.case_id, event.due_at)] if moved and told_clock == "CASE_REPLY" else []
        return self._once(event.event_id, apply)

    def on_verification_opened(self, event: cmd.VerificationOpened, now: datetime) -> list[ev.Event]:
        def apply() -> list[ev.Event]:
            callback = any(blocker.startswith("callback pending") for blocker in event.blockers)
            return [ev.CallbackAhead(self.case_id)] if callback and not self.closed else []
        return self._once(event.event_id, apply)

    def on_reopen(self, event: cmd.CaseReopened, now: datetime) -> list[ev.Event]:
        return self._once(event.event_id, lambda: reopen(self, event.reason, now))

    def on_case_closed(self, event: cmd.CaseClosed, now: datetime) -> list[ev.Event]:
        return self._once(event.event_id, lambda: close(self, now))

    # --- helpers the rule modules share -----------------------------------------------------------
    def order(self, work_order_id: str) -> wo.WorkOrder:
        for order in self.work_orders:
            if order.work_order_id == work_order_id:
                return order
        raise UnknownWorkOrder(f"work_order_id: unknown work order {work_order_id!r} on case {self.case_id}")

    def open_orders(self) -> list[wo.WorkOrder]:
        return [o for o in self.work_orders if o.is_open]

    def dispatch_candidate(self, lane: int, candidate: int, now: datetime,
                           replaces: str = "") -> ev.WorkOrderDispatched:
        spec = self.lanes[lane][candidate]
        where = Destination(spec["department"], spec["level"])
        return self.new_order(wo.DEPARTMENT, where, lane, candidate, now, replaces=replaces)[1]

    def refresh_status(self) -> None:
        if self.closed:
            self.status = CLOSED
        elif self.resolved_round == self.round:
            self.status = RESOLVED
        elif self.round > 0:
            self.status = REOPENED
        else:
            self.status = DISPATCHED if self.open_orders() else ASSIGNED

    def resolve_if_done(self, now: datetime) -> list[ev.Event]:
        return resolve_if_done(self, now)

    def note(self, what: str, at: datetime, by: str = "", **details: Any) -> None:
        self.history.append({"at": at, "what": what, "by": by, **details})

    def new_order(self, kind: str, where: Destination, lane: int, candidate: int, now: datetime, replaces: str = "",
                   promised_reply_at: datetime | None = None) -> tuple[wo.WorkOrder, ev.WorkOrderDispatched]:
        order = wo.WorkOrder(
            work_order_id=f"{self.case_id}-WO{len(self.work_orders) + 1}", case_id=self.case_id, kind=kind,
            department=where.department, level=where.level, priority=priority(self.tier, self.severity),
            category=self.category, region=self.region, created_at=now, lane=lane, candidate=candidate,
            round=self.round, replaces=replaces, promised_reply_at=promised_reply_at)
        self.work_orders.append(order)
        self.note("work order dispatched", now, work_order=order.work_order_id, kind=kind, department=order.department)
        return order, ev.WorkOrderDispatched(
            self.case_id, order.work_order_id, kind, order.department, order.level, order.priority, self.category,
            self.region, self.channel, self.tier, self.round, now, replaces, promised_reply_at)

    def _once(self, input_id: str, apply: Callable[[], list[ev.Event]]) -> list[ev.Event]:
        if not input_id:
            raise InvalidCase(f"case {self.case_id}: an input without an event or command id cannot be deduplicated")
        if input_id in self.applied_event_ids:
            return []
        before = self.to_dict()
        try:
            produced = apply()
        except DomainError:
            self._restore(before)  # a refusal changes nothing
            raise
        self.applied_event_ids.append(input_id)
        self.refresh_status()
        return produced

    def _restore(self, snapshot: dict[str, Any]) -> None:
        self.__dict__.update(DispatchCase.from_dict(snapshot).__dict__)

    def check_not_closed(self) -> None:
        if self.closed:
            raise CaseClosed(f"case {self.case_id} is closed")

    def check_working(self, action: str) -> None:
        self.check_not_closed()
        if self.status == RESOLVED:
            raise IllegalCaseTransition(f"case {self.case_id} is RESOLVED; it must be reopened to {action}")

    # --- storage ----------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data["lanes"] = [[dict(spec) for spec in lane] for lane in self.lanes]
        data["attributes"] = dict(self.attributes)
        data["work_orders"] = [order.to_dict() for order in self.work_orders]
        data["history"] = [dict(entry) for entry in self.history]
        data["applied_event_ids"] = list(self.applied_event_ids)
        data["notices"] = dict(self.notices)
        data["told"] = list(self.told)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DispatchCase:
        values = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        values["lanes"] = [[dict(spec) for spec in lane] for lane in data.get("lanes", [])]
        values["attributes"] = dict(data.get("attributes", {}))
        values["work_orders"] = [wo.WorkOrder.from_dict(item) for item in data.get("work_orders", [])]
        values["history"] = [dict(entry) for entry in data.get("history", [])]
        values["applied_event_ids"] = list(data.get("applied_event_ids", []))
        values["notices"] = dict(data.get("notices", {}))
        values["told"] = list(data.get("told", []))
        return cls(**values)
