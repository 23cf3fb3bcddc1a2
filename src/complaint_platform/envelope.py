"""The event envelope: decoding what arrives, building what leaves.

Inbound topics carry a bare event message (binary protobuf, or protobuf-JSON
when the ``content-type`` header says ``application/json``); internal topics
carry ``complaints.v1.Envelope``. Anything that cannot be decoded or fails
validation raises :class:`InvalidEvent` whose reason names the field, so the
consumer can dead-letter it and move on.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

from google.protobuf import json_format
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import DecodeError, Message

from complaints.v1 import envelope_pb2, inbound_pb2

from .topics import INBOUND_MESSAGE
from .validation import MAX_ID_CHARS, InvalidEvent, _is_repeated, validate

JSON = "application/json"
PROTOBUF = "application/x-protobuf"
_EVENT_ID_NAMESPACE = uuid.UUID("6f1c1f9e-3f57-4a55-9c49-0c8e1a7d2b10")

# payload message full name -> name of the Envelope oneof field that holds it
_PAYLOAD_FIELD = {
    field.message_type.full_name: field.name
    for field in envelope_pb2.Envelope.DESCRIPTOR.oneofs_by_name["payload"].fields
}


@dataclass(frozen=True)
class Received:
    """One consumed record, before decoding."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: dict[str, bytes]

    @property
    def content_type(self) -> str:
        raw = self.headers.get("content-type", b"")
        return raw.decode("latin-1").split(";")[0].strip().lower()


def event_id_for(*parts: str) -> str:
    """Deterministic ids make every handler's output identical on redelivery."""
    return str(uuid.uuid5(_EVENT_ID_NAMESPACE, "\x1f".join(parts)))


def to_timestamp(moment: datetime):
    from google.protobuf.timestamp_pb2 import Timestamp

    stamp = Timestamp()
    stamp.FromDatetime(moment.astimezone(timezone.utc))
    return stamp


def from_timestamp(stamp) -> datetime | None:
    if stamp is None or (stamp.seconds == 0 and stamp.nanos == 0):
        return None
    return stamp.ToDatetime(tzinfo=timezone.utc)


def decode(record: Received, now: datetime) -> envelope_pb2.Envelope:
    """Decode and validate any record into an Envelope, or raise InvalidEvent."""
    if record.value is None:
        raise InvalidEvent("value", "the message has no value (tombstone)")
    message_name = INBOUND_MESSAGE.get(record.topic)
    if message_name is None:
        envelope = _parse(envelope_pb2.Envelope(), record)
        if not envelope.event_id:
            raise InvalidEvent("event_id", "is required on internal topics")
        payload_field = envelope.WhichOneof("payload")
        if payload_field is None:
            raise InvalidEvent("payload", "the envelope carries no event")
        validate(getattr(envelope, payload_field), now)
        return envelope
    payload = _parse(getattr(inbound_pb2, message_name)(), record)
    validate(payload, now)
    header_id = _header_text(record, "event-id")
    return wrap(
        payload,
        event_id=header_id or event_id_for(record.topic, payload.SerializeToString(deterministic=True).hex()),
        case_id=getattr(payload, "case_id", ""),
        producer=_header_text(record, "producer") or "external",
        occurred_at=now,
    )


def _header_text(record: Received, name: str) -> str:
    """An id-like header (event-id, producer): it becomes the event's id and is stored, so it is bounded."""
    text = record.headers.get(name, b"").decode("utf-8", "replace")
    if len(text) > MAX_ID_CHARS:
        raise InvalidEvent(name, f"header longer than {MAX_ID_CHARS} characters ({len(text)})")
    return text


def wrap(payload: Message, *, event_id: str, case_id: str = "", producer: str,
         occurred_at: datetime, causation_id: str = "") -> envelope_pb2.Envelope:
    envelope = envelope_pb2.Envelope(
        event_id=event_id,
        event_type=payload.DESCRIPTOR.full_name,
        case_id=case_id,
        producer=producer,
        causation_id=causation_id,
    )
    envelope.occurred_at.CopyFrom(to_timestamp(occurred_at))
    getattr(envelope, _PAYLOAD_FIELD[payload.DESCRIPTOR.full_name]).CopyFrom(payload)
    return envelope


def payload_of(envelope: envelope_pb2.Envelope) -> Message:
    field = envelope.WhichOneof("payload")
    if field is None:
        raise InvalidEvent("payload", "the envelope carries no event")
    return getattr(envelope, field)


def event_names(*payload_fields: str) -> frozenset[str]:
    """Message names (the event-type header's last part) of these Envelope payload fields, e.g.
    ``event_names("case_registered")`` is ``{"CaseRegistered"}``; an unknown field is an error."""
    fields = envelope_pb2.Envelope.DESCRIPTOR.oneofs_by_name["payload"].fields
    names = {field.name: field.message_type.name for field in fields}
    unknown = sorted(set(payload_fields) - set(names))
    if unknown:
        raise ValueError(f"not an Envelope payload: {', '.join(unknown)}")
    return frozenset(names[field] for field in payload_fields)


def headers_for(*, event_id: str, event_type: str, case_id: str, producer: str) -> list[tuple[str, bytes]]:
    """The envelope's metadata repeated in Kafka headers, for routing and tracing without decoding."""
    return [
        ("content-type", PROTOBUF.encode()),
        ("event-id", event_id.encode()),
        ("event-type", event_type.encode()),
        ("case-id", case_id.encode()),
        ("producer", producer.encode()),
    ]


