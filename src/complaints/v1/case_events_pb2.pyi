import datetime

from complaints.v1 import common_pb2 as _common_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class WorkOrderKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    WORK_ORDER_KIND_UNSPECIFIED: _ClassVar[WorkOrderKind]
    WORK_ORDER_KIND_DEPARTMENT: _ClassVar[WorkOrderKind]
    WORK_ORDER_KIND_CONSULT: _ClassVar[WorkOrderKind]

class DeadlineKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DEADLINE_KIND_UNSPECIFIED: _ClassVar[DeadlineKind]
    DEADLINE_KIND_WORK_ORDER_ACCEPT: _ClassVar[DeadlineKind]
    DEADLINE_KIND_WORK_ORDER_REPLY: _ClassVar[DeadlineKind]
    DEADLINE_KIND_CASE_REPLY: _ClassVar[DeadlineKind]
    DEADLINE_KIND_PROMISED_REPLY: _ClassVar[DeadlineKind]
    DEADLINE_KIND_CONSULT_REPLY: _ClassVar[DeadlineKind]
    DEADLINE_KIND_EXPLANATION: _ClassVar[DeadlineKind]
    DEADLINE_KIND_CORRECTIVE_ACTION: _ClassVar[DeadlineKind]
WORK_ORDER_KIND_UNSPECIFIED: WorkOrderKind
WORK_ORDER_KIND_DEPARTMENT: WorkOrderKind
WORK_ORDER_KIND_CONSULT: WorkOrderKind
DEADLINE_KIND_UNSPECIFIED: DeadlineKind
DEADLINE_KIND_WORK_ORDER_ACCEPT: DeadlineKind
DEADLINE_KIND_WORK_ORDER_REPLY: DeadlineKind
DEADLINE_KIND_CASE_REPLY: DeadlineKind
DEADLINE_KIND_PROMISED_REPLY: DeadlineKind
DEADLINE_KIND_CONSULT_REPLY: DeadlineKind
DEADLINE_KIND_EXPLANATION: DeadlineKind
DEADLINE_KIND_CORRECTIVE_ACTION: DeadlineKind

class CaseRegistered(_message.Message):
    __slots__ = ("case_id", "submission_id", "channel", "customer", "category", "category_rule", "severity", "priority", "first_contact", "summary", "attributes", "regulator_case", "needs_triage", "proxy_case", "received_at", "promised_reply_at", "category_confidence", "category_candidates")
    class AttributesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    SUBMISSION_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_RULE_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    FIRST_CONTACT_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    REGULATOR_CASE_FIELD_NUMBER: _ClassVar[int]
    NEEDS_TRIAGE_FIELD_NUMBER: _ClassVar[int]
    PROXY_CASE_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    PROMISED_REPLY_AT_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    submission_id: str
    channel: _common_pb2.Channel
    customer: _common_pb2.Customer
    category: str
    category_rule: str
    severity: int
    priority: int
    first_contact: str
    summary: str
    attributes: _containers.ScalarMap[str, str]
    regulator_case: bool
    needs_triage: bool
    proxy_case: bool
    received_at: _timestamp_pb2.Timestamp
    promised_reply_at: _timestamp_pb2.Timestamp
    category_confidence: float
    category_candidates: _containers.RepeatedCompositeFieldContainer[_common_pb2.CategoryCandidate]
    def __init__(self, case_id: _Optional[str] = ..., submission_id: _Optional[str] = ..., channel: _Optional[_Union[_common_pb2.Channel, str]] = ..., customer: _Optional[_Union[_common_pb2.Customer, _Mapping]] = ..., category: _Optional[str] = ..., category_rule: _Optional[str] = ..., severity: _Optional[int] = ..., priority: _Optional[int] = ..., first_contact: _Optional[str] = ..., summary: _Optional[str] = ..., attributes: _Optional[_Mapping[str, str]] = ..., regulator_case: _Optional[bool] = ..., needs_triage: _Optional[bool] = ..., proxy_case: _Optional[bool] = ..., received_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., promised_reply_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., category_confidence: _Optional[float] = ..., category_candidates: _Optional[_Iterable[_Union[_common_pb2.CategoryCandidate, _Mapping]]] = ...) -> None: ...

