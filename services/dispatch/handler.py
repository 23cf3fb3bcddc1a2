"""Kafka adapter of the dispatch service."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from complaints.v1 import case_events_pb2, common_pb2, envelope_pb2, inbound_pb2
from complaint_platform.envelope import event_names, from_timestamp, to_timestamp
from complaint_platform.handling import Incoming
from complaint_platform.inbox import AppliedEvents, InboxHandler, RejectEvent
from complaint_platform.mongo import UnitOfWork
from complaint_platform.topics import CASES_DISPATCH

from .documents import DispatchCaseRecord, DispatchCaseState, WorkOrderRecord
from .domain import case as rules
from .domain import events as ev
from .domain import inputs
from .domain.errors import DispatchError
from .domain.policy import DispatchPolicy
from .domain.queue import NO_DUE_TIME

_CASES, _ORDERS = DispatchCaseRecord._get_collection_name(), WorkOrderRecord._get_collection_name()
_STATES = DispatchCaseState._get_collection_name()
WORK_ORDER_DEADLINES = {case_events_pb2.DEADLINE_KIND_WORK_ORDER_REPLY, case_events_pb2.DEADLINE_KIND_CONSULT_REPLY}


def fault_name(value: int) -> str:
    return common_pb2.CompanyFault.Name(value).removeprefix("COMPANY_FAULT_") if value else ""


def registered_input(event_id: str, payload) -> inputs.CaseRegistered:
    return inputs.CaseRegistered(
        event_id=event_id, case_id=payload.case_id,
        channel=common_pb2.Channel.Name(payload.channel).removeprefix("CHANNEL_"), category=payload.category,
        region=payload.customer.region, tier=payload.customer.tier or 3, severity=payload.severity or 1,
        first_contact=payload.first_contact, is_proxy=payload.proxy_case, submission_id=payload.submission_id,
        customer_id=payload.customer.id, summary=payload.summary, attributes=dict(payload.attributes),
        promised_reply_at=from_timestamp(payload.promised_reply_at))


@dataclass
class HeldCase:
    """A case as this replica holds it: the version stored and its work orders' rows as written."""

    case: rules.DispatchCase
    version: int | None = None  # of its state document; None: stored before it had versions
    stored: bool = False        # its state document is stored
    row: dict | None = None     # its row in ``cases`` as stored
    orders: dict[str, dict] = field(default_factory=dict)


class CaseStore:
    """Dispatch cases held in memory between batches, for the partitions this replica consumes;
    shared by the handler and the operator commands (one thread). A batch reads only cases it
    does not hold yet, and none for a case it registers (while nothing failed since, a case it
    does not hold was never stored: were it, its insert fails and the batch is read again).
    Every write is compare-and-set on the case's version, so a case changed by another replica
    (a command sent there) is read again instead of overwritten. Closed cases leave memory.

    A case's document keeps the ids of the last events applied to it (``AppliedEvents``)."""

    LIMIT = 100_000  # open cases held at most (the least recently used leave first)

    def __init__(self, database: Any, applied: AppliedEvents | None = None) -> None:
        self.database = database
        self.applied = applied if applied is not None else AppliedEvents()
        self._held: OrderedDict[str, HeldCase] = OrderedDict()
        self._written: dict[str, tuple[HeldCase, dict, dict]] = {}  # this unit's writes: case -> order rows, row
        self._trusted = False

    def load(self, case_ids: list[str], registering: set[str] = frozenset()) -> dict[str, rules.DispatchCase]:
        wanted = [case_id for case_id in case_ids
                  if case_id not in self._held and not (self._trusted and case_id in registering)]
        if wanted:
            for doc in self.database[_STATES].find({"_id": {"$in": wanted}}):
                self._hold(doc, stored=True)
            # a case stored before its state had a document of its own keeps it in its row
            legacy = [case_id for case_id in wanted if case_id not in self._held]
            if legacy:
                for doc in self.database[_CASES].find({"_id": {"$in": legacy}, "state": {"$exists": True}}):
                    self._hold(doc, stored=False)
        for case_id in case_ids:
            if case_id in self._held:
                self._held.move_to_end(case_id)
        return {case_id: self._held[case_id].case for case_id in case_ids if case_id in self._held}

    def _hold(self, doc: dict, stored: bool) -> None:
        case = rules.DispatchCase.from_dict(doc["state"])
        self._held[doc["_id"]] = HeldCase(case, doc.get("version") if stored else None, stored, case_row(case),
                                          {order.work_order_id: order_row(case, order) for order in case.work_orders})
        self.applied.remember(doc["_id"], doc)

    def add(self, case: rules.DispatchCase) -> None:
        """A case registered in this batch."""
        self._held[case.case_id] = HeldCase(case)

    def save(self, unit: UnitOfWork, case: rules.DispatchCase) -> None:
        held = self._held[case.case_id]
        unit.save_version(_STATES, {"_id": case.case_id, "state": case.to_dict(),
                                    AppliedEvents.FIELD: self.applied.of(case.case_id)},
                          held.version, new=not held.stored)
        row = case_row(case)
        if row != held.row:  # the owner's queue row changes with the owner and the status only
            unit.save(_CASES, row, new=held.row is None)
        rows = {}
        for order in case.work_orders:
            row = rows[order.work_order_id] = order_row(case, order)
            stored = held.orders.get(order.work_order_id)
            if row != stored:  # a work order is rewritten (all its indexes) only when it changed
                unit.save(_ORDERS, row, new=stored is None)
        self._written[case.case_id] = (held, rows, row)

    def committed(self) -> None:
        for case_id, (held, rows, row) in self._written.items():
            held.version = 0 if not held.stored else (held.version or 0) + 1
            held.stored, held.orders, held.row = True, rows, row
            if held.case.status == rules.CLOSED:
                self._held.pop(case_id, None)  # loaded again if an event still comes for it
        self._written.clear()
        while len(self._held) > self.LIMIT:
            self._held.popitem(last=False)
        self._trusted = True

    def forget(self) -> None:
        self._held.clear()
        self._written.clear()
        self._trusted = False

    def __len__(self) -> int:
        return len(self._held)


