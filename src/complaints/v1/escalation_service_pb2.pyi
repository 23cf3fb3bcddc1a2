import datetime

from complaints.v1 import case_events_pb2 as _case_events_pb2
from complaints.v1 import common_pb2 as _common_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DeadlineState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DEADLINE_STATE_UNSPECIFIED: _ClassVar[DeadlineState]
    DEADLINE_STATE_OPEN: _ClassVar[DeadlineState]
    DEADLINE_STATE_WARNED: _ClassVar[DeadlineState]
    DEADLINE_STATE_BREACHED: _ClassVar[DeadlineState]
    DEADLINE_STATE_MET: _ClassVar[DeadlineState]
    DEADLINE_STATE_CANCELLED: _ClassVar[DeadlineState]
    DEADLINE_STATE_PAUSED: _ClassVar[DeadlineState]

class BulletinPeriod(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    BULLETIN_PERIOD_UNSPECIFIED: _ClassVar[BulletinPeriod]
    BULLETIN_PERIOD_DAILY: _ClassVar[BulletinPeriod]
    BULLETIN_PERIOD_WEEKLY: _ClassVar[BulletinPeriod]
    BULLETIN_PERIOD_MONTHLY: _ClassVar[BulletinPeriod]
DEADLINE_STATE_UNSPECIFIED: DeadlineState
DEADLINE_STATE_OPEN: DeadlineState
DEADLINE_STATE_WARNED: DeadlineState
DEADLINE_STATE_BREACHED: DeadlineState
DEADLINE_STATE_MET: DeadlineState
DEADLINE_STATE_CANCELLED: DeadlineState
DEADLINE_STATE_PAUSED: DeadlineState
BULLETIN_PERIOD_UNSPECIFIED: BulletinPeriod
BULLETIN_PERIOD_DAILY: BulletinPeriod
BULLETIN_PERIOD_WEEKLY: BulletinPeriod
BULLETIN_PERIOD_MONTHLY: BulletinPeriod

class DeadlineView(_message.Message):
    __slots__ = ("deadline_id", "kind", "subject_id", "due_at", "state")
    DEADLINE_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    DUE_AT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    deadline_id: str
    kind: _case_events_pb2.DeadlineKind
    subject_id: str
    due_at: _timestamp_pb2.Timestamp
    state: DeadlineState
    def __init__(self, deadline_id: _Optional[str] = ..., kind: _Optional[_Union[_case_events_pb2.DeadlineKind, str]] = ..., subject_id: _Optional[str] = ..., due_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., state: _Optional[_Union[DeadlineState, str]] = ...) -> None: ...

class GetCaseSupervisionRequest(_message.Message):
    __slots__ = ("case_id",)
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    def __init__(self, case_id: _Optional[str] = ...) -> None: ...

class GetCaseSupervisionResponse(_message.Message):
    __slots__ = ("case_id", "deadlines", "escalation_level", "overdue", "regulator_risk", "supervised", "supervision")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    DEADLINES_FIELD_NUMBER: _ClassVar[int]
    ESCALATION_LEVEL_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_FIELD_NUMBER: _ClassVar[int]
    REGULATOR_RISK_FIELD_NUMBER: _ClassVar[int]
    SUPERVISED_FIELD_NUMBER: _ClassVar[int]
    SUPERVISION_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    deadlines: _containers.RepeatedCompositeFieldContainer[DeadlineView]
    escalation_level: int
    overdue: bool
    regulator_risk: float
    supervised: bool
    supervision: SupervisedCase
    def __init__(self, case_id: _Optional[str] = ..., deadlines: _Optional[_Iterable[_Union[DeadlineView, _Mapping]]] = ..., escalation_level: _Optional[int] = ..., overdue: _Optional[bool] = ..., regulator_risk: _Optional[float] = ..., supervised: _Optional[bool] = ..., supervision: _Optional[_Union[SupervisedCase, _Mapping]] = ...) -> None: ...

class ListAtRiskCasesRequest(_message.Message):
    __slots__ = ("limit",)
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    limit: int
    def __init__(self, limit: _Optional[int] = ...) -> None: ...

class AtRiskCase(_message.Message):
    __slots__ = ("case_id", "score", "region", "escalation_level")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    ESCALATION_LEVEL_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    score: float
    region: str
    escalation_level: int
    def __init__(self, case_id: _Optional[str] = ..., score: _Optional[float] = ..., region: _Optional[str] = ..., escalation_level: _Optional[int] = ...) -> None: ...

class ListAtRiskCasesResponse(_message.Message):
    __slots__ = ("cases",)
    CASES_FIELD_NUMBER: _ClassVar[int]
    cases: _containers.RepeatedCompositeFieldContainer[AtRiskCase]
    def __init__(self, cases: _Optional[_Iterable[_Union[AtRiskCase, _Mapping]]] = ...) -> None: ...

class ListSupervisedCasesRequest(_message.Message):
    __slots__ = ("page",)
    PAGE_FIELD_NUMBER: _ClassVar[int]
    page: _common_pb2.PageRequest
    def __init__(self, page: _Optional[_Union[_common_pb2.PageRequest, _Mapping]] = ...) -> None: ...

class Urging(_message.Message):
    __slots__ = ("by", "note", "at")
    BY_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    by: str
    note: str
    at: _timestamp_pb2.Timestamp
    def __init__(self, by: _Optional[str] = ..., note: _Optional[str] = ..., at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SupervisedCase(_message.Message):
    __slots__ = ("case_id", "supervisor", "since", "reason", "urgings")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    SUPERVISOR_FIELD_NUMBER: _ClassVar[int]
    SINCE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    URGINGS_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    supervisor: str
    since: _timestamp_pb2.Timestamp
    reason: str
    urgings: _containers.RepeatedCompositeFieldContainer[Urging]
    def __init__(self, case_id: _Optional[str] = ..., supervisor: _Optional[str] = ..., since: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., reason: _Optional[str] = ..., urgings: _Optional[_Iterable[_Union[Urging, _Mapping]]] = ...) -> None: ...

class ListSupervisedCasesResponse(_message.Message):
    __slots__ = ("cases", "next_page_token")
    CASES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    cases: _containers.RepeatedCompositeFieldContainer[SupervisedCase]
    next_page_token: str
    def __init__(self, cases: _Optional[_Iterable[_Union[SupervisedCase, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class MarkForSupervisionRequest(_message.Message):
    __slots__ = ("case_id", "supervisor", "reason", "request_id")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    SUPERVISOR_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    supervisor: str
    reason: str
    request_id: str
    def __init__(self, case_id: _Optional[str] = ..., supervisor: _Optional[str] = ..., reason: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class MarkForSupervisionResponse(_message.Message):
    __slots__ = ("entry",)
    ENTRY_FIELD_NUMBER: _ClassVar[int]
    entry: SupervisedCase
    def __init__(self, entry: _Optional[_Union[SupervisedCase, _Mapping]] = ...) -> None: ...

class UrgeRequest(_message.Message):
    __slots__ = ("case_id", "by", "note", "request_id")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    BY_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    by: str
    note: str
    request_id: str
    def __init__(self, case_id: _Optional[str] = ..., by: _Optional[str] = ..., note: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class UrgeResponse(_message.Message):
    __slots__ = ("entry",)
    ENTRY_FIELD_NUMBER: _ClassVar[int]
    entry: SupervisedCase
    def __init__(self, entry: _Optional[_Union[SupervisedCase, _Mapping]] = ...) -> None: ...

class RecordShiftLeaderFindingRequest(_message.Message):
    __slots__ = ("case_id", "agent_id", "finding", "yellow_card", "shift_leader", "request_id")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    FINDING_FIELD_NUMBER: _ClassVar[int]
    YELLOW_CARD_FIELD_NUMBER: _ClassVar[int]
    SHIFT_LEADER_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    agent_id: str
    finding: str
    yellow_card: bool
    shift_leader: str
    request_id: str
    def __init__(self, case_id: _Optional[str] = ..., agent_id: _Optional[str] = ..., finding: _Optional[str] = ..., yellow_card: _Optional[bool] = ..., shift_leader: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class RecordShiftLeaderFindingResponse(_message.Message):
    __slots__ = ("yellow_cards_this_month",)
    YELLOW_CARDS_THIS_MONTH_FIELD_NUMBER: _ClassVar[int]
    yellow_cards_this_month: int
    def __init__(self, yellow_cards_this_month: _Optional[int] = ...) -> None: ...

class GetBulletinRequest(_message.Message):
    __slots__ = ("period", "at")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    period: BulletinPeriod
    at: _timestamp_pb2.Timestamp
    def __init__(self, period: _Optional[_Union[BulletinPeriod, str]] = ..., at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetBulletinResponse(_message.Message):
    __slots__ = ("json",)
    JSON_FIELD_NUMBER: _ClassVar[int]
    json: str
    def __init__(self, json: _Optional[str] = ...) -> None: ...

class GetTimelineRequest(_message.Message):
    __slots__ = ("case_id",)
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    def __init__(self, case_id: _Optional[str] = ...) -> None: ...

class TimelineEntry(_message.Message):
    __slots__ = ("event_id", "event_type", "producer", "occurred_at", "json")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    PRODUCER_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    JSON_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    event_type: str
    producer: str
    occurred_at: _timestamp_pb2.Timestamp
    json: str
    def __init__(self, event_id: _Optional[str] = ..., event_type: _Optional[str] = ..., producer: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., json: _Optional[str] = ...) -> None: ...

class GetTimelineResponse(_message.Message):
    __slots__ = ("entries", "status")
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[TimelineEntry]
    status: _common_pb2.CaseStatus
    def __init__(self, entries: _Optional[_Iterable[_Union[TimelineEntry, _Mapping]]] = ..., status: _Optional[_Union[_common_pb2.CaseStatus, str]] = ...) -> None: ...

class ListWatchedCasesRequest(_message.Message):
    __slots__ = ("limit", "min_level")
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    MIN_LEVEL_FIELD_NUMBER: _ClassVar[int]
    limit: int
    min_level: int
    def __init__(self, limit: _Optional[int] = ..., min_level: _Optional[int] = ...) -> None: ...

class WatchedCase(_message.Message):
    __slots__ = ("case_id", "owner", "department", "region", "escalation_level", "overdue", "regulator_risk", "supervised")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    ESCALATION_LEVEL_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_FIELD_NUMBER: _ClassVar[int]
    REGULATOR_RISK_FIELD_NUMBER: _ClassVar[int]
    SUPERVISED_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    owner: str
    department: str
    region: str
    escalation_level: int
    overdue: bool
    regulator_risk: float
    supervised: bool
    def __init__(self, case_id: _Optional[str] = ..., owner: _Optional[str] = ..., department: _Optional[str] = ..., region: _Optional[str] = ..., escalation_level: _Optional[int] = ..., overdue: _Optional[bool] = ..., regulator_risk: _Optional[float] = ..., supervised: _Optional[bool] = ...) -> None: ...

class ListWatchedCasesResponse(_message.Message):
    __slots__ = ("cases", "total")
    CASES_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    cases: _containers.RepeatedCompositeFieldContainer[WatchedCase]
    total: int
    def __init__(self, cases: _Optional[_Iterable[_Union[WatchedCase, _Mapping]]] = ..., total: _Optional[int] = ...) -> None: ...