def _parse(message: Message, record: Received) -> Message:
    if record.content_type == JSON:
        try:
            text = record.value.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidEvent("value", f"JSON is not valid UTF-8 (byte {exc.start})") from None
        try:
            document = json.loads(text, object_pairs_hook=_unique_keys)
        except RecursionError:
            raise InvalidEvent("value", "JSON nested too deeply") from None
        except ValueError as exc:
            raise InvalidEvent("value", f"not valid JSON ({_shorten(str(exc))})") from None
        if not isinstance(document, dict):
            raise InvalidEvent("value", f"JSON must be an object, got {_json_type(document)}")
        try:
            _check_json_shape(document, message.DESCRIPTOR, "")
            return json_format.ParseDict(document, message, ignore_unknown_fields=False, max_recursion_depth=32)
        except InvalidEvent:
            raise
        except json_format.ParseError as exc:
            raise InvalidEvent(_field_from_parse_error(str(exc)), str(exc)) from None
        except RecursionError:
            raise InvalidEvent("value", "JSON nested too deeply") from None
        except (TypeError, ValueError, AttributeError, KeyError) as exc:  # json_format leaks these on odd shapes
            raise InvalidEvent("value", f"cannot map JSON onto {message.DESCRIPTOR.name} ({type(exc).__name__})") from None
    if record.content_type not in ("", PROTOBUF, "application/protobuf", "application/octet-stream"):
        raise InvalidEvent("content-type", f"unsupported content-type {record.content_type!r}")
    try:
        message.ParseFromString(record.value)
    except (DecodeError, RecursionError) as exc:
        if not record.content_type and _looks_like_json(record.value):
            raise InvalidEvent("content-type", f"the value looks like JSON but the record has no content-type "
                               f"header, so it was read as binary protobuf: add the Kafka header "
                               f"'content-type: {JSON}' to send {message.DESCRIPTOR.name} as protobuf-JSON") from None
        raise InvalidEvent("value", f"not a valid {message.DESCRIPTOR.name} protobuf ({exc})") from None
    return message


def _looks_like_json(value: bytes | None) -> bool:
    return (value or b"").lstrip()[:1] in (b"{", b"[")


_INT32 = (-(2**31), 2**31 - 1)


def _unique_keys(pairs: list[tuple[str, object]]) -> dict:
    document: dict = {}
    for key, value in pairs:
        if key in document:
            raise ValueError(f"duplicate key {_shorten(key)!r}")
        document[key] = value
    return document


def _json_type(value: object) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean", int: "a number",
            float: "a number", type(None): "null"}.get(type(value), type(value).__name__)


def _shorten(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


def _json_fields(descriptor: Descriptor) -> dict[str, FieldDescriptor]:
    fields = {field.name: field for field in descriptor.fields}
    fields.update({field.json_name: field for field in descriptor.fields})
    return fields


def _check_json_shape(document: dict, descriptor: Descriptor, prefix: str) -> None:
    """What json_format lets through by coercion: ``[]`` or ``""`` for a message, ``1.5``, ``true`` or
    ``2**40 + 4`` for an enum (silently truncated to a known value). Follows the schema, not the
    document, so its depth is the schema's; unknown names are left to json_format to report."""
    fields = _json_fields(descriptor)
    given: dict[str, str] = {}
    for key, value in document.items():
        field = fields.get(key)
        if field is None:
            continue
        path = f"{prefix}{field.name}"
        if field.name in given:  # "submission_id" and "submissionId" in one object: which one wins?
            raise InvalidEvent(path, f"given twice (as {given[field.name]!r} and {key!r})")
        given[field.name] = key
        if value is None:
            continue
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            if not isinstance(value, dict):
                raise InvalidEvent(path, f"must be a JSON object (a map), got {_json_type(value)}")
            value_field = field.message_type.fields_by_name["value"]
            for entry_key, entry in value.items():
                _check_json_value(entry, value_field, f"{path}[{_shorten(entry_key, 40)}]")
        elif _is_repeated(field):
            if not isinstance(value, list):
                raise InvalidEvent(path, f"must be a JSON array, got {_json_type(value)}")
            for index, item in enumerate(value):
                _check_json_value(item, field, f"{path}[{index}]")
        else:
            _check_json_value(value, field, path)


def _check_json_value(value: object, field: FieldDescriptor, path: str) -> None:
    if value is None:
        return
    if field.type == FieldDescriptor.TYPE_ENUM:
        if isinstance(value, str):
            return  # a name (or a number in a string); json_format checks it
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InvalidEvent(path, f"must be a {field.enum_type.name} name or number, got {_json_type(value)}")
        if isinstance(value, float) and not value.is_integer():
            raise InvalidEvent(path, f"must be a {field.enum_type.name} name or an integer, got {_shorten(repr(value))}")
        if not _INT32[0] <= value <= _INT32[1]:
            raise InvalidEvent(path, f"{field.enum_type.name} number out of range: {_shorten(repr(value))}")
    elif field.type == FieldDescriptor.TYPE_MESSAGE and not field.message_type.full_name.startswith("google.protobuf."):
        if not isinstance(value, dict):
            raise InvalidEvent(path, f"must be a JSON object, got {_json_type(value)}")
        _check_json_shape(value, field.message_type, f"{path}.")


def _field_from_parse_error(text: str) -> str:
    """json_format names the field as 'Failed to parse <field> field' or '... at Msg.field'."""
    marker = "Failed to parse "
    if marker in text:
        rest = text.split(marker, 1)[1]
        return rest.split(" ", 1)[0]
    if 'has no field named "' in text:  # before " at ": the message goes on to list the known fields
        return text.split('has no field named "', 1)[1].split('"', 1)[0]
    if " at " in text:
        return text.rsplit(" at ", 1)[1].strip().rstrip(".")
    return "value"
