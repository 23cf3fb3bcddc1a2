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

class VerificationResult(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    VERIFICATION_RESULT_UNSPECIFIED: _ClassVar[VerificationResult]
    VERIFICATION_RESULT_PENDING: _ClassVar[VerificationResult]
    VERIFICATION_RESULT_CLOSED: _ClassVar[VerificationResult]
    VERIFICATION_RESULT_REOPENED: _ClassVar[VerificationResult]
VERIFICATION_RESULT_UNSPECIFIED: VerificationResult
VERIFICATION_RESULT_PENDING: VerificationResult
VERIFICATION_RESULT_CLOSED: VerificationResult
VERIFICATION_RESULT_REOPENED: VerificationResult

class RecordView(_message.Message):
    __slots__ = ("case_id", "result", "responsible_unit", "root_cause_class", "company_at_fault", "customer_closed_at", "management_closed_at", "blockers", "json")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    RESPONSIBLE_UNIT_FIELD_NUMBER: _ClassVar[int]
    ROOT_CAUSE_CLASS_FIELD_NUMBER: _ClassVar[int]
    COMPANY_AT_FAULT_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_CLOSED_AT_FIELD_NUMBER: _ClassVar[int]
    MANAGEMENT_CLOSED_AT_FIELD_NUMBER: _ClassVar[int]
    BLOCKERS_FIELD_NUMBER: _ClassVar[int]
    JSON_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    result: VerificationResult
    responsible_unit: str
    root_cause_class: str
    company_at_fault: _common_pb2.CompanyFault
    customer_closed_at: _timestamp_pb2.Timestamp
    management_closed_at: _timestamp_pb2.Timestamp
    blockers: _containers.RepeatedScalarFieldContainer[str]
    json: str
    def __init__(self, case_id: _Optional[str] = ..., result: _Optional[_Union[VerificationResult, str]] = ..., responsible_unit: _Optional[str] = ..., root_cause_class: _Optional[str] = ..., company_at_fault: _Optional[_Union[_common_pb2.CompanyFault, str]] = ..., customer_closed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., management_closed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., blockers: _Optional[_Iterable[str]] = ..., json: _Optional[str] = ...) -> None: ...

class GetRecordRequest(_message.Message):
    __slots__ = ("case_id",)
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    def __init__(self, case_id: _Optional[str] = ...) -> None: ...

class GetRecordResponse(_message.Message):
    __slots__ = ("record",)
    RECORD_FIELD_NUMBER: _ClassVar[int]
    record: RecordView
    def __init__(self, record: _Optional[_Union[RecordView, _Mapping]] = ...) -> None: ...

class RecordFilter(_message.Message):
    __slots__ = ("opened_from", "opened_to", "responsible_unit", "root_cause_class", "result")
    OPENED_FROM_FIELD_NUMBER: _ClassVar[int]
    OPENED_TO_FIELD_NUMBER: _ClassVar[int]
    RESPONSIBLE_UNIT_FIELD_NUMBER: _ClassVar[int]
    ROOT_CAUSE_CLASS_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    opened_from: _timestamp_pb2.Timestamp
    opened_to: _timestamp_pb2.Timestamp
    responsible_unit: str
    root_cause_class: str
    result: VerificationResult
    def __init__(self, opened_from: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., opened_to: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., responsible_unit: _Optional[str] = ..., root_cause_class: _Optional[str] = ..., result: _Optional[_Union[VerificationResult, str]] = ...) -> None: ...

class ListRecordsRequest(_message.Message):
    __slots__ = ("filter", "page")
    FILTER_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    filter: RecordFilter
    page: _common_pb2.PageRequest
    def __init__(self, filter: _Optional[_Union[RecordFilter, _Mapping]] = ..., page: _Optional[_Union[_common_pb2.PageRequest, _Mapping]] = ...) -> None: ...

class ListRecordsResponse(_message.Message):
    __slots__ = ("records", "next_page_token")
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    records: _containers.RepeatedCompositeFieldContainer[RecordView]
    next_page_token: str
    def __init__(self, records: _Optional[_Iterable[_Union[RecordView, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ExportRecordsRequest(_message.Message):
    __slots__ = ("filter",)
    FILTER_FIELD_NUMBER: _ClassVar[int]
    filter: RecordFilter
    def __init__(self, filter: _Optional[_Union[RecordFilter, _Mapping]] = ...) -> None: ...

class ExportRecordsResponse(_message.Message):
    __slots__ = ("record",)
    RECORD_FIELD_NUMBER: _ClassVar[int]
    record: RecordView
    def __init__(self, record: _Optional[_Union[RecordView, _Mapping]] = ...) -> None: ...

class VerifyChainRequest(_message.Message):
    __slots__ = ("from_seq", "to_seq")
    FROM_SEQ_FIELD_NUMBER: _ClassVar[int]
    TO_SEQ_FIELD_NUMBER: _ClassVar[int]
    from_seq: int
    to_seq: int
    def __init__(self, from_seq: _Optional[int] = ..., to_seq: _Optional[int] = ...) -> None: ...

class VerifyChainResponse(_message.Message):
    __slots__ = ("ok", "checked", "first_broken_seq", "problem")
    OK_FIELD_NUMBER: _ClassVar[int]
    CHECKED_FIELD_NUMBER: _ClassVar[int]
    FIRST_BROKEN_SEQ_FIELD_NUMBER: _ClassVar[int]
    PROBLEM_FIELD_NUMBER: _ClassVar[int]
    ok: bool
    checked: int
    first_broken_seq: int
    problem: str
    def __init__(self, ok: _Optional[bool] = ..., checked: _Optional[int] = ..., first_broken_seq: _Optional[int] = ..., problem: _Optional[str] = ...) -> None: ...

class GetRecurrenceRatesRequest(_message.Message):
    __slots__ = ("closed_from", "closed_to")
    CLOSED_FROM_FIELD_NUMBER: _ClassVar[int]
    CLOSED_TO_FIELD_NUMBER: _ClassVar[int]
    closed_from: _timestamp_pb2.Timestamp
    closed_to: _timestamp_pb2.Timestamp
    def __init__(self, closed_from: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., closed_to: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ClassRecurrenceRate(_message.Message):
    __slots__ = ("root_cause_class", "watched", "recurrences", "rate")
    ROOT_CAUSE_CLASS_FIELD_NUMBER: _ClassVar[int]
    WATCHED_FIELD_NUMBER: _ClassVar[int]
    RECURRENCES_FIELD_NUMBER: _ClassVar[int]
    RATE_FIELD_NUMBER: _ClassVar[int]
    root_cause_class: str
    watched: int
    recurrences: int
    rate: float
    def __init__(self, root_cause_class: _Optional[str] = ..., watched: _Optional[int] = ..., recurrences: _Optional[int] = ..., rate: _Optional[float] = ...) -> None: ...

class GetRecurrenceRatesResponse(_message.Message):
    __slots__ = ("classes",)
    CLASSES_FIELD_NUMBER: _ClassVar[int]
    classes: _containers.RepeatedCompositeFieldContainer[ClassRecurrenceRate]
    def __init__(self, classes: _Optional[_Iterable[_Union[ClassRecurrenceRate, _Mapping]]] = ...) -> None: ...

class GetCaseAuditRequest(_message.Message):
    __slots__ = ("case_id",)
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    def __init__(self, case_id: _Optional[str] = ...) -> None: ...

class CaseAuditEntry(_message.Message):
    __slots__ = ("seq", "entry_type", "recorded_at", "hash", "intact", "problem")
    SEQ_FIELD_NUMBER: _ClassVar[int]
    ENTRY_TYPE_FIELD_NUMBER: _ClassVar[int]
    RECORDED_AT_FIELD_NUMBER: _ClassVar[int]
    HASH_FIELD_NUMBER: _ClassVar[int]
    INTACT_FIELD_NUMBER: _ClassVar[int]
    PROBLEM_FIELD_NUMBER: _ClassVar[int]
    seq: int
    entry_type: str
    recorded_at: _timestamp_pb2.Timestamp
    hash: str
    intact: bool
    problem: str
    def __init__(self, seq: _Optional[int] = ..., entry_type: _Optional[str] = ..., recorded_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., hash: _Optional[str] = ..., intact: _Optional[bool] = ..., problem: _Optional[str] = ...) -> None: ...

class GetCaseAuditResponse(_message.Message):
    __slots__ = ("entries",)
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[CaseAuditEntry]
    def __init__(self, entries: _Optional[_Iterable[_Union[CaseAuditEntry, _Mapping]]] = ...) -> None: ...

class ExportAuditRequest(_message.Message):
    __slots__ = ("filter",)
    FILTER_FIELD_NUMBER: _ClassVar[int]
    filter: RecordFilter
    def __init__(self, filter: _Optional[_Union[RecordFilter, _Mapping]] = ...) -> None: ...

class SignedAuditEntry(_message.Message):
    __slots__ = ("seq", "canonical_json", "hash", "signature")
    SEQ_FIELD_NUMBER: _ClassVar[int]
    CANONICAL_JSON_FIELD_NUMBER: _ClassVar[int]
    HASH_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    seq: int
    canonical_json: str
    hash: str
    signature: str
    def __init__(self, seq: _Optional[int] = ..., canonical_json: _Optional[str] = ..., hash: _Optional[str] = ..., signature: _Optional[str] = ...) -> None: ...

class AuditedRecord(_message.Message):
    __slots__ = ("case_id", "canonical_json")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    CANONICAL_JSON_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    canonical_json: str
    def __init__(self, case_id: _Optional[str] = ..., canonical_json: _Optional[str] = ...) -> None: ...

class AuditHead(_message.Message):
    __slots__ = ("seq", "hash", "key_id", "signature", "exported_at")
    SEQ_FIELD_NUMBER: _ClassVar[int]
    HASH_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    EXPORTED_AT_FIELD_NUMBER: _ClassVar[int]
    seq: int
    hash: str
    key_id: str
    signature: str
    exported_at: _timestamp_pb2.Timestamp
    def __init__(self, seq: _Optional[int] = ..., hash: _Optional[str] = ..., key_id: _Optional[str] = ..., signature: _Optional[str] = ..., exported_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ExportAuditResponse(_message.Message):
    __slots__ = ("record", "entry", "head")
    RECORD_FIELD_NUMBER: _ClassVar[int]
    ENTRY_FIELD_NUMBER: _ClassVar[int]
    HEAD_FIELD_NUMBER: _ClassVar[int]
    record: AuditedRecord
    entry: SignedAuditEntry
    head: AuditHead
    def __init__(self, record: _Optional[_Union[AuditedRecord, _Mapping]] = ..., entry: _Optional[_Union[SignedAuditEntry, _Mapping]] = ..., head: _Optional[_Union[AuditHead, _Mapping]] = ...) -> None: ...

class AuditAnchor(_message.Message):
    __slots__ = ("service", "seq", "hash", "key_id", "signature", "anchored_at")
    SERVICE_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    HASH_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    ANCHORED_AT_FIELD_NUMBER: _ClassVar[int]
    service: str
    seq: int
    hash: str
    key_id: str
    signature: str
    anchored_at: _timestamp_pb2.Timestamp
    def __init__(self, service: _Optional[str] = ..., seq: _Optional[int] = ..., hash: _Optional[str] = ..., key_id: _Optional[str] = ..., signature: _Optional[str] = ..., anchored_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