class SubmissionLinked(_message.Message):
    __slots__ = ("case_id", "submission_id", "channel", "contact_count", "regulator_risk", "received_at", "merge_reason")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    SUBMISSION_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    CONTACT_COUNT_FIELD_NUMBER: _ClassVar[int]
    REGULATOR_RISK_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    MERGE_REASON_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    submission_id: str
    channel: _common_pb2.Channel
    contact_count: int
    regulator_risk: float
    received_at: _timestamp_pb2.Timestamp
    merge_reason: str
    def __init__(self, case_id: _Optional[str] = ..., submission_id: _Optional[str] = ..., channel: _Optional[_Union[_common_pb2.Channel, str]] = ..., contact_count: _Optional[int] = ..., regulator_risk: _Optional[float] = ..., received_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., merge_reason: _Optional[str] = ...) -> None: ...

class ProxyCaseRaised(_message.Message):
    __slots__ = ("case_id", "region", "category", "member_case_ids")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    MEMBER_CASE_IDS_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    region: str
    category: str
    member_case_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, case_id: _Optional[str] = ..., region: _Optional[str] = ..., category: _Optional[str] = ..., member_case_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class ProxyMemberLinked(_message.Message):
    __slots__ = ("case_id", "member_case_id")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    MEMBER_CASE_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    member_case_id: str
    def __init__(self, case_id: _Optional[str] = ..., member_case_id: _Optional[str] = ...) -> None: ...

