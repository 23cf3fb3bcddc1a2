"""Kafka adapter of the dispatch service."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from complaints.v1 import case_events_pb2, common_pb2, envelope_pb2, inbound_pb2
from complaint_platform.envelope import from_timestamp, to_timestamp
from complaint_platform.handling import Incoming
from complaint_platform.inbox import InboxHandler, RejectEvent
from complaint_platform.mongo import UnitOfWork
from complaint_platform.topics import CASES_DISPATCH

from .documents import DispatchCaseRecord, WorkOrderRecord
from .domain import case as rules
from .domain.policy import DispatchPolicy
from .domain.queue import NO_DUE_TIME
from .domain.work_orders import DispatchError

_CASES, _ORDERS = DispatchCaseRecord._get_collection_name(), WorkOrderRecord._get_collection_name()
WORK_ORDER_DEADLINES = {case_events_pb2.DEADLINE_KIND_WORK_ORDER_REPLY, case_events_pb2.DEADLINE_KIND_CONSULT_REPLY}


def fault_name(value: int) -> str:
    return common_pb2.CompanyFault.Name(value).removeprefix("COMPANY_FAULT_") if value else ""


class CaseStore:
    """Loads and saves dispatch cases; shared by the handler and the operator commands."""

    def __init__(self, database: Any) -> None:
        self.database = database

    def load(self, case_ids: list[str]) -> dict[str, rules.DispatchCase]:
        found = self.database[_CASES].find({"_id": {"$in": case_ids}}, {"state": 1})
        return {doc["_id"]: rules.DispatchCase.from_dict(doc["state"]) for doc in found}

    @staticmethod
    def save(unit: UnitOfWork, case: rules.DispatchCase) -> None:
        open_orders = case.open_orders()
        unit.upsert(_CASES, {"_id": case.case_id, "owner": case.owner, "status": case.status,
                             "priority": min((o.priority for o in case.work_orders), default=9),
                             "open_work_orders": len(open_orders), "state": case.to_dict()})
        for order in case.work_orders:
            unit.upsert(_ORDERS, {
                "_id": order.work_order_id, "case_id": case.case_id, "department": order.department,
                "level": order.level, "kind": order.kind, "state": order.state, "priority": order.priority,
                "due_sort": order.due_at or NO_DUE_TIME, "due_at": order.due_at,
                "dispatched_at": order.dispatched_at, "category": case.category, "region": case.region,
                "resolution": order.resolution})


def to_messages(case: rules.DispatchCase, events: list[rules.Event]) -> list[tuple[Any, str]]:
    """Domain events as protobuf, each with a discriminator that keeps its id unique."""
    messages = []
    for event in events:
        if isinstance(event, rules.OwnerAssigned):
            messages.append((case_events_pb2.OwnerAssigned(case_id=case.case_id, owner=event.owner,
                                                           previous_owner=event.previous_owner,
                                                           reason=event.reason), event.owner))
        elif isinstance(event, rules.WorkOrderDispatched):
            messages.append((dispatched(case, event.order), event.order.work_order_id))
        elif isinstance(event, rules.WorkOrderAccepted):
            order = event.order
            messages.append((case_events_pb2.WorkOrderAccepted(case_id=case.case_id, work_order_id=order.work_order_id,
                                                               department=order.department), order.work_order_id))
        elif isinstance(event, rules.WorkOrderReplied):
            order = event.order
            messages.append((case_events_pb2.WorkOrderReplied(
                case_id=case.case_id, work_order_id=order.work_order_id, department=order.department,
                resolution=order.resolution,
                company_at_fault=common_pb2.CompanyFault.Value(f"COMPANY_FAULT_{order.company_at_fault}")
                if order.company_at_fault else 0), order.work_order_id))
        elif isinstance(event, rules.WorkOrderReturned):
            order = event.order
            messages.append((case_events_pb2.WorkOrderReturned(
                case_id=case.case_id, work_order_id=order.work_order_id, department=order.department,
                reason=order.return_reason,
                next_work_order_id=event.next_order.work_order_id if event.next_order else ""), order.work_order_id))
            if event.next_order is not None:
                messages.append((dispatched(case, event.next_order), event.next_order.work_order_id))
        elif isinstance(event, rules.CaseResolved):
            resolved = case_events_pb2.CaseResolved(
                case_id=case.case_id, owner=event.owner, reply=event.reply, replied_at=to_timestamp(event.replied_at),
                category=case.category, region=case.region, customer_id=case.customer_id,
                attributes=case.attributes, department=event.department,
                company_at_fault=common_pb2.CompanyFault.Value(f"COMPANY_FAULT_{event.company_at_fault}")
                if event.company_at_fault else 0)
            messages.append((resolved, f"loop{case.loop}"))
    return messages


def dispatched(case: rules.DispatchCase, order) -> case_events_pb2.WorkOrderDispatched:
    message = case_events_pb2.WorkOrderDispatched(
        case_id=case.case_id, work_order_id=order.work_order_id, department=order.department, level=order.level,
        kind=case_events_pb2.WORK_ORDER_KIND_CONSULT if order.kind == "CONSULT" else case_events_pb2.WORK_ORDER_KIND_DEPARTMENT,
        priority=order.priority, category=case.category, tier=case.tier,
        channel=common_pb2.Channel.Value(f"CHANNEL_{case.channel}"), region=case.region,
        replaces_work_order_id=order.replaces)
    if order.promised_reply_at is not None:
        message.promised_reply_at.CopyFrom(to_timestamp(order.promised_reply_at))
    return message


class DispatchHandler(InboxHandler):
    producer = "dispatch"
    output_topic = CASES_DISPATCH

    def __init__(self, database: Any, policy: DispatchPolicy) -> None:
        super().__init__(database)
        self.policy = policy
        self.store = CaseStore(database)

    def load(self, batch: list[Incoming]) -> None:
        self.cases = self.store.load(sorted({item.envelope.case_id for item in batch if item.envelope.case_id}))
        self.changed: set[str] = set()

    def apply(self, incoming: Incoming, now: datetime) -> list[envelope_pb2.Envelope]:
        kind = incoming.envelope.WhichOneof("payload")
        payload = getattr(incoming.envelope, kind)
        case = self.cases.get(incoming.envelope.case_id)
        if kind == "case_registered":
            if case is not None:
                return []
            case, events = rules.DispatchCase.open(
                payload.case_id, payload.first_contact, payload.category, payload.customer.region,
                common_pb2.Channel.Name(payload.channel).removeprefix("CHANNEL_"), payload.customer.tier or 3,
                payload.severity or 1, payload.proxy_case, self.policy, now, customer_id=payload.customer.id,
                attributes=dict(payload.attributes))
            self.cases[case.case_id] = case
            return self._emit(incoming, case, events, now)
        if kind == "work_order_feedback":
            if case is None:
                raise RejectEvent(f"case_id: unknown case {payload.case_id!r}")
            try:
                outcome = case.on_feedback(inbound_pb2.FeedbackKind.Name(payload.kind).removeprefix("FEEDBACK_KIND_"),
                                           payload.work_order_id, payload.text, fault_name(payload.company_at_fault),
                                           payload.reported_by, from_timestamp(payload.reported_at) or now)
            except DispatchError as refusal:
                raise RejectEvent(str(refusal)) from None
            if isinstance(outcome, rules.FeedbackRejected):
                raise RejectEvent(outcome.reason)
            self.changed.add(case.case_id)
            return self._emit(incoming, case, outcome, now)
        if case is None:
            return []  # an event about a case dispatch never received (nothing to act on)
        if kind == "submission_linked":
            case.note("repeat contact", now, submission=payload.submission_id, contacts=payload.contact_count)
        elif kind == "deadline_set" and payload.kind in WORK_ORDER_DEADLINES:
            if not case.record_deadline(payload.subject_id, from_timestamp(payload.due_at)):
                return []
        elif kind == "case_reopened":
            self.changed.add(case.case_id)
            return self._emit(incoming, case, case.on_reopen(payload.reason, now), now)
        elif kind == "case_closed":
            case.on_closed(now)
        else:
            return []
        self.changed.add(case.case_id)
        return []

    def _emit(self, incoming: Incoming, case: rules.DispatchCase, events, now: datetime):
        self.changed.add(case.case_id)
        return [self.emit(incoming, message, case.case_id, now, discriminator=tag)
                for message, tag in to_messages(case, events)]

    def save(self, unit: UnitOfWork) -> None:
        for case_id in sorted(self.changed):
            self.store.save(unit, self.cases[case_id])
