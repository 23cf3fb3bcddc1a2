import datetime

from complaints.v1 import case_events_pb2 as _case_events_pb2
from complaints.v1 import common_pb2 as _common_pb2
from complaints.v1 import customer_notifications_pb2 as _customer_notifications_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class WorkOrderState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    WORK_ORDER_STATE_UNSPECIFIED: _ClassVar[WorkOrderState]
    WORK_ORDER_STATE_DISPATCHED: _ClassVar[WorkOrderState]
    WORK_ORDER_STATE_ACCEPTED: _ClassVar[WorkOrderState]
    WORK_ORDER_STATE_REPLIED: _ClassVar[WorkOrderState]
    WORK_ORDER_STATE_RETURNED: _ClassVar[WorkOrderState]
    WORK_ORDER_STATE_CANCELLED: _ClassVar[WorkOrderState]
WORK_ORDER_STATE_UNSPECIFIED: WorkOrderState
WORK_ORDER_STATE_DISPATCHED: WorkOrderState
WORK_ORDER_STATE_ACCEPTED: WorkOrderState
WORK_ORDER_STATE_REPLIED: WorkOrderState
WORK_ORDER_STATE_RETURNED: WorkOrderState
WORK_ORDER_STATE_CANCELLED: WorkOrderState

class WorkOrderView(_message.Message):
    __slots__ = ("work_order_id", "case_id", "department", "level", "kind", "state", "priority", "due_at", "dispatched_at", "resolution", "category", "region")
    WORK_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    DUE_AT_FIELD_NUMBER: _ClassVar[int]
    DISPATCHED_AT_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    work_order_id: str
    case_id: str
    department: str
    level: str
    kind: _case_events_pb2.WorkOrderKind
    state: WorkOrderState
    priority: int
    due_at: _timestamp_pb2.Timestamp
    dispatched_at: _timestamp_pb2.Timestamp
    resolution: str
    category: str
    region: str
    def __init__(self, work_order_id: _Optional[str] = ..., case_id: _Optional[str] = ..., department: _Optional[str] = ..., level: _Optional[str] = ..., kind: _Optional[_Union[_case_events_pb2.WorkOrderKind, str]] = ..., state: _Optional[_Union[WorkOrderState, str]] = ..., priority: _Optional[int] = ..., due_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., dispatched_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., resolution: _Optional[str] = ..., category: _Optional[str] = ..., region: _Optional[str] = ...) -> None: ...

class ListWorkOrdersRequest(_message.Message):
    __slots__ = ("case_id",)
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    def __init__(self, case_id: _Optional[str] = ...) -> None: ...

class ListWorkOrdersResponse(_message.Message):
    __slots__ = ("work_orders", "owner")
    WORK_ORDERS_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    work_orders: _containers.RepeatedCompositeFieldContainer[WorkOrderView]
    owner: str
    def __init__(self, work_orders: _Optional[_Iterable[_Union[WorkOrderView, _Mapping]]] = ..., owner: _Optional[str] = ...) -> None: ...

class GetDepartmentQueueRequest(_message.Message):
    __slots__ = ("department", "state", "category", "region", "page")
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    department: str
    state: WorkOrderState
    category: str
    region: str
    page: _common_pb2.PageRequest
    def __init__(self, department: _Optional[str] = ..., state: _Optional[_Union[WorkOrderState, str]] = ..., category: _Optional[str] = ..., region: _Optional[str] = ..., page: _Optional[_Union[_common_pb2.PageRequest, _Mapping]] = ...) -> None: ...