class SubmissionSplit(_message.Message):
    __slots__ = ("case_id", "new_case_id", "submission_id", "operator", "reason")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    NEW_CASE_ID_FIELD_NUMBER: _ClassVar[int]
    SUBMISSION_ID_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    new_case_id: str
    submission_id: str
    operator: str
    reason: str
    def __init__(self, case_id: _Optional[str] = ..., new_case_id: _Optional[str] = ..., submission_id: _Optional[str] = ..., operator: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class OwnerAssigned(_message.Message):
    __slots__ = ("case_id", "owner", "previous_owner", "reason", "assigned_by")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_OWNER_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ASSIGNED_BY_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    owner: str
    previous_owner: str
    reason: str
    assigned_by: str
    def __init__(self, case_id: _Optional[str] = ..., owner: _Optional[str] = ..., previous_owner: _Optional[str] = ..., reason: _Optional[str] = ..., assigned_by: _Optional[str] = ...) -> None: ...

class WorkOrderDispatched(_message.Message):
    __slots__ = ("case_id", "work_order_id", "department", "level", "kind", "priority", "category", "tier", "channel", "region", "promised_reply_at", "replaces_work_order_id")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    WORK_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    PROMISED_REPLY_AT_FIELD_NUMBER: _ClassVar[int]
    REPLACES_WORK_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    work_order_id: str
    department: str
    level: str
    kind: WorkOrderKind
    priority: int
    category: str
    tier: int
    channel: _common_pb2.Channel
    region: str
    promised_reply_at: _timestamp_pb2.Timestamp
    replaces_work_order_id: str
    def __init__(self, case_id: _Optional[str] = ..., work_order_id: _Optional[str] = ..., department: _Optional[str] = ..., level: _Optional[str] = ..., kind: _Optional[_Union[WorkOrderKind, str]] = ..., priority: _Optional[int] = ..., category: _Optional[str] = ..., tier: _Optional[int] = ..., channel: _Optional[_Union[_common_pb2.Channel, str]] = ..., region: _Optional[str] = ..., promised_reply_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., replaces_work_order_id: _Optional[str] = ...) -> None: ...

class WorkOrderAccepted(_message.Message):
    __slots__ = ("case_id", "work_order_id", "department")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    WORK_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    work_order_id: str
    department: str
    def __init__(self, case_id: _Optional[str] = ..., work_order_id: _Optional[str] = ..., department: _Optional[str] = ...) -> None: ...

class WorkOrderReplied(_message.Message):
    __slots__ = ("case_id", "work_order_id", "department", "resolution", "company_at_fault")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    WORK_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_FIELD_NUMBER: _ClassVar[int]
    COMPANY_AT_FAULT_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    work_order_id: str
    department: str
    resolution: str
    company_at_fault: _common_pb2.CompanyFault
    def __init__(self, case_id: _Optional[str] = ..., work_order_id: _Optional[str] = ..., department: _Optional[str] = ..., resolution: _Optional[str] = ..., company_at_fault: _Optional[_Union[_common_pb2.CompanyFault, str]] = ...) -> None: ...

class WorkOrderReturned(_message.Message):
    __slots__ = ("case_id", "work_order_id", "department", "reason", "next_work_order_id")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    WORK_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    NEXT_WORK_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    work_order_id: str
    department: str
    reason: str
    next_work_order_id: str
    def __init__(self, case_id: _Optional[str] = ..., work_order_id: _Optional[str] = ..., department: _Optional[str] = ..., reason: _Optional[str] = ..., next_work_order_id: _Optional[str] = ...) -> None: ...

class WorkOrderAwaitingCustomer(_message.Message):
    __slots__ = ("case_id", "work_order_id", "department", "since", "reason")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    WORK_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    SINCE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    work_order_id: str
    department: str
    since: _timestamp_pb2.Timestamp
    reason: str
    def __init__(self, case_id: _Optional[str] = ..., work_order_id: _Optional[str] = ..., department: _Optional[str] = ..., since: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., reason: _Optional[str] = ...) -> None: ...

class WorkOrderCustomerResponded(_message.Message):
    __slots__ = ("case_id", "work_order_id", "department", "responded_at")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    WORK_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    RESPONDED_AT_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    work_order_id: str
    department: str
    responded_at: _timestamp_pb2.Timestamp
    def __init__(self, case_id: _Optional[str] = ..., work_order_id: _Optional[str] = ..., department: _Optional[str] = ..., responded_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CaseResolved(_message.Message):
    __slots__ = ("case_id", "owner", "reply", "replied_at", "category", "region", "customer_id", "attributes", "company_at_fault", "department")
    class AttributesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    REPLY_FIELD_NUMBER: _ClassVar[int]
    REPLIED_AT_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    COMPANY_AT_FAULT_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    owner: str
    reply: str
    replied_at: _timestamp_pb2.Timestamp
    category: str
    region: str
    customer_id: str
    attributes: _containers.ScalarMap[str, str]
    company_at_fault: _common_pb2.CompanyFault
    department: str
    def __init__(self, case_id: _Optional[str] = ..., owner: _Optional[str] = ..., reply: _Optional[str] = ..., replied_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., category: _Optional[str] = ..., region: _Optional[str] = ..., customer_id: _Optional[str] = ..., attributes: _Optional[_Mapping[str, str]] = ..., company_at_fault: _Optional[_Union[_common_pb2.CompanyFault, str]] = ..., department: _Optional[str] = ...) -> None: ...

class DeadlineSet(_message.Message):
    __slots__ = ("case_id", "deadline_id", "kind", "subject_id", "due_at")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    DUE_AT_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    deadline_id: str
    kind: DeadlineKind
    subject_id: str
    due_at: _timestamp_pb2.Timestamp
    def __init__(self, case_id: _Optional[str] = ..., deadline_id: _Optional[str] = ..., kind: _Optional[_Union[DeadlineKind, str]] = ..., subject_id: _Optional[str] = ..., due_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class DeadlineWarned(_message.Message):
    __slots__ = ("case_id", "deadline_id", "kind", "due_at")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    DUE_AT_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    deadline_id: str
    kind: DeadlineKind
    due_at: _timestamp_pb2.Timestamp
    def __init__(self, case_id: _Optional[str] = ..., deadline_id: _Optional[str] = ..., kind: _Optional[_Union[DeadlineKind, str]] = ..., due_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class DeadlineBreached(_message.Message):
    __slots__ = ("case_id", "deadline_id", "kind", "subject_id", "due_at")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    DUE_AT_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    deadline_id: str
    kind: DeadlineKind
    subject_id: str
    due_at: _timestamp_pb2.Timestamp
    def __init__(self, case_id: _Optional[str] = ..., deadline_id: _Optional[str] = ..., kind: _Optional[_Union[DeadlineKind, str]] = ..., subject_id: _Optional[str] = ..., due_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class DeadlineStopped(_message.Message):
    __slots__ = ("case_id", "deadline_id", "kind", "subject_id", "met", "late")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    MET_FIELD_NUMBER: _ClassVar[int]
    LATE_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    deadline_id: str
    kind: DeadlineKind
    subject_id: str
    met: bool
    late: bool
    def __init__(self, case_id: _Optional[str] = ..., deadline_id: _Optional[str] = ..., kind: _Optional[_Union[DeadlineKind, str]] = ..., subject_id: _Optional[str] = ..., met: _Optional[bool] = ..., late: _Optional[bool] = ...) -> None: ...

class DeadlinePaused(_message.Message):
    __slots__ = ("case_id", "deadline_id", "kind", "subject_id", "paused_at")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    PAUSED_AT_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    deadline_id: str
    kind: DeadlineKind
    subject_id: str
    paused_at: _timestamp_pb2.Timestamp
    def __init__(self, case_id: _Optional[str] = ..., deadline_id: _Optional[str] = ..., kind: _Optional[_Union[DeadlineKind, str]] = ..., subject_id: _Optional[str] = ..., paused_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class DeadlineResumed(_message.Message):
    __slots__ = ("case_id", "deadline_id", "kind", "subject_id", "due_at")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    DUE_AT_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    deadline_id: str
    kind: DeadlineKind
    subject_id: str
    due_at: _timestamp_pb2.Timestamp
    def __init__(self, case_id: _Optional[str] = ..., deadline_id: _Optional[str] = ..., kind: _Optional[_Union[DeadlineKind, str]] = ..., subject_id: _Optional[str] = ..., due_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CaseEscalated(_message.Message):
    __slots__ = ("case_id", "level", "role", "unit", "reason")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    level: int
    role: str
    unit: str
    reason: str
    def __init__(self, case_id: _Optional[str] = ..., level: _Optional[int] = ..., role: _Optional[str] = ..., unit: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class CaseUrged(_message.Message):
    __slots__ = ("case_id", "by", "note", "urgings")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    BY_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    URGINGS_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    by: str
    note: str
    urgings: int
    def __init__(self, case_id: _Optional[str] = ..., by: _Optional[str] = ..., note: _Optional[str] = ..., urgings: _Optional[int] = ...) -> None: ...

class SupervisionOpened(_message.Message):
    __slots__ = ("case_id", "supervisor", "reason")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    SUPERVISOR_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    supervisor: str
    reason: str
    def __init__(self, case_id: _Optional[str] = ..., supervisor: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class RiskThresholdCrossed(_message.Message):
    __slots__ = ("case_id", "score", "threshold")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    score: float
    threshold: float
    def __init__(self, case_id: _Optional[str] = ..., score: _Optional[float] = ..., threshold: _Optional[float] = ...) -> None: ...

class VerificationOpened(_message.Message):
    __slots__ = ("case_id", "customer_closed_at", "blockers")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_CLOSED_AT_FIELD_NUMBER: _ClassVar[int]
    BLOCKERS_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    customer_closed_at: _timestamp_pb2.Timestamp
    blockers: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, case_id: _Optional[str] = ..., customer_closed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., blockers: _Optional[_Iterable[str]] = ...) -> None: ...

class ResponsibilityDetermined(_message.Message):
    __slots__ = ("case_id", "responsible_unit", "root_cause_class", "company_at_fault")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    RESPONSIBLE_UNIT_FIELD_NUMBER: _ClassVar[int]
    ROOT_CAUSE_CLASS_FIELD_NUMBER: _ClassVar[int]
    COMPANY_AT_FAULT_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    responsible_unit: str
    root_cause_class: str
    company_at_fault: _common_pb2.CompanyFault
    def __init__(self, case_id: _Optional[str] = ..., responsible_unit: _Optional[str] = ..., root_cause_class: _Optional[str] = ..., company_at_fault: _Optional[_Union[_common_pb2.CompanyFault, str]] = ...) -> None: ...

class CorrectiveActionDue(_message.Message):
    __slots__ = ("case_id", "action_id", "owner", "due_at")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    DUE_AT_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    action_id: str
    owner: str
    due_at: _timestamp_pb2.Timestamp
    def __init__(self, case_id: _Optional[str] = ..., action_id: _Optional[str] = ..., owner: _Optional[str] = ..., due_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ActionVerified(_message.Message):
    __slots__ = ("case_id", "action_id")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    action_id: str
    def __init__(self, case_id: _Optional[str] = ..., action_id: _Optional[str] = ...) -> None: ...

class RecurrenceDetected(_message.Message):
    __slots__ = ("case_id", "new_case_id", "matched_by")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    NEW_CASE_ID_FIELD_NUMBER: _ClassVar[int]
    MATCHED_BY_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    new_case_id: str
    matched_by: str
    def __init__(self, case_id: _Optional[str] = ..., new_case_id: _Optional[str] = ..., matched_by: _Optional[str] = ...) -> None: ...

class CaseClosed(_message.Message):
    __slots__ = ("case_id", "customer_closed_at", "management_closed_at")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_CLOSED_AT_FIELD_NUMBER: _ClassVar[int]
    MANAGEMENT_CLOSED_AT_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    customer_closed_at: _timestamp_pb2.Timestamp
    management_closed_at: _timestamp_pb2.Timestamp
    def __init__(self, case_id: _Optional[str] = ..., customer_closed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., management_closed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CaseReopened(_message.Message):
    __slots__ = ("case_id", "reason")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    reason: str
    def __init__(self, case_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...
