import datetime

from complaints.v1 import common_pb2 as _common_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class FeedbackKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FEEDBACK_KIND_UNSPECIFIED: _ClassVar[FeedbackKind]
    FEEDBACK_KIND_ACCEPTED: _ClassVar[FeedbackKind]
    FEEDBACK_KIND_PROGRESS: _ClassVar[FeedbackKind]
    FEEDBACK_KIND_REPLIED: _ClassVar[FeedbackKind]
    FEEDBACK_KIND_RETURNED: _ClassVar[FeedbackKind]
    FEEDBACK_KIND_CUSTOMER_REPLIED: _ClassVar[FeedbackKind]
    FEEDBACK_KIND_AWAITING_CUSTOMER: _ClassVar[FeedbackKind]
    FEEDBACK_KIND_CUSTOMER_RESPONDED: _ClassVar[FeedbackKind]

class RatingResult(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RATING_RESULT_UNSPECIFIED: _ClassVar[RatingResult]
    RATING_RESULT_SATISFIED: _ClassVar[RatingResult]
    RATING_RESULT_DISSATISFIED: _ClassVar[RatingResult]

class CallbackOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CALLBACK_OUTCOME_UNSPECIFIED: _ClassVar[CallbackOutcome]
    CALLBACK_OUTCOME_SATISFIED: _ClassVar[CallbackOutcome]
    CALLBACK_OUTCOME_UNSATISFIED: _ClassVar[CallbackOutcome]
    CALLBACK_OUTCOME_UNREACHABLE: _ClassVar[CallbackOutcome]

class CapaKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CAPA_KIND_UNSPECIFIED: _ClassVar[CapaKind]
    CAPA_KIND_RESPONSIBILITY: _ClassVar[CapaKind]
    CAPA_KIND_CORRECTIVE_ACTION: _ClassVar[CapaKind]
    CAPA_KIND_PREVENTIVE_ACTION: _ClassVar[CapaKind]
    CAPA_KIND_ACTION_COMPLETED: _ClassVar[CapaKind]
    CAPA_KIND_ACTION_VERIFIED: _ClassVar[CapaKind]
FEEDBACK_KIND_UNSPECIFIED: FeedbackKind
FEEDBACK_KIND_ACCEPTED: FeedbackKind
FEEDBACK_KIND_PROGRESS: FeedbackKind
FEEDBACK_KIND_REPLIED: FeedbackKind
FEEDBACK_KIND_RETURNED: FeedbackKind
FEEDBACK_KIND_CUSTOMER_REPLIED: FeedbackKind
FEEDBACK_KIND_AWAITING_CUSTOMER: FeedbackKind
FEEDBACK_KIND_CUSTOMER_RESPONDED: FeedbackKind
RATING_RESULT_UNSPECIFIED: RatingResult
RATING_RESULT_SATISFIED: RatingResult
RATING_RESULT_DISSATISFIED: RatingResult
CALLBACK_OUTCOME_UNSPECIFIED: CallbackOutcome
CALLBACK_OUTCOME_SATISFIED: CallbackOutcome
CALLBACK_OUTCOME_UNSATISFIED: CallbackOutcome
CALLBACK_OUTCOME_UNREACHABLE: CallbackOutcome
CAPA_KIND_UNSPECIFIED: CapaKind
CAPA_KIND_RESPONSIBILITY: CapaKind
CAPA_KIND_CORRECTIVE_ACTION: CapaKind
CAPA_KIND_PREVENTIVE_ACTION: CapaKind
CAPA_KIND_ACTION_COMPLETED: CapaKind
CAPA_KIND_ACTION_VERIFIED: CapaKind

class ComplaintSubmitted(_message.Message):
    __slots__ = ("submission_id", "channel", "customer", "category", "summary", "received_at", "first_contact", "attributes", "promised_reply_at")
    class AttributesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    SUBMISSION_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    FIRST_CONTACT_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    PROMISED_REPLY_AT_FIELD_NUMBER: _ClassVar[int]
    submission_id: str
    channel: _common_pb2.Channel
    customer: _common_pb2.Customer
    category: str
    summary: str
    received_at: _timestamp_pb2.Timestamp
    first_contact: str
    attributes: _containers.ScalarMap[str, str]
    promised_reply_at: _timestamp_pb2.Timestamp
    def __init__(self, submission_id: _Optional[str] = ..., channel: _Optional[_Union[_common_pb2.Channel, str]] = ..., customer: _Optional[_Union[_common_pb2.Customer, _Mapping]] = ..., category: _Optional[str] = ..., summary: _Optional[str] = ..., received_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., first_contact: _Optional[str] = ..., attributes: _Optional[_Mapping[str, str]] = ..., promised_reply_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SocialMention(_message.Message):
    __slots__ = ("mention_id", "platform", "author", "text", "posted_at", "url", "region", "customer", "attributes")
    class AttributesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    MENTION_ID_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    POSTED_AT_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    mention_id: str
    platform: str
    author: str
    text: str
    posted_at: _timestamp_pb2.Timestamp
    url: str
    region: str
    customer: _common_pb2.Customer
    attributes: _containers.ScalarMap[str, str]
    def __init__(self, mention_id: _Optional[str] = ..., platform: _Optional[str] = ..., author: _Optional[str] = ..., text: _Optional[str] = ..., posted_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., url: _Optional[str] = ..., region: _Optional[str] = ..., customer: _Optional[_Union[_common_pb2.Customer, _Mapping]] = ..., attributes: _Optional[_Mapping[str, str]] = ...) -> None: ...

class WorkOrderFeedback(_message.Message):
    __slots__ = ("feedback_id", "case_id", "work_order_id", "kind", "department", "text", "company_at_fault", "reported_at", "reported_by")
    FEEDBACK_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    WORK_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    COMPANY_AT_FAULT_FIELD_NUMBER: _ClassVar[int]
    REPORTED_AT_FIELD_NUMBER: _ClassVar[int]
    REPORTED_BY_FIELD_NUMBER: _ClassVar[int]
    feedback_id: str
    case_id: str
    work_order_id: str
    kind: FeedbackKind
    department: str
    text: str
    company_at_fault: _common_pb2.CompanyFault
    reported_at: _timestamp_pb2.Timestamp
    reported_by: str
    def __init__(self, feedback_id: _Optional[str] = ..., case_id: _Optional[str] = ..., work_order_id: _Optional[str] = ..., kind: _Optional[_Union[FeedbackKind, str]] = ..., department: _Optional[str] = ..., text: _Optional[str] = ..., company_at_fault: _Optional[_Union[_common_pb2.CompanyFault, str]] = ..., reported_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., reported_by: _Optional[str] = ...) -> None: ...

class ServiceRating(_message.Message):
    __slots__ = ("rating_id", "case_id", "agent_id", "result", "score", "comment", "rated_at")
    RATING_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    RATED_AT_FIELD_NUMBER: _ClassVar[int]
    rating_id: str
    case_id: str
    agent_id: str
    result: RatingResult
    score: int
    comment: str
    rated_at: _timestamp_pb2.Timestamp
    def __init__(self, rating_id: _Optional[str] = ..., case_id: _Optional[str] = ..., agent_id: _Optional[str] = ..., result: _Optional[_Union[RatingResult, str]] = ..., score: _Optional[int] = ..., comment: _Optional[str] = ..., rated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class AgentExplanation(_message.Message):
    __slots__ = ("explanation_id", "case_id", "rating_id", "agent_id", "text", "explained_at")
    EXPLANATION_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    RATING_ID_FIELD_NUMBER: _ClassVar[int]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    EXPLAINED_AT_FIELD_NUMBER: _ClassVar[int]
    explanation_id: str
    case_id: str
    rating_id: str
    agent_id: str
    text: str
    explained_at: _timestamp_pb2.Timestamp
    def __init__(self, explanation_id: _Optional[str] = ..., case_id: _Optional[str] = ..., rating_id: _Optional[str] = ..., agent_id: _Optional[str] = ..., text: _Optional[str] = ..., explained_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CallbackResult(_message.Message):
    __slots__ = ("callback_id", "case_id", "outcome", "reason", "called_at", "agent_id")
    CALLBACK_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    CALLED_AT_FIELD_NUMBER: _ClassVar[int]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    callback_id: str
    case_id: str
    outcome: CallbackOutcome
    reason: str
    called_at: _timestamp_pb2.Timestamp
    agent_id: str
    def __init__(self, callback_id: _Optional[str] = ..., case_id: _Optional[str] = ..., outcome: _Optional[_Union[CallbackOutcome, str]] = ..., reason: _Optional[str] = ..., called_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., agent_id: _Optional[str] = ...) -> None: ...

class CapaAction(_message.Message):
    __slots__ = ("action_id", "description", "owner", "due_at", "evidence")
    ACTION_ID_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    DUE_AT_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    action_id: str
    description: str
    owner: str
    due_at: _timestamp_pb2.Timestamp
    evidence: str
    def __init__(self, action_id: _Optional[str] = ..., description: _Optional[str] = ..., owner: _Optional[str] = ..., due_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., evidence: _Optional[str] = ...) -> None: ...

class CapaReport(_message.Message):
    __slots__ = ("report_id", "case_id", "kind", "responsible_unit", "root_cause_class", "company_at_fault", "action", "reported_at", "reported_by")
    REPORT_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    RESPONSIBLE_UNIT_FIELD_NUMBER: _ClassVar[int]
    ROOT_CAUSE_CLASS_FIELD_NUMBER: _ClassVar[int]
    COMPANY_AT_FAULT_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    REPORTED_AT_FIELD_NUMBER: _ClassVar[int]
    REPORTED_BY_FIELD_NUMBER: _ClassVar[int]
    report_id: str
    case_id: str
    kind: CapaKind
    responsible_unit: str
    root_cause_class: str
    company_at_fault: _common_pb2.CompanyFault
    action: CapaAction
    reported_at: _timestamp_pb2.Timestamp
    reported_by: str
    def __init__(self, report_id: _Optional[str] = ..., case_id: _Optional[str] = ..., kind: _Optional[_Union[CapaKind, str]] = ..., responsible_unit: _Optional[str] = ..., root_cause_class: _Optional[str] = ..., company_at_fault: _Optional[_Union[_common_pb2.CompanyFault, str]] = ..., action: _Optional[_Union[CapaAction, _Mapping]] = ..., reported_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., reported_by: _Optional[str] = ...) -> None: ...
