"""One accountable owner per case (首问负责制), the work orders it needs, customer closure."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from . import work_orders as wo
from .policy import Destination, DispatchPolicy
from .routing import priority, route

# --- events the rules produce (the adapter turns them into protobuf) ---------------------------


@dataclass(frozen=True)
class OwnerAssigned:
    owner: str
    previous_owner: str = ""
    reason: str = ""


@dataclass(frozen=True)
class WorkOrderDispatched:
    order: wo.WorkOrder


@dataclass(frozen=True)
class WorkOrderAccepted:
    order: wo.WorkOrder


@dataclass(frozen=True)
class WorkOrderReplied:
    order: wo.WorkOrder


@dataclass(frozen=True)
class WorkOrderReturned:
    order: wo.WorkOrder
    next_order: wo.WorkOrder | None   # None: no candidate left, the owner must decide


@dataclass(frozen=True)
class CaseResolved:
    owner: str
    reply: str
    replied_at: datetime
    department: str
    company_at_fault: str


@dataclass(frozen=True)
class FeedbackRejected:
    """Feedback the rules cannot apply; it goes to the dead-letter topic with this reason."""

    reason: str


Event = OwnerAssigned | WorkOrderDispatched | WorkOrderAccepted | WorkOrderReplied | WorkOrderReturned | CaseResolved


@dataclass
class DispatchCase:
    case_id: str
    owner: str
    category: str
    region: str
    channel: str
    tier: int
    severity: int
    proxy: bool
    customer_id: str = ""
    attributes: dict[str, str] = field(default_factory=dict)
    status: str = "ASSIGNED"
    loop: int = 0
    work_orders: list[wo.WorkOrder] = field(default_factory=list)
    lanes: list[list[dict[str, str]]] = field(default_factory=list)  # routing candidates per lane
    customer_reply: str = ""
    customer_replied_at: datetime | None = None
    reply_loop: int = -1
    history: list[dict[str, Any]] = field(default_factory=list)

    # --- creation ---------------------------------------------------------------------------
    @classmethod
    def open(cls, case_id: str, first_contact: str, category: str, region: str, channel: str, tier: int,
             severity: int, proxy: bool, policy: DispatchPolicy, now: datetime, customer_id: str = "",
             attributes: dict[str, str] | None = None) -> tuple[DispatchCase, list[Event]]:
        owner = first_contact.strip() or policy.default_owner
        case = cls(case_id=case_id, owner=owner, category=category, region=region, channel=channel, tier=tier,
                   severity=severity, proxy=proxy, customer_id=customer_id, attributes=dict(attributes or {}))
        case.note("owner assigned", now, owner=owner)
        routed = route(policy, category, region, proxy)
        case.lanes = [[{"department": d.department, "level": d.level} for d in lane] for lane in routed.lanes]
        events: list[Event] = [OwnerAssigned(owner)]
        for lane in range(len(case.lanes)):
            events.append(WorkOrderDispatched(case._dispatch(lane, 0, now)))
        case.status = "DISPATCHED"
        return case, events

    # --- owner --------------------------------------------------------------------------------
    def reassign(self, new_owner: str, reason: str, now: datetime) -> list[Event]:
        if not new_owner.strip():
            raise wo.OwnerRequired("a case must always have an owner; new_owner is empty")
        if not reason.strip():
            raise wo.ReasonRequired("a reassignment needs a reason")
        self._check_open()
        if new_owner == self.owner:
            return []
        previous, self.owner = self.owner, new_owner
        self.note("owner reassigned", now, owner=new_owner, previous=previous, reason=reason)
        return [OwnerAssigned(new_owner, previous, reason)]

    def request_consult(self, question: str, promised_reply_at: datetime, policy: DispatchPolicy,
                        now: datetime) -> list[Event]:
        self._check_open()
        order = self._new_order("CONSULT", Destination(policy.expert_group, "province"), lane=-1, candidate=0, now=now)
        order.promised_reply_at = promised_reply_at
        order.note(question, now, by=self.owner)
        self.status = "DISPATCHED"
        return [WorkOrderDispatched(order)]

    # --- department feedback ------------------------------------------------------------------
    def on_feedback(self, kind: str, work_order_id: str, text: str, company_at_fault: str, by: str,
                    now: datetime) -> list[Event] | FeedbackRejected:
        if kind == "CUSTOMER_REPLIED":
            return self.record_customer_reply(text, now)
        order = self.order(work_order_id)
        if order is None:
            return FeedbackRejected(f"work_order_id: unknown work order {work_order_id!r} on case {self.case_id}")
        if not order.is_open:
            return FeedbackRejected(f"work_order_id: work order {work_order_id} is already {order.state}")
        if kind == "PROGRESS":
            order.note(text, now, by=by)
            return []
        if kind == "ACCEPTED":
            if order.state == wo.ACCEPTED:
                return []  # told twice
            order.move(wo.ACCEPTED, now)
            return [WorkOrderAccepted(order)]
        if kind == "REPLIED":
            implied = [WorkOrderAccepted(order)] if order.state == wo.DISPATCHED else []
            order.move(wo.REPLIED, now)
            order.resolution, order.company_at_fault = text, company_at_fault
            return implied + [WorkOrderReplied(order)] + self._resolve_if_done(now)
        if kind == "RETURNED":
            order.move(wo.RETURNED, now)
            order.return_reason = text
            return [WorkOrderReturned(order, self._next_candidate(order, now))]
        return FeedbackRejected(f"kind: feedback kind {kind} does not apply to a work order")

    def record_customer_reply(self, reply: str, now: datetime) -> list[Event]:
        """The owner answered the customer (from feedback or by command)."""
        if self.status in ("RESOLVED", "CLOSED") and self.reply_loop == self.loop:
            return []
        self.customer_reply, self.customer_replied_at, self.reply_loop = reply, now, self.loop
        self.note("customer replied", now, reply=reply[:200])
        return self._resolve_if_done(now)

    def record_deadline(self, work_order_id: str, due_at: datetime) -> bool:
        order = self.order(work_order_id)
        if order is None or order.due_at == due_at:
            return False
        order.due_at = due_at
        return True

    # --- verification -------------------------------------------------------------------------
    def on_reopen(self, reason: str, now: datetime) -> list[Event]:
        """Back to the same owner; new work to the department that replied last (or by routing)."""
        if self.status == "REOPENED" or self.status == "CLOSED":
            return []
        self.loop += 1
        self.status = "REOPENED"
        self.note("reopened", now, reason=reason)
        replied = [o for o in self.work_orders if o.state == wo.REPLIED and o.kind == "DEPARTMENT"]
        if replied:
            last = max(replied, key=lambda o: (o.closed_at, o.work_order_id))
            order = self._new_order("DEPARTMENT", Destination(last.department, last.level), last.lane,
                                    last.candidate, now)
        else:
            order = self._dispatch(0, 0, now)
        self.status = "DISPATCHED"
        return [WorkOrderDispatched(order)]

    def on_closed(self, now: datetime) -> None:
        self.status = "CLOSED"
        for order in self.work_orders:
            if order.is_open:
                order.move(wo.CANCELLED, now)
        self.note("closed", now)

    # --- helpers ------------------------------------------------------------------------------
    def order(self, work_order_id: str) -> wo.WorkOrder | None:
        return next((o for o in self.work_orders if o.work_order_id == work_order_id), None)

    def open_orders(self) -> list[wo.WorkOrder]:
        return [o for o in self.work_orders if o.is_open]

    def _resolve_if_done(self, now: datetime) -> list[Event]:
        current = [o for o in self.work_orders if o.loop == self.loop and o.state not in (wo.RETURNED, wo.CANCELLED)]
        if not current or any(o.state != wo.REPLIED for o in current) or self.reply_loop != self.loop:
            return []
        if self.status == "RESOLVED":
            return []
        self.status = "RESOLVED"
        last = max(current, key=lambda o: (o.closed_at, o.work_order_id))
        self.note("resolved", now)
        return [CaseResolved(self.owner, self.customer_reply, self.customer_replied_at or now, last.department,
                             last.company_at_fault)]

    def _next_candidate(self, returned: wo.WorkOrder, now: datetime) -> wo.WorkOrder | None:
        if returned.lane < 0 or returned.candidate + 1 >= len(self.lanes[returned.lane]):
            self.note("owner decision required", now, work_order=returned.work_order_id)
            return None
        order = self._dispatch(returned.lane, returned.candidate + 1, now)
        order.replaces = returned.work_order_id
        return order

    def _dispatch(self, lane: int, candidate: int, now: datetime) -> wo.WorkOrder:
        spec = self.lanes[lane][candidate]
        return self._new_order("DEPARTMENT", Destination(spec["department"], spec["level"]), lane, candidate, now)

    def _new_order(self, kind: str, where: Destination, lane: int, candidate: int, now: datetime) -> wo.WorkOrder:
        order = wo.WorkOrder(
            work_order_id=f"{self.case_id}-WO{len(self.work_orders) + 1}", case_id=self.case_id, kind=kind,
            department=where.department, level=where.level, lane=lane, candidate=candidate,
            priority=priority(self.tier, self.severity), dispatched_at=now, loop=self.loop)
        self.work_orders.append(order)
        self.note("work order dispatched", now, work_order=order.work_order_id, department=order.department)
        return order

    def _check_open(self) -> None:
        if self.status == "CLOSED":
            raise wo.CaseClosedError(f"case {self.case_id} is closed")

    def note(self, what: str, at: datetime, **details: Any) -> None:
        self.history.append({"at": at, "what": what, **details})

    def to_dict(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data["work_orders"] = [order.to_dict() for order in self.work_orders]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DispatchCase:
        values = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        values["work_orders"] = [wo.WorkOrder.from_dict(item) for item in data.get("work_orders", [])]
        return cls(**values)
