import datetime

from complaints.v1 import common_pb2 as _common_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CaseView(_message.Message):
    __slots__ = ("case_id", "status", "customer_id", "category", "severity", "tier", "priority", "region", "channels", "contact_count", "owner", "current_deadline", "escalation_level", "overdue", "regulator_case", "regulator_risk", "needs_triage", "category_rule", "proxy_case_id", "proxy_case", "registered_at", "updated_at", "category_confidence", "category_candidates")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    CONTACT_COUNT_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    CURRENT_DEADLINE_FIELD_NUMBER: _ClassVar[int]
    ESCALATION_LEVEL_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_FIELD_NUMBER: _ClassVar[int]
    REGULATOR_CASE_FIELD_NUMBER: _ClassVar[int]
    REGULATOR_RISK_FIELD_NUMBER: _ClassVar[int]
    NEEDS_TRIAGE_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_RULE_FIELD_NUMBER: _ClassVar[int]
    PROXY_CASE_ID_FIELD_NUMBER: _ClassVar[int]
    PROXY_CASE_FIELD_NUMBER: _ClassVar[int]
    REGISTERED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    status: _common_pb2.CaseStatus
    customer_id: str
    category: str
    severity: int
    tier: int
    priority: int
    region: str
    channels: _containers.RepeatedScalarFieldContainer[_common_pb2.Channel]
    contact_count: int
    owner: str
    current_deadline: _timestamp_pb2.Timestamp
    escalation_level: int
    overdue: bool
    regulator_case: bool
    regulator_risk: float
    needs_triage: bool
    category_rule: str
    proxy_case_id: str
    proxy_case: bool
    registered_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    category_confidence: float
    category_candidates: _containers.RepeatedCompositeFieldContainer[_common_pb2.CategoryCandidate]
    def __init__(self, case_id: _Optional[str] = ..., status: _Optional[_Union[_common_pb2.CaseStatus, str]] = ..., customer_id: _Optional[str] = ..., category: _Optional[str] = ..., severity: _Optional[int] = ..., tier: _Optional[int] = ..., priority: _Optional[int] = ..., region: _Optional[str] = ..., channels: _Optional[_Iterable[_Union[_common_pb2.Channel, str]]] = ..., contact_count: _Optional[int] = ..., owner: _Optional[str] = ..., current_deadline: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., escalation_level: _Optional[int] = ..., overdue: _Optional[bool] = ..., regulator_case: _Optional[bool] = ..., regulator_risk: _Optional[float] = ..., needs_triage: _Optional[bool] = ..., category_rule: _Optional[str] = ..., proxy_case_id: _Optional[str] = ..., proxy_case: _Optional[bool] = ..., registered_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., category_confidence: _Optional[float] = ..., category_candidates: _Optional[_Iterable[_Union[_common_pb2.CategoryCandidate, _Mapping]]] = ...) -> None: ...

class SubmissionView(_message.Message):
    __slots__ = ("submission_id", "channel", "case_id", "received_at", "summary", "first_contact", "merge_reason")
    SUBMISSION_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    FIRST_CONTACT_FIELD_NUMBER: _ClassVar[int]
    MERGE_REASON_FIELD_NUMBER: _ClassVar[int]
    submission_id: str
    channel: _common_pb2.Channel
    case_id: str
    received_at: _timestamp_pb2.Timestamp
    summary: str
    first_contact: str
    merge_reason: str
    def __init__(self, submission_id: _Optional[str] = ..., channel: _Optional[_Union[_common_pb2.Channel, str]] = ..., case_id: _Optional[str] = ..., received_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., summary: _Optional[str] = ..., first_contact: _Optional[str] = ..., merge_reason: _Optional[str] = ...) -> None: ...

class GetCaseRequest(_message.Message):
    __slots__ = ("case_id", "channel", "submission_id")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    SUBMISSION_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    channel: _common_pb2.Channel
    submission_id: str
    def __init__(self, case_id: _Optional[str] = ..., channel: _Optional[_Union[_common_pb2.Channel, str]] = ..., submission_id: _Optional[str] = ...) -> None: ...

