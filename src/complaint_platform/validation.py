"""Validation of decoded events: required fields, known enums, sane values.

Reasons name the field in protobuf path form (``customer.tier``) so the sender
can fix it from the dead-letter record alone.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

MAX_TEXT_CHARS = 20_000
MAX_ID_CHARS = 200
EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)
FUTURE_SLACK = timedelta(days=1)
# Promised times and action due dates legitimately lie in the future, but not beyond a horizon:
# "9999-12-31" is a sender's "never" sentinel, not a date, and any arithmetic on it overflows.
FUTURE_FIELDS = {"promised_reply_at", "due_at"}
FUTURE_HORIZON = timedelta(days=3653)  # ten years

REQUIRED: dict[str, tuple[str, ...]] = {
    "ComplaintSubmitted": ("submission_id", "channel", "summary"),
    "SocialMention": ("mention_id", "text"),
    "WorkOrderFeedback": ("feedback_id", "case_id", "kind"),
    "ServiceRating": ("rating_id", "case_id", "result"),
    "AgentExplanation": ("explanation_id", "case_id", "text"),
    "CallbackResult": ("callback_id", "case_id", "outcome"),
    "CapaReport": ("report_id", "kind"),
}
# At least one of each group: a complaint names its customer by id or, on channels that know only the
# number (SMS, WeChat without a linked account), by phone; intake resolves the phone through its
# customer directory (issue 16).
REQUIRED_ONE_OF: dict[str, tuple[tuple[str, ...], ...]] = {
    "ComplaintSubmitted": (("customer.id", "customer.phone"),),
}
# Keyed by the field's full name: a bare name matched RiskThresholdCrossed.score too, a 0-100
# risk score, and dead-lettered every threshold crossing above 5.
INT_RANGES: dict[str, tuple[int, int]] = {
    "complaints.v1.Customer.tier": (0, 3),
    "complaints.v1.WorkOrderDispatched.tier": (0, 3),
    "complaints.v1.ServiceRating.score": (0, 5),
    "complaints.v1.CaseRegistered.severity": (0, 4),
}
# Short values that rules group or index by: a region names a fault (region|category) in the
# proxy detector and a row in every bulletin, so a crafted long or control-character one would
# make documents and reports grow without bound. (Names and phones are not grouped by, and an
# obfuscated phone, e.g. split by zero-width characters, is still a customer's complaint: it is
# normalised and masked, not refused.)
SHORT_FIELDS: dict[str, int] = {
    "complaints.v1.Customer.region": 64,
    "complaints.v1.SocialMention.region": 64,
}
ID_FIELDS = {"submission_id", "case_id", "mention_id", "feedback_id", "work_order_id",
             "rating_id", "explanation_id", "callback_id", "report_id", "action_id", "id"}


class InvalidEvent(ValueError):
    """An event that must go to the dead-letter topic; ``field`` names the culprit."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


def validate(message: Message, now: datetime) -> None:
    for path in REQUIRED.get(message.DESCRIPTOR.name, ()):
        if not _has_value(message, path):
            raise InvalidEvent(path, "is required")
    for group in REQUIRED_ONE_OF.get(message.DESCRIPTOR.name, ()):
        if not any(_has_value(message, path) for path in group):
            raise InvalidEvent(group[0], f"is required (or {', '.join(group[1:])})")
    _check(message, "", now)


def _has_value(message: Message, path: str) -> bool:
    node = message
    parts = path.split(".")
    for part in parts[:-1]:
        if not node.HasField(part):
            return False
        node = getattr(node, part)
    value = getattr(node, parts[-1])
    return bool(value.strip()) if isinstance(value, str) else bool(value)


def _check(message: Message, prefix: str, now: datetime) -> None:
    for field, value in message.ListFields():
        path = f"{prefix}{field.name}"
        if field.type == FieldDescriptor.TYPE_MESSAGE:
            if field.message_type.full_name == "google.protobuf.Timestamp":
                _check_time(path, field.name, value, now)
            elif field.message_type.GetOptions().map_entry:
                _check_map(path, value)
            elif _is_repeated(field):
                for index, item in enumerate(value):
                    _check(item, f"{path}[{index}].", now)
            else:
                _check(value, f"{path}.", now)
        elif field.type == FieldDescriptor.TYPE_ENUM:
            values = value if _is_repeated(field) else [value]
            for item in values:
                if field.enum_type.values_by_number.get(item) is None:
                    raise InvalidEvent(path, f"unknown {field.enum_type.name} value {item}")
        elif field.type == FieldDescriptor.TYPE_STRING and not _is_repeated(field):
            limit = SHORT_FIELDS.get(field.full_name) or (MAX_ID_CHARS if field.name in ID_FIELDS else MAX_TEXT_CHARS)
            if len(value) > limit:
                raise InvalidEvent(path, f"longer than {limit} characters ({len(value)})")
            if field.full_name in SHORT_FIELDS and not value.isprintable():
                raise InvalidEvent(path, "contains control or invisible characters")
        elif field.full_name in INT_RANGES:
            low, high = INT_RANGES[field.full_name]
            if not low <= value <= high:
                raise InvalidEvent(path, f"must be between {low} and {high}, got {value}")


def _check_time(path: str, name: str, stamp: Message, now: datetime) -> None:
    try:
        moment = stamp.ToDatetime(tzinfo=timezone.utc)
    except (ValueError, OverflowError):
        raise InvalidEvent(path, "timestamp out of range") from None
    if moment < EARLIEST:
        raise InvalidEvent(path, f"timestamp {moment.isoformat()} is before {EARLIEST.date()}")
    if name not in FUTURE_FIELDS and moment > now + FUTURE_SLACK:
        raise InvalidEvent(path, f"timestamp {moment.isoformat()} is in the future")
    if moment > now + FUTURE_HORIZON:
        raise InvalidEvent(path, f"timestamp {moment.isoformat()} is more than ten years ahead")


def _check_map(path: str, mapping) -> None:
    if len(mapping) > 64:
        raise InvalidEvent(path, f"too many entries ({len(mapping)} > 64)")
    for key, value in mapping.items():
        if len(key) > MAX_ID_CHARS or len(value) > 1000:
            raise InvalidEvent(f"{path}[{key[:40]}]", "entry too long")
        if "\x00" in key:  # no document store takes it in a key name: the case would be stored by some services only
            raise InvalidEvent(f"{path}[{key[:40]!r}]", "key contains a NUL character")


def _is_repeated(field: FieldDescriptor) -> bool:
    # protobuf 5+ exposes is_repeated; label survives on older runtimes
    flag = getattr(field, "is_repeated", None)
    return bool(flag) if flag is not None else field.label == FieldDescriptor.LABEL_REPEATED
