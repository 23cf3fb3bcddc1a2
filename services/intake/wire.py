"""Protobuf <-> domain for the intake service: complaints in, the rules' case events out."""

from __future__ import annotations

from typing import Any

from complaints.v1 import case_events_pb2, common_pb2, inbound_pb2
from complaint_platform.envelope import from_timestamp, to_timestamp

from .domain import events as ev
from .domain.submission import RawSubmission


def channel_name(value: int) -> str:
    return common_pb2.Channel.Name(value).removeprefix("CHANNEL_")


def raw_submission(complaint: inbound_pb2.ComplaintSubmitted) -> RawSubmission:
    return RawSubmission(
        submission_id=complaint.submission_id, channel=channel_name(complaint.channel),
        customer_id=complaint.customer.id, phone=complaint.customer.phone, tier=complaint.customer.tier or None,
        region=complaint.customer.region, category=complaint.category, summary=complaint.summary,
        received_at=from_timestamp(complaint.received_at), first_contact=complaint.first_contact,
        attributes=dict(complaint.attributes))


def to_message(event, complaint: inbound_pb2.ComplaintSubmitted | None) -> Any:
    if isinstance(event, ev.CaseRegistered):
        message = case_events_pb2.CaseRegistered(
            case_id=event.case_id, submission_id=event.submission_id,
            channel=common_pb2.Channel.Value(f"CHANNEL_{event.channel}"),
            customer=common_pb2.Customer(id=event.customer_id, tier=event.tier, region=event.region),
            category=event.category, category_rule=event.category_rule, severity=int(event.severity),
            priority=event.priority, first_contact=event.first_contact, summary=event.summary,
            regulator_case=event.regulator_case, needs_triage=event.needs_triage, proxy_case=event.proxy_case,
            received_at=to_timestamp(event.received_at), category_confidence=event.category_confidence,
            category_candidates=[common_pb2.CategoryCandidate(category=name, confidence=confidence)
                                 for name, confidence in event.category_candidates])
        if complaint is not None and complaint.submission_id == event.submission_id:
            message.customer.phone, message.customer.name = complaint.customer.phone, complaint.customer.name
            message.customer.notifications_opted_out = complaint.customer.notifications_opted_out
            message.attributes.update(dict(complaint.attributes))
            if complaint.HasField("promised_reply_at"):
                message.promised_reply_at.CopyFrom(complaint.promised_reply_at)
        return message
    if isinstance(event, ev.SubmissionLinked):
        return case_events_pb2.SubmissionLinked(
            case_id=event.case_id, submission_id=event.submission_id,
            channel=common_pb2.Channel.Value(f"CHANNEL_{event.channel}"), contact_count=event.contact_count,
            regulator_risk=event.regulator_risk, received_at=to_timestamp(event.received_at),
            merge_reason=event.merge_reason)
    if isinstance(event, ev.ProxyCaseRaised):
        return case_events_pb2.ProxyCaseRaised(case_id=event.case_id, region=event.region, category=event.category,
                                               member_case_ids=list(event.member_case_ids))
    if isinstance(event, ev.ProxyMemberLinked):
        return case_events_pb2.ProxyMemberLinked(case_id=event.case_id, member_case_id=event.member_case_id)
    if isinstance(event, ev.SubmissionSplit):
        return case_events_pb2.SubmissionSplit(case_id=event.case_id, new_case_id=event.new_case_id,
                                               submission_id=event.submission_id, operator=event.operator,
                                               reason=event.reason)
    return None  # e.g. ProxyIncidentClosed: history only in the v1 contract