def case_row(case: rules.DispatchCase) -> dict:
    """A case's row in ``cases``, for the owners' queues."""
    return {"_id": case.case_id, "owner": case.owner, "status": case.status,
            "priority": min((o.priority for o in case.work_orders), default=9),
            "open_work_orders": len(case.open_orders())}


def order_row(case: rules.DispatchCase, order) -> dict:
    """A work order's row in ``work_orders``, for the department queues."""
    return {"_id": order.work_order_id, "case_id": case.case_id, "department": order.department,
            "level": order.level, "kind": order.kind, "state": order.state, "priority": order.priority,
            "due_sort": order.due_at or NO_DUE_TIME, "due_at": order.due_at,
            "dispatched_at": order.created_at, "category": case.category, "region": case.region,
            "resolution": order.resolution}


def _fault(value: str) -> int:
    return common_pb2.CompanyFault.Value(f"COMPANY_FAULT_{value}") if value else 0


def to_messages(case: rules.DispatchCase, events: list) -> list[tuple[Any, str]]:
    """Rule events as protobuf, each with a discriminator that keeps its id unique.

    Events with no message in the v1 contract (progress notes, owner decisions,
    recorded replies) live in the case history only."""
    messages: list[tuple[Any, str]] = []
    for event in events:
        if isinstance(event, ev.OwnerAssigned):
            messages.append((case_events_pb2.OwnerAssigned(case_id=case.case_id, owner=event.owner), "owner"))
        elif isinstance(event, ev.OwnerReassigned):
            messages.append((case_events_pb2.OwnerAssigned(case_id=case.case_id, owner=event.owner,
                                                           previous_owner=event.previous_owner, reason=event.reason),
                             f"owner:{event.owner}:{event.reassigned_at.isoformat()}"))
        elif isinstance(event, ev.WorkOrderDispatched):
            messages.append((dispatched(event), event.work_order_id))
        elif isinstance(event, ev.WorkOrderAccepted):
            messages.append((case_events_pb2.WorkOrderAccepted(case_id=case.case_id, work_order_id=event.work_order_id,
                                                               department=event.department), event.work_order_id))
        elif isinstance(event, ev.WorkOrderReplied):
            messages.append((case_events_pb2.WorkOrderReplied(
                case_id=case.case_id, work_order_id=event.work_order_id, department=event.department,
                resolution=event.resolution, company_at_fault=_fault(event.company_at_fault)), event.work_order_id))
        elif isinstance(event, ev.WorkOrderReturned):
            messages.append((case_events_pb2.WorkOrderReturned(
                case_id=case.case_id, work_order_id=event.work_order_id, department=event.department,
                reason=event.reason, next_work_order_id=event.next_work_order_id), event.work_order_id))
        elif isinstance(event, ev.WorkOrderAwaitingCustomer):
            messages.append((case_events_pb2.WorkOrderAwaitingCustomer(
                case_id=case.case_id, work_order_id=event.work_order_id, department=event.department,
                since=to_timestamp(event.since), reason=event.reason), event.work_order_id))
        elif isinstance(event, ev.WorkOrderCustomerResponded):
            messages.append((case_events_pb2.WorkOrderCustomerResponded(
                case_id=case.case_id, work_order_id=event.work_order_id, department=event.department,
                responded_at=to_timestamp(event.responded_at)), event.work_order_id))
        elif isinstance(event, ev.CaseResolved):
            messages.append((case_events_pb2.CaseResolved(
                case_id=case.case_id, owner=event.owner, reply=event.reply, replied_at=to_timestamp(event.replied_at),
                category=case.category, region=case.region, customer_id=case.customer_id,
                attributes=dict(case.attributes), department=event.department,
                company_at_fault=_fault(event.company_at_fault)), f"round{event.round}"))
    return messages


