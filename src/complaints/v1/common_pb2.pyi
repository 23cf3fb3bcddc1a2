from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class Channel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CHANNEL_UNSPECIFIED: _ClassVar[Channel]
    CHANNEL_HOTLINE: _ClassVar[Channel]
    CHANNEL_ONLINE_HALL: _ClassVar[Channel]
    CHANNEL_MOBILE_APP: _ClassVar[Channel]
    CHANNEL_SMS: _ClassVar[Channel]
    CHANNEL_WECHAT: _ClassVar[Channel]
    CHANNEL_WEIBO: _ClassVar[Channel]
    CHANNEL_KIOSK: _ClassVar[Channel]
    CHANNEL_STORE: _ClassVar[Channel]
    CHANNEL_REGULATOR: _ClassVar[Channel]
    CHANNEL_EMAIL: _ClassVar[Channel]
    CHANNEL_ONLINE_CHAT: _ClassVar[Channel]
    CHANNEL_PROXY: _ClassVar[Channel]

class CaseStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CASE_STATUS_UNSPECIFIED: _ClassVar[CaseStatus]
    CASE_STATUS_REGISTERED: _ClassVar[CaseStatus]
    CASE_STATUS_ASSIGNED: _ClassVar[CaseStatus]
    CASE_STATUS_DISPATCHED: _ClassVar[CaseStatus]
    CASE_STATUS_RESOLVED: _ClassVar[CaseStatus]
    CASE_STATUS_VERIFYING: _ClassVar[CaseStatus]
    CASE_STATUS_CLOSED: _ClassVar[CaseStatus]
    CASE_STATUS_REOPENED: _ClassVar[CaseStatus]

class CompanyFault(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    COMPANY_FAULT_UNSPECIFIED: _ClassVar[CompanyFault]
    COMPANY_FAULT_YES: _ClassVar[CompanyFault]
    COMPANY_FAULT_NO: _ClassVar[CompanyFault]
    COMPANY_FAULT_UNCLEAR: _ClassVar[CompanyFault]
CHANNEL_UNSPECIFIED: Channel
CHANNEL_HOTLINE: Channel
CHANNEL_ONLINE_HALL: Channel
CHANNEL_MOBILE_APP: Channel
CHANNEL_SMS: Channel
CHANNEL_WECHAT: Channel
CHANNEL_WEIBO: Channel
CHANNEL_KIOSK: Channel
CHANNEL_STORE: Channel
CHANNEL_REGULATOR: Channel
CHANNEL_EMAIL: Channel
CHANNEL_ONLINE_CHAT: Channel
CHANNEL_PROXY: Channel
CASE_STATUS_UNSPECIFIED: CaseStatus
CASE_STATUS_REGISTERED: CaseStatus
CASE_STATUS_ASSIGNED: CaseStatus
CASE_STATUS_DISPATCHED: CaseStatus
CASE_STATUS_RESOLVED: CaseStatus
CASE_STATUS_VERIFYING: CaseStatus
CASE_STATUS_CLOSED: CaseStatus
CASE_STATUS_REOPENED: CaseStatus
COMPANY_FAULT_UNSPECIFIED: CompanyFault
COMPANY_FAULT_YES: CompanyFault
COMPANY_FAULT_NO: CompanyFault
COMPANY_FAULT_UNCLEAR: CompanyFault

class Customer(_message.Message):
    __slots__ = ("id", "phone", "name", "tier", "region", "notifications_opted_out")
    ID_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    NOTIFICATIONS_OPTED_OUT_FIELD_NUMBER: _ClassVar[int]
    id: str
    phone: str
    name: str
    tier: int
    region: str
    notifications_opted_out: bool
    def __init__(self, id: _Optional[str] = ..., phone: _Optional[str] = ..., name: _Optional[str] = ..., tier: _Optional[int] = ..., region: _Optional[str] = ..., notifications_opted_out: _Optional[bool] = ...) -> None: ...

class PageRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class CategoryCandidate(_message.Message):
    __slots__ = ("category", "confidence")
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    category: str
    confidence: float
    def __init__(self, category: _Optional[str] = ..., confidence: _Optional[float] = ...) -> None: ...
