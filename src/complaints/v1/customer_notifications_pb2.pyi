import datetime

from complaints.v1 import inbound_pb2 as _inbound_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class NotificationStep(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    NOTIFICATION_STEP_UNSPECIFIED: _ClassVar[NotificationStep]
    NOTIFICATION_STEP_ACKNOWLEDGED: _ClassVar[NotificationStep]
    NOTIFICATION_STEP_WORK_TAKEN: _ClassVar[NotificationStep]
    NOTIFICATION_STEP_PROMISE_APPROACHING: _ClassVar[NotificationStep]
    NOTIFICATION_STEP_PROMISE_MOVED: _ClassVar[NotificationStep]
    NOTIFICATION_STEP_AWAITING_CUSTOMER: _ClassVar[NotificationStep]
    NOTIFICATION_STEP_RESOLVED: _ClassVar[NotificationStep]
    NOTIFICATION_STEP_CALLBACK_SCHEDULED: _ClassVar[NotificationStep]
    NOTIFICATION_STEP_REOPENED: _ClassVar[NotificationStep]
    NOTIFICATION_STEP_CLOSED: _ClassVar[NotificationStep]
    NOTIFICATION_STEP_SATISFACTION_SURVEY: _ClassVar[NotificationStep]

class NotificationChannel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    NOTIFICATION_CHANNEL_UNSPECIFIED: _ClassVar[NotificationChannel]
    NOTIFICATION_CHANNEL_SMS: _ClassVar[NotificationChannel]
    NOTIFICATION_CHANNEL_WECHAT: _ClassVar[NotificationChannel]
    NOTIFICATION_CHANNEL_EMAIL: _ClassVar[NotificationChannel]
    NOTIFICATION_CHANNEL_APP: _ClassVar[NotificationChannel]
NOTIFICATION_STEP_UNSPECIFIED: NotificationStep
NOTIFICATION_STEP_ACKNOWLEDGED: NotificationStep
NOTIFICATION_STEP_WORK_TAKEN: NotificationStep
NOTIFICATION_STEP_PROMISE_APPROACHING: NotificationStep
NOTIFICATION_STEP_PROMISE_MOVED: NotificationStep
NOTIFICATION_STEP_AWAITING_CUSTOMER: NotificationStep
NOTIFICATION_STEP_RESOLVED: NotificationStep
NOTIFICATION_STEP_CALLBACK_SCHEDULED: NotificationStep
NOTIFICATION_STEP_REOPENED: NotificationStep
NOTIFICATION_STEP_CLOSED: NotificationStep
NOTIFICATION_STEP_SATISFACTION_SURVEY: NotificationStep
NOTIFICATION_CHANNEL_UNSPECIFIED: NotificationChannel
NOTIFICATION_CHANNEL_SMS: NotificationChannel
NOTIFICATION_CHANNEL_WECHAT: NotificationChannel
NOTIFICATION_CHANNEL_EMAIL: NotificationChannel
NOTIFICATION_CHANNEL_APP: NotificationChannel

class CustomerNotification(_message.Message):
    __slots__ = ("case_id", "step", "channel", "customer_id", "phone", "text", "template", "urgent", "decided_at", "promised_reply_at", "round", "survey_rating_id", "survey_choices")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    URGENT_FIELD_NUMBER: _ClassVar[int]
    DECIDED_AT_FIELD_NUMBER: _ClassVar[int]
    PROMISED_REPLY_AT_FIELD_NUMBER: _ClassVar[int]
    ROUND_FIELD_NUMBER: _ClassVar[int]
    SURVEY_RATING_ID_FIELD_NUMBER: _ClassVar[int]
    SURVEY_CHOICES_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    step: NotificationStep
    channel: NotificationChannel
    customer_id: str
    phone: str
    text: str
    template: str
    urgent: bool
    decided_at: _timestamp_pb2.Timestamp
    promised_reply_at: _timestamp_pb2.Timestamp
    round: int
    survey_rating_id: str
    survey_choices: _containers.RepeatedCompositeFieldContainer[SurveyChoice]
    def __init__(self, case_id: _Optional[str] = ..., step: _Optional[_Union[NotificationStep, str]] = ..., channel: _Optional[_Union[NotificationChannel, str]] = ..., customer_id: _Optional[str] = ..., phone: _Optional[str] = ..., text: _Optional[str] = ..., template: _Optional[str] = ..., urgent: _Optional[bool] = ..., decided_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., promised_reply_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., round: _Optional[int] = ..., survey_rating_id: _Optional[str] = ..., survey_choices: _Optional[_Iterable[_Union[SurveyChoice, _Mapping]]] = ...) -> None: ...

class SurveyChoice(_message.Message):
    __slots__ = ("reply", "result", "score", "label")
    REPLY_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    reply: str
    result: _inbound_pb2.RatingResult
    score: int
    label: str
    def __init__(self, reply: _Optional[str] = ..., result: _Optional[_Union[_inbound_pb2.RatingResult, str]] = ..., score: _Optional[int] = ..., label: _Optional[str] = ...) -> None: ...