def dispatched(event: ev.WorkOrderDispatched) -> case_events_pb2.WorkOrderDispatched:
    message = case_events_pb2.WorkOrderDispatched(
        case_id=event.case_id, work_order_id=event.work_order_id, department=event.department, level=event.level,
        kind=case_events_pb2.WORK_ORDER_KIND_CONSULT if event.kind == "CONSULT" else case_events_pb2.WORK_ORDER_KIND_DEPARTMENT,
        priority=event.priority, category=event.category, tier=event.tier,
        channel=common_pb2.Channel.Value(f"CHANNEL_{event.channel}"), region=event.region,
        replaces_work_order_id=event.replaces_work_order_id)
    if event.promised_reply_at is not None:
        message.promised_reply_at.CopyFrom(to_timestamp(event.promised_reply_at))
    return message


def rejection(events: list) -> str:
    """The first refusal among the rule events, if any (the feedback is dead-lettered)."""
    return next((event.reason for event in events if isinstance(event, ev.FeedbackRejected)), "")


class DispatchHandler(InboxHandler):
    producer = "dispatch"
    output_topic = CASES_DISPATCH
    acts_on = event_names("case_registered", "submission_linked", "deadline_set", "deadline_resumed",
                          "case_reopened", "case_closed")

    def __init__(self, database: Any, policy: DispatchPolicy) -> None:
        super().__init__(database)
        self.policy = policy
        self.store = CaseStore(database, self.applied)

    def load(self, batch: list[Incoming]) -> None:
        registering = {item.envelope.case_id for item in batch if item.envelope.WhichOneof("payload") == "case_registered"}
        self.cases = self.store.load(sorted({item.envelope.case_id for item in batch if item.envelope.case_id}),
                                     registering)
        self.changed: set[str] = set()

    def apply(self, incoming: Incoming, now: datetime) -> list[envelope_pb2.Envelope]:
        kind = incoming.envelope.WhichOneof("payload")
        payload = getattr(incoming.envelope, kind)
        event_id = incoming.event_id
        case = self.cases.get(incoming.envelope.case_id)
        try:
            if kind == "case_registered":
                if case is not None:
                    return []
                case, events = rules.DispatchCase.register(registered_input(event_id, payload), self.policy, now)
                self.cases[case.case_id] = case
                self.store.add(case)
                return self._emit(incoming, case, events, now)
            if kind == "work_order_feedback":
                if case is None:
                    raise RejectEvent(f"case_id: unknown case {payload.case_id!r}")
                events = case.on_feedback(inputs.WorkOrderFeedback(
                    event_id=payload.feedback_id or event_id,
                    kind=inbound_pb2.FeedbackKind.Name(payload.kind).removeprefix("FEEDBACK_KIND_"),
                    work_order_id=payload.work_order_id, text=payload.text,
                    company_at_fault=fault_name(payload.company_at_fault), reported_by=payload.reported_by,
                    reported_at=from_timestamp(payload.reported_at)), now)
                if rejection(events):
                    raise RejectEvent(rejection(events))
                return self._emit(incoming, case, events, now)
            if case is None:
                return []  # an event about a case dispatch never received (nothing to act on)
            if kind == "submission_linked":
                events = case.on_submission_linked(inputs.SubmissionLinked(
                    event_id, payload.submission_id, common_pb2.Channel.Name(payload.channel).removeprefix("CHANNEL_"),
                    contact_count=payload.contact_count), now)
            elif kind in ("deadline_set", "deadline_resumed") and payload.kind in WORK_ORDER_DEADLINES:
                # a resumed clock (the customer came back) has a new due time, like a new clock
                if not any(o.work_order_id == payload.subject_id for o in case.work_orders):
                    return []
                events = case.record_deadline(inputs.DeadlineSet(
                    event_id, payload.subject_id, from_timestamp(payload.due_at),
                    from_timestamp(incoming.envelope.occurred_at) or now), now)
            elif kind == "case_reopened":
                events = case.on_reopen(inputs.CaseReopened(event_id, payload.reason), now)
            elif kind == "case_closed":
                events = case.on_case_closed(inputs.CaseClosed(event_id), now)
            else:
                return []
        except DispatchError as refusal:
            raise RejectEvent(str(refusal)) from None
        return self._emit(incoming, case, events, now)

    def _emit(self, incoming: Incoming, case: rules.DispatchCase, events, now: datetime):
        self.changed.add(case.case_id)
        return [self.emit(incoming, message, case.case_id, now, discriminator=tag)
                for message, tag in to_messages(case, events)]

    def save(self, unit: UnitOfWork) -> None:
        for case_id in sorted(self.changed | (self.applied.touched & set(self.cases))):
            self.store.save(unit, self.cases[case_id])

    def committed(self) -> None:
        self.store.committed()

    def forget_state(self) -> None:
        self.store.forget()

    def held(self) -> int:
        return len(self.store)