class GetCaseResponse(_message.Message):
    __slots__ = ("case",)
    CASE_FIELD_NUMBER: _ClassVar[int]
    case: CaseView
    def __init__(self, case: _Optional[_Union[CaseView, _Mapping]] = ...) -> None: ...

class ListCustomerCasesRequest(_message.Message):
    __slots__ = ("customer_id", "page")
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    customer_id: str
    page: _common_pb2.PageRequest
    def __init__(self, customer_id: _Optional[str] = ..., page: _Optional[_Union[_common_pb2.PageRequest, _Mapping]] = ...) -> None: ...

class ListCustomerCasesResponse(_message.Message):
    __slots__ = ("cases", "next_page_token")
    CASES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    cases: _containers.RepeatedCompositeFieldContainer[CaseView]
    next_page_token: str
    def __init__(self, cases: _Optional[_Iterable[_Union[CaseView, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListSubmissionsRequest(_message.Message):
    __slots__ = ("case_id",)
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    def __init__(self, case_id: _Optional[str] = ...) -> None: ...

class ListSubmissionsResponse(_message.Message):
    __slots__ = ("submissions",)
    SUBMISSIONS_FIELD_NUMBER: _ClassVar[int]
    submissions: _containers.RepeatedCompositeFieldContainer[SubmissionView]
    def __init__(self, submissions: _Optional[_Iterable[_Union[SubmissionView, _Mapping]]] = ...) -> None: ...

class SearchCasesRequest(_message.Message):
    __slots__ = ("region", "category", "channel", "status", "registered_from", "registered_to", "page", "overdue")
    REGION_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    REGISTERED_FROM_FIELD_NUMBER: _ClassVar[int]
    REGISTERED_TO_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_FIELD_NUMBER: _ClassVar[int]
    region: str
    category: str
    channel: _common_pb2.Channel
    status: _common_pb2.CaseStatus
    registered_from: _timestamp_pb2.Timestamp
    registered_to: _timestamp_pb2.Timestamp
    page: _common_pb2.PageRequest
    overdue: bool
    def __init__(self, region: _Optional[str] = ..., category: _Optional[str] = ..., channel: _Optional[_Union[_common_pb2.Channel, str]] = ..., status: _Optional[_Union[_common_pb2.CaseStatus, str]] = ..., registered_from: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., registered_to: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., page: _Optional[_Union[_common_pb2.PageRequest, _Mapping]] = ..., overdue: _Optional[bool] = ...) -> None: ...

class SearchCasesResponse(_message.Message):
    __slots__ = ("cases", "next_page_token")
    CASES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    cases: _containers.RepeatedCompositeFieldContainer[CaseView]
    next_page_token: str
    def __init__(self, cases: _Optional[_Iterable[_Union[CaseView, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListProxyMembersRequest(_message.Message):
    __slots__ = ("case_id",)
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    def __init__(self, case_id: _Optional[str] = ...) -> None: ...

class ListProxyMembersResponse(_message.Message):
    __slots__ = ("member_case_ids",)
    MEMBER_CASE_IDS_FIELD_NUMBER: _ClassVar[int]
    member_case_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, member_case_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class SplitSubmissionRequest(_message.Message):
    __slots__ = ("case_id", "channel", "submission_id", "operator", "reason", "request_id")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    SUBMISSION_ID_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    channel: _common_pb2.Channel
    submission_id: str
    operator: str
    reason: str
    request_id: str
    def __init__(self, case_id: _Optional[str] = ..., channel: _Optional[_Union[_common_pb2.Channel, str]] = ..., submission_id: _Optional[str] = ..., operator: _Optional[str] = ..., reason: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class SplitSubmissionResponse(_message.Message):
    __slots__ = ("new_case",)
    NEW_CASE_FIELD_NUMBER: _ClassVar[int]
    new_case: CaseView
    def __init__(self, new_case: _Optional[_Union[CaseView, _Mapping]] = ...) -> None: ...

class SummariseCasesRequest(_message.Message):
    __slots__ = ("registered_from", "registered_to", "day_from")
    REGISTERED_FROM_FIELD_NUMBER: _ClassVar[int]
    REGISTERED_TO_FIELD_NUMBER: _ClassVar[int]
    DAY_FROM_FIELD_NUMBER: _ClassVar[int]
    registered_from: _timestamp_pb2.Timestamp
    registered_to: _timestamp_pb2.Timestamp
    day_from: _timestamp_pb2.Timestamp
    def __init__(self, registered_from: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., registered_to: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., day_from: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ChannelCount(_message.Message):
    __slots__ = ("channel", "cases")
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    CASES_FIELD_NUMBER: _ClassVar[int]
    channel: _common_pb2.Channel
    cases: int
    def __init__(self, channel: _Optional[_Union[_common_pb2.Channel, str]] = ..., cases: _Optional[int] = ...) -> None: ...

class StatusCount(_message.Message):
    __slots__ = ("status", "cases")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    CASES_FIELD_NUMBER: _ClassVar[int]
    status: _common_pb2.CaseStatus
    cases: int
    def __init__(self, status: _Optional[_Union[_common_pb2.CaseStatus, str]] = ..., cases: _Optional[int] = ...) -> None: ...

class SummariseCasesResponse(_message.Message):
    __slots__ = ("registered", "by_channel", "open_by_status", "overdue_now", "registered_day", "day_by_channel")
    REGISTERED_FIELD_NUMBER: _ClassVar[int]
    BY_CHANNEL_FIELD_NUMBER: _ClassVar[int]
    OPEN_BY_STATUS_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_NOW_FIELD_NUMBER: _ClassVar[int]
    REGISTERED_DAY_FIELD_NUMBER: _ClassVar[int]
    DAY_BY_CHANNEL_FIELD_NUMBER: _ClassVar[int]
    registered: int
    by_channel: _containers.RepeatedCompositeFieldContainer[ChannelCount]
    open_by_status: _containers.RepeatedCompositeFieldContainer[StatusCount]
    overdue_now: int
    registered_day: int
    day_by_channel: _containers.RepeatedCompositeFieldContainer[ChannelCount]
    def __init__(self, registered: _Optional[int] = ..., by_channel: _Optional[_Iterable[_Union[ChannelCount, _Mapping]]] = ..., open_by_status: _Optional[_Iterable[_Union[StatusCount, _Mapping]]] = ..., overdue_now: _Optional[int] = ..., registered_day: _Optional[int] = ..., day_by_channel: _Optional[_Iterable[_Union[ChannelCount, _Mapping]]] = ...) -> None: ...

class ListMentionsRequest(_message.Message):
    __slots__ = ("region", "category", "posted_from", "posted_to", "page")
    REGION_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    POSTED_FROM_FIELD_NUMBER: _ClassVar[int]
    POSTED_TO_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    region: str
    category: str
    posted_from: _timestamp_pb2.Timestamp
    posted_to: _timestamp_pb2.Timestamp
    page: _common_pb2.PageRequest
    def __init__(self, region: _Optional[str] = ..., category: _Optional[str] = ..., posted_from: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., posted_to: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., page: _Optional[_Union[_common_pb2.PageRequest, _Mapping]] = ...) -> None: ...

class MentionView(_message.Message):
    __slots__ = ("mention_id", "platform", "text", "url", "region", "category", "category_rule", "posted_at", "proxy_case_id")
    MENTION_ID_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_RULE_FIELD_NUMBER: _ClassVar[int]
    POSTED_AT_FIELD_NUMBER: _ClassVar[int]
    PROXY_CASE_ID_FIELD_NUMBER: _ClassVar[int]
    mention_id: str
    platform: str
    text: str
    url: str
    region: str
    category: str
    category_rule: str
    posted_at: _timestamp_pb2.Timestamp
    proxy_case_id: str
    def __init__(self, mention_id: _Optional[str] = ..., platform: _Optional[str] = ..., text: _Optional[str] = ..., url: _Optional[str] = ..., region: _Optional[str] = ..., category: _Optional[str] = ..., category_rule: _Optional[str] = ..., posted_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., proxy_case_id: _Optional[str] = ...) -> None: ...

class ListMentionsResponse(_message.Message):
    __slots__ = ("mentions", "next_page_token")
    MENTIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    mentions: _containers.RepeatedCompositeFieldContainer[MentionView]
    next_page_token: str
    def __init__(self, mentions: _Optional[_Iterable[_Union[MentionView, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...
