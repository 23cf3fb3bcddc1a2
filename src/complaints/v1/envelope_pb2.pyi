import datetime

from complaints.v1 import case_events_pb2 as _case_events_pb2
from complaints.v1 import customer_notifications_pb2 as _customer_notifications_pb2
from complaints.v1 import inbound_pb2 as _inbound_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Envelope(_message.Message):
    __slots__ = ("event_id", "event_type", "case_id", "occurred_at", "producer", "causation_id", "complaint_submitted", "social_mention", "work_order_feedback", "service_rating", "agent_explanation", "callback_result", "capa_report", "case_registered", "submission_linked", "proxy_case_raised", "proxy_member_linked", "submission_split", "owner_assigned", "work_order_dispatched", "work_order_accepted", "work_order_replied", "work_order_returned", "case_resolved", "work_order_awaiting_customer", "work_order_customer_responded", "deadline_set", "deadline_warned", "deadline_breached", "case_escalated", "supervision_opened", "risk_threshold_crossed", "deadline_stopped", "deadline_paused", "deadline_resumed", "case_urged", "verification_opened", "responsibility_determined", "corrective_action_due", "action_verified", "recurrence_detected", "case_closed", "case_reopened", "customer_notification")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    PRODUCER_FIELD_NUMBER: _ClassVar[int]
    CAUSATION_ID_FIELD_NUMBER: _ClassVar[int]
    COMPLAINT_SUBMITTED_FIELD_NUMBER: _ClassVar[int]
    SOCIAL_MENTION_FIELD_NUMBER: _ClassVar[int]
    WORK_ORDER_FEEDBACK_FIELD_NUMBER: _ClassVar[int]
    SERVICE_RATING_FIELD_NUMBER: _ClassVar[int]
    AGENT_EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    CALLBACK_RESULT_FIELD_NUMBER: _ClassVar[int]
    CAPA_REPORT_FIELD_NUMBER: _ClassVar[int]
    CASE_REGISTERED_FIELD_NUMBER: _ClassVar[int]
    SUBMISSION_LINKED_FIELD_NUMBER: _ClassVar[int]
    PROXY_CASE_RAISED_FIELD_NUMBER: _ClassVar[int]
    PROXY_MEMBER_LINKED_FIELD_NUMBER: _ClassVar[int]
    SUBMISSION_SPLIT_FIELD_NUMBER: _ClassVar[int]
    OWNER_ASSIGNED_FIELD_NUMBER: _ClassVar[int]
    WORK_ORDER_DISPATCHED_FIELD_NUMBER: _ClassVar[int]
    WORK_ORDER_ACCEPTED_FIELD_NUMBER: _ClassVar[int]
    WORK_ORDER_REPLIED_FIELD_NUMBER: _ClassVar[int]
    WORK_ORDER_RETURNED_FIELD_NUMBER: _ClassVar[int]
    CASE_RESOLVED_FIELD_NUMBER: _ClassVar[int]
    WORK_ORDER_AWAITING_CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    WORK_ORDER_CUSTOMER_RESPONDED_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_SET_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_WARNED_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_BREACHED_FIELD_NUMBER: _ClassVar[int]
    CASE_ESCALATED_FIELD_NUMBER: _ClassVar[int]
    SUPERVISION_OPENED_FIELD_NUMBER: _ClassVar[int]
    RISK_THRESHOLD_CROSSED_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_STOPPED_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_PAUSED_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_RESUMED_FIELD_NUMBER: _ClassVar[int]
    CASE_URGED_FIELD_NUMBER: _ClassVar[int]
    VERIFICATION_OPENED_FIELD_NUMBER: _ClassVar[int]
    RESPONSIBILITY_DETERMINED_FIELD_NUMBER: _ClassVar[int]
    CORRECTIVE_ACTION_DUE_FIELD_NUMBER: _ClassVar[int]
    ACTION_VERIFIED_FIELD_NUMBER: _ClassVar[int]
    RECURRENCE_DETECTED_FIELD_NUMBER: _ClassVar[int]
    CASE_CLOSED_FIELD_NUMBER: _ClassVar[int]
    CASE_REOPENED_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_NOTIFICATION_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    event_type: str
    case_id: str
    occurred_at: _timestamp_pb2.Timestamp
    producer: str
    causation_id: str
    complaint_submitted: _inbound_pb2.ComplaintSubmitted
    social_mention: _inbound_pb2.SocialMention
    work_order_feedback: _inbound_pb2.WorkOrderFeedback
    service_rating: _inbound_pb2.ServiceRating
    agent_explanation: _inbound_pb2.AgentExplanation
    callback_result: _inbound_pb2.CallbackResult
    capa_report: _inbound_pb2.CapaReport
    case_registered: _case_events_pb2.CaseRegistered
    submission_linked: _case_events_pb2.SubmissionLinked
    proxy_case_raised: _case_events_pb2.ProxyCaseRaised
    proxy_member_linked: _case_events_pb2.ProxyMemberLinked
    submission_split: _case_events_pb2.SubmissionSplit
    owner_assigned: _case_events_pb2.OwnerAssigned
    work_order_dispatched: _case_events_pb2.WorkOrderDispatched
    work_order_accepted: _case_events_pb2.WorkOrderAccepted
    work_order_replied: _case_events_pb2.WorkOrderReplied
    work_order_returned: _case_events_pb2.WorkOrderReturned
    case_resolved: _case_events_pb2.CaseResolved
    work_order_awaiting_customer: _case_events_pb2.WorkOrderAwaitingCustomer
    work_order_customer_responded: _case_events_pb2.WorkOrderCustomerResponded
    deadline_set: _case_events_pb2.DeadlineSet
    deadline_warned: _case_events_pb2.DeadlineWarned
    deadline_breached: _case_events_pb2.DeadlineBreached
    case_escalated: _case_events_pb2.CaseEscalated
    supervision_opened: _case_events_pb2.SupervisionOpened
    risk_threshold_crossed: _case_events_pb2.RiskThresholdCrossed
    deadline_stopped: _case_events_pb2.DeadlineStopped
    deadline_paused: _case_events_pb2.DeadlinePaused
    deadline_resumed: _case_events_pb2.DeadlineResumed
    case_urged: _case_events_pb2.CaseUrged
    verification_opened: _case_events_pb2.VerificationOpened
    responsibility_determined: _case_events_pb2.ResponsibilityDetermined
    corrective_action_due: _case_events_pb2.CorrectiveActionDue
    action_verified: _case_events_pb2.ActionVerified
    recurrence_detected: _case_events_pb2.RecurrenceDetected
    case_closed: _case_events_pb2.CaseClosed
    case_reopened: _case_events_pb2.CaseReopened
    customer_notification: _customer_notifications_pb2.CustomerNotification
    def __init__(self, event_id: _Optional[str] = ..., event_type: _Optional[str] = ..., case_id: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., producer: _Optional[str] = ..., causation_id: _Optional[str] = ..., complaint_submitted: _Optional[_Union[_inbound_pb2.ComplaintSubmitted, _Mapping]] = ..., social_mention: _Optional[_Union[_inbound_pb2.SocialMention, _Mapping]] = ..., work_order_feedback: _Optional[_Union[_inbound_pb2.WorkOrderFeedback, _Mapping]] = ..., service_rating: _Optional[_Union[_inbound_pb2.ServiceRating, _Mapping]] = ..., agent_explanation: _Optional[_Union[_inbound_pb2.AgentExplanation, _Mapping]] = ..., callback_result: _Optional[_Union[_inbound_pb2.CallbackResult, _Mapping]] = ..., capa_report: _Optional[_Union[_inbound_pb2.CapaReport, _Mapping]] = ..., case_registered: _Optional[_Union[_case_events_pb2.CaseRegistered, _Mapping]] = ..., submission_linked: _Optional[_Union[_case_events_pb2.SubmissionLinked, _Mapping]] = ..., proxy_case_raised: _Optional[_Union[_case_events_pb2.ProxyCaseRaised, _Mapping]] = ..., proxy_member_linked: _Optional[_Union[_case_events_pb2.ProxyMemberLinked, _Mapping]] = ..., submission_split: _Optional[_Union[_case_events_pb2.SubmissionSplit, _Mapping]] = ..., owner_assigned: _Optional[_Union[_case_events_pb2.OwnerAssigned, _Mapping]] = ..., work_order_dispatched: _Optional[_Union[_case_events_pb2.WorkOrderDispatched, _Mapping]] = ..., work_order_accepted: _Optional[_Union[_case_events_pb2.WorkOrderAccepted, _Mapping]] = ..., work_order_replied: _Optional[_Union[_case_events_pb2.WorkOrderReplied, _Mapping]] = ..., work_order_returned: _Optional[_Union[_case_events_pb2.WorkOrderReturned, _Mapping]] = ..., case_resolved: _Optional[_Union[_case_events_pb2.CaseResolved, _Mapping]] = ..., work_order_awaiting_customer: _Optional[_Union[_case_events_pb2.WorkOrderAwaitingCustomer, _Mapping]] = ..., work_order_customer_responded: _Optional[_Union[_case_events_pb2.WorkOrderCustomerResponded, _Mapping]] = ..., deadline_set: _Optional[_Union[_case_events_pb2.DeadlineSet, _Mapping]] = ..., deadline_warned: _Optional[_Union[_case_events_pb2.DeadlineWarned, _Mapping]] = ..., deadline_breached: _Optional[_Union[_case_events_pb2.DeadlineBreached, _Mapping]] = ..., case_escalated: _Optional[_Union[_case_events_pb2.CaseEscalated, _Mapping]] = ..., supervision_opened: _Optional[_Union[_case_events_pb2.SupervisionOpened, _Mapping]] = ..., risk_threshold_crossed: _Optional[_Union[_case_events_pb2.RiskThresholdCrossed, _Mapping]] = ..., deadline_stopped: _Optional[_Union[_case_events_pb2.DeadlineStopped, _Mapping]] = ..., deadline_paused: _Optional[_Union[_case_events_pb2.DeadlinePaused, _Mapping]] = ..., deadline_resumed: _Optional[_Union[_case_events_pb2.DeadlineResumed, _Mapping]] = ..., case_urged: _Optional[_Union[_case_events_pb2.CaseUrged, _Mapping]] = ..., verification_opened: _Optional[_Union[_case_events_pb2.VerificationOpened, _Mapping]] = ..., responsibility_determined: _Optional[_Union[_case_events_pb2.ResponsibilityDetermined, _Mapping]] = ..., corrective_action_due: _Optional[_Union[_case_events_pb2.CorrectiveActionDue, _Mapping]] = ..., action_verified: _Optional[_Union[_case_events_pb2.ActionVerified, _Mapping]] = ..., recurrence_detected: _Optional[_Union[_case_events_pb2.RecurrenceDetected, _Mapping]] = ..., case_closed: _Optional[_Union[_case_events_pb2.CaseClosed, _Mapping]] = ..., case_reopened: _Optional[_Union[_case_events_pb2.CaseReopened, _Mapping]] = ..., customer_notification: _Optional[_Union[_customer_notifications_pb2.CustomerNotification, _Mapping]] = ...) -> None: ...

class DeadLetter(_message.Message):
    __slots__ = ("source_topic", "source_partition", "source_offset", "original_value", "original_key", "reason", "rejected_by", "rejected_at", "content_type")
    SOURCE_TOPIC_FIELD_NUMBER: _ClassVar[int]
    SOURCE_PARTITION_FIELD_NUMBER: _ClassVar[int]
    SOURCE_OFFSET_FIELD_NUMBER: _ClassVar[int]
    ORIGINAL_VALUE_FIELD_NUMBER: _ClassVar[int]
    ORIGINAL_KEY_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REJECTED_BY_FIELD_NUMBER: _ClassVar[int]
    REJECTED_AT_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    source_topic: str
    source_partition: int
    source_offset: int
    original_value: bytes
    original_key: bytes
    reason: str
    rejected_by: str
    rejected_at: _timestamp_pb2.Timestamp
    content_type: str
    def __init__(self, source_topic: _Optional[str] = ..., source_partition: _Optional[int] = ..., source_offset: _Optional[int] = ..., original_value: _Optional[bytes] = ..., original_key: _Optional[bytes] = ..., reason: _Optional[str] = ..., rejected_by: _Optional[str] = ..., rejected_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., content_type: _Optional[str] = ...) -> None: ...
