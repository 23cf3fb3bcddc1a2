"""Protobuf <-> domain for the verification service: the record's events as the contract has them."""

from __future__ import annotations

from complaints.v1 import case_events_pb2, common_pb2, inbound_pb2
from complaint_platform.envelope import to_timestamp

from .domain import events as ev

PLANNED_KIND = {inbound_pb2.CAPA_KIND_CORRECTIVE_ACTION: "CORRECTIVE", inbound_pb2.CAPA_KIND_PREVENTIVE_ACTION: "PREVENTIVE"}


def fault(value: int) -> str:
    return common_pb2.CompanyFault.Name(value).removeprefix("COMPANY_FAULT_") if value else "UNCLEAR"


def to_messages(events: list) -> list[tuple[object, str]]:
    """The published rule events as protobuf, each with a discriminator for its id."""
    messages: list[tuple[object, str]] = []
    for event in events:
        if isinstance(event, ev.VerificationOpened):
            messages.append((case_events_pb2.VerificationOpened(
                case_id=event.case_id, customer_closed_at=to_timestamp(event.customer_closed_at),
                blockers=list(event.blockers)), f"opened{event.loop}"))
        elif isinstance(event, ev.ResponsibilityDetermined):
            messages.append((case_events_pb2.ResponsibilityDetermined(
                case_id=event.case_id, responsible_unit=event.responsible_unit, root_cause_class=event.root_cause_class,
                company_at_fault=common_pb2.CompanyFault.Value(f"COMPANY_FAULT_{event.company_at_fault}")),
                f"responsibility:{event.responsible_unit}:{event.root_cause_class}"))
        elif isinstance(event, ev.CorrectiveActionDue):
            messages.append((case_events_pb2.CorrectiveActionDue(case_id=event.case_id, action_id=event.action_id,
                                                                 owner=event.owner, due_at=to_timestamp(event.due_at)),
                             f"due:{event.action_id}:{event.due_at.isoformat()}"))
        elif isinstance(event, ev.ActionVerified):
            messages.append((case_events_pb2.ActionVerified(case_id=event.case_id, action_id=event.action_id),
                             f"verified:{event.action_id}"))
        elif isinstance(event, ev.RecurrenceDetected):
            messages.append((case_events_pb2.RecurrenceDetected(case_id=event.case_id, new_case_id=event.new_case_id,
                                                                matched_by=event.matched_by),
                             f"recurrence:{event.new_case_id}"))
        elif isinstance(event, ev.CaseReopened):
            messages.append((case_events_pb2.CaseReopened(case_id=event.case_id, reason=event.reason),
                             f"reopened{event.loop}"))
        elif isinstance(event, ev.CaseClosed):
            messages.append((case_events_pb2.CaseClosed(
                case_id=event.case_id, customer_closed_at=to_timestamp(event.customer_closed_at),
                management_closed_at=to_timestamp(event.management_closed_at)), f"closed{event.loop}"))
    return messages
