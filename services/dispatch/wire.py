"""Protobuf <-> domain for the dispatch service: the contract's events in, the rules' events out."""

from __future__ import annotations

from typing import Any

from complaints.v1 import case_events_pb2, common_pb2, customer_notifications_pb2 as notices_pb2, inbound_pb2
from complaint_platform.envelope import from_timestamp, to_timestamp

from .domain import case as rules
from .domain import events as ev
from .domain import inputs


def channel_name(value: int) -> str:
    return common_pb2.Channel.Name(value).removeprefix("CHANNEL_")


def fault_name(value: int) -> str:
    return common_pb2.CompanyFault.Name(value).removeprefix("COMPANY_FAULT_") if value else ""


def registered_input(event_id: str, payload) -> inputs.CaseRegistered:
    return inputs.CaseRegistered(
        event_id=event_id, case_id=payload.case_id,
        channel=channel_name(payload.channel), category=payload.category,
        region=payload.customer.region, tier=payload.customer.tier or 3, severity=payload.severity or 1,
        first_contact=payload.first_contact, is_proxy=payload.proxy_case, submission_id=payload.submission_id,
        customer_id=payload.customer.id, summary=payload.summary, attributes=dict(payload.attributes),
        promised_reply_at=from_timestamp(payload.promised_reply_at), phone=payload.customer.phone,
        opted_out=payload.customer.notifications_opted_out)


def deadline_kind(value: int) -> str:
    return case_events_pb2.DeadlineKind.Name(value).removeprefix("DEADLINE_KIND_")


def feedback_input(event_id: str, payload) -> inputs.WorkOrderFeedback:
    """A department's report on a work order; its feedback id, if it gave one, is the event's."""
    return inputs.WorkOrderFeedback(
        event_id=payload.feedback_id or event_id,
        kind=inbound_pb2.FeedbackKind.Name(payload.kind).removeprefix("FEEDBACK_KIND_"),
        work_order_id=payload.work_order_id, text=payload.text, company_at_fault=fault_name(payload.company_at_fault),
        reported_by=payload.reported_by, reported_at=from_timestamp(payload.reported_at))


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
                                                           previous_owner=event.previous_owner, reason=event.reason,
                                                           assigned_by=event.by),
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


def notifications(events: list) -> list[tuple[notices_pb2.CustomerNotification, str, Any]]:
    """The rules' notifications as protobuf, each with its tag (one per step and round of a cause)
    and the time it is held until (None: send now)."""
    found = []
    for event in events:
        if isinstance(event, ev.CustomerNotified):
            message = notices_pb2.CustomerNotification(
                case_id=event.case_id, step=notices_pb2.NotificationStep.Value(f"NOTIFICATION_STEP_{event.step}"),
                channel=notices_pb2.NotificationChannel.Value(f"NOTIFICATION_CHANNEL_{event.channel}"),
                customer_id=event.customer_id, phone=event.phone, text=event.text, template=event.template,
                urgent=event.urgent, decided_at=to_timestamp(event.decided_at), round=event.round)
            if event.promised_reply_at is not None:
                message.promised_reply_at.CopyFrom(to_timestamp(event.promised_reply_at))
            message.survey_rating_id = event.survey_rating_id
            message.survey_choices.extend(notices_pb2.SurveyChoice(
                reply=choice.reply, label=choice.label, score=choice.score,
                result=inbound_pb2.RatingResult.Value(f"RATING_RESULT_{choice.result}"))
                for choice in event.survey_choices)
            found.append((message, f"notify:{event.step}:{event.round}", event.held_until))
    return found