class GetDepartmentQueueResponse(_message.Message):
    __slots__ = ("work_orders", "next_page_token")
    WORK_ORDERS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    work_orders: _containers.RepeatedCompositeFieldContainer[WorkOrderView]
    next_page_token: str
    def __init__(self, work_orders: _Optional[_Iterable[_Union[WorkOrderView, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListOwnerCasesRequest(_message.Message):
    __slots__ = ("owner",)
    OWNER_FIELD_NUMBER: _ClassVar[int]
    owner: str
    def __init__(self, owner: _Optional[str] = ...) -> None: ...

class OwnerCaseView(_message.Message):
    __slots__ = ("case_id", "status", "priority", "open_work_orders")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    OPEN_WORK_ORDERS_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    status: _common_pb2.CaseStatus
    priority: int
    open_work_orders: int
    def __init__(self, case_id: _Optional[str] = ..., status: _Optional[_Union[_common_pb2.CaseStatus, str]] = ..., priority: _Optional[int] = ..., open_work_orders: _Optional[int] = ...) -> None: ...

class ListOwnerCasesResponse(_message.Message):
    __slots__ = ("cases",)
    CASES_FIELD_NUMBER: _ClassVar[int]
    cases: _containers.RepeatedCompositeFieldContainer[OwnerCaseView]
    def __init__(self, cases: _Optional[_Iterable[_Union[OwnerCaseView, _Mapping]]] = ...) -> None: ...

class ReassignOwnerRequest(_message.Message):
    __slots__ = ("case_id", "new_owner", "reason", "operator", "request_id")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    NEW_OWNER_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    new_owner: str
    reason: str
    operator: str
    request_id: str
    def __init__(self, case_id: _Optional[str] = ..., new_owner: _Optional[str] = ..., reason: _Optional[str] = ..., operator: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class ReassignOwnerResponse(_message.Message):
    __slots__ = ("owner",)
    OWNER_FIELD_NUMBER: _ClassVar[int]
    owner: str
    def __init__(self, owner: _Optional[str] = ...) -> None: ...

class RequestConsultRequest(_message.Message):
    __slots__ = ("case_id", "question", "promised_reply_at", "request_id")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    QUESTION_FIELD_NUMBER: _ClassVar[int]
    PROMISED_REPLY_AT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    question: str
    promised_reply_at: _timestamp_pb2.Timestamp
    request_id: str
    def __init__(self, case_id: _Optional[str] = ..., question: _Optional[str] = ..., promised_reply_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class RequestConsultResponse(_message.Message):
    __slots__ = ("work_order",)
    WORK_ORDER_FIELD_NUMBER: _ClassVar[int]
    work_order: WorkOrderView
    def __init__(self, work_order: _Optional[_Union[WorkOrderView, _Mapping]] = ...) -> None: ...

class RecordCustomerReplyRequest(_message.Message):
    __slots__ = ("case_id", "reply", "replied_at", "request_id")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    REPLY_FIELD_NUMBER: _ClassVar[int]
    REPLIED_AT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    reply: str
    replied_at: _timestamp_pb2.Timestamp
    request_id: str
    def __init__(self, case_id: _Optional[str] = ..., reply: _Optional[str] = ..., replied_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class RecordCustomerReplyResponse(_message.Message):
    __slots__ = ("status",)
    STATUS_FIELD_NUMBER: _ClassVar[int]
    status: _common_pb2.CaseStatus
    def __init__(self, status: _Optional[_Union[_common_pb2.CaseStatus, str]] = ...) -> None: ...

class GetCustomerStatusRequest(_message.Message):
    __slots__ = ("case_id", "submission_id", "phone")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    SUBMISSION_ID_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    submission_id: str
    phone: str
    def __init__(self, case_id: _Optional[str] = ..., submission_id: _Optional[str] = ..., phone: _Optional[str] = ...) -> None: ...

class GetCustomerStatusResponse(_message.Message):
    __slots__ = ("case_id", "status", "status_text", "desk", "promised_reply_at", "last_step", "last_step_at")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    STATUS_TEXT_FIELD_NUMBER: _ClassVar[int]
    DESK_FIELD_NUMBER: _ClassVar[int]
    PROMISED_REPLY_AT_FIELD_NUMBER: _ClassVar[int]
    LAST_STEP_FIELD_NUMBER: _ClassVar[int]
    LAST_STEP_AT_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    status: _common_pb2.CaseStatus
    status_text: str
    desk: str
    promised_reply_at: _timestamp_pb2.Timestamp
    last_step: _customer_notifications_pb2.NotificationStep
    last_step_at: _timestamp_pb2.Timestamp
    def __init__(self, case_id: _Optional[str] = ..., status: _Optional[_Union[_common_pb2.CaseStatus, str]] = ..., status_text: _Optional[str] = ..., desk: _Optional[str] = ..., promised_reply_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_step: _Optional[_Union[_customer_notifications_pb2.NotificationStep, str]] = ..., last_step_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
