"""What the inbound fuzzing test found, pinned down: coercions protobuf-JSON let through, a range
check matching the wrong field, unstorable keys, unbounded future times and headers, and dead
letters that did not fit a Kafka request."""

import asyncio
import json
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from aiokafka.errors import MessageSizeTooLargeError

from complaints.v1 import case_events_pb2, common_pb2, envelope_pb2, inbound_pb2
from complaint_platform.envelope import Received, decode, payload_of, to_timestamp, wrap
from complaint_platform.streaming import EventProcessor
from complaint_platform.topics import (CAPA_REPORTS, CASES_INTAKE, CASES_SUPERVISION, COMPLAINTS_SUBMITTED, DEADLETTER,
                                       SERVICE_RATINGS)
from complaint_platform.validation import InvalidEvent

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)
BASE = {"submissionId": "S-1", "channel": "CHANNEL_SMS", "customer": {"id": "C1", "tier": 2}, "summary": "断网"}


def as_json(**changes) -> bytes:
    document = {**BASE, **changes}
    return json.dumps(document).encode()


def decode_json(value: bytes, topic: str = COMPLAINTS_SUBMITTED, headers: dict | None = None):
    return decode(Received(topic, 0, 1, b"C1", value, {"content-type": b"application/json", **(headers or {})}), NOW)


def rejected(value: bytes, **kwargs) -> InvalidEvent:
    with pytest.raises(InvalidEvent) as caught:
        decode_json(value, **kwargs)
    return caught.value


@pytest.mark.parametrize("document, kind", [
    (b"[1, 2]", "an array"), (b'"text"', "a string"), (b"null", "null"), (b"7", "a number"), (b"true", "a boolean"),
])
def test_json_that_is_not_an_object_is_rejected_as_such(document, kind):
    error = rejected(document)
    assert error.field == "value" and kind in error.problem


@pytest.mark.parametrize("channel", [1.5, True, 2**40 + 4, 2**32 + 4, -(2**31) - 1, [4], {"x": 4}, float("nan")])
def test_enum_values_json_format_would_coerce_into_a_known_value_are_rejected(channel):
    # protobuf's parser reads 1.5 and true as 1 (HOTLINE) and 2**40 + 4 as 4 (SMS)
    assert rejected(as_json(channel=channel)).field == "channel"


@pytest.mark.parametrize("channel, expected", [("CHANNEL_SMS", 4), (4, 4), (4.0, 4), ("4", 4)])
def test_enum_names_and_integral_numbers_stay_valid(channel, expected):
    assert payload_of(decode_json(as_json(channel=channel))).channel == expected


@pytest.mark.parametrize("customer", [[], "", "C1", 5])
def test_a_message_field_must_be_an_object(customer):
    error = rejected(as_json(customer=customer))
    assert error.field == "customer" and "object" in error.problem


def test_a_map_must_be_an_object():
    assert rejected(as_json(attributes=[])).field == "attributes"


def test_a_field_given_under_both_names_is_rejected():
    value = b'{"submission_id": "A", "submissionId": "B", "channel": "CHANNEL_SMS", "customer": {"id": "C"}, "summary": "x"}'
    error = rejected(value)
    assert error.field == "submission_id" and "twice" in error.problem


def test_an_unknown_json_field_is_named_by_itself():
    assert rejected(as_json(bogusField=1)).field == "bogusField"


def test_duplicate_keys_and_deep_nesting_name_the_value():
    assert rejected(b'{"submissionId": "A", "submissionId": "B"}').field == "value"
    assert rejected(b"[" * 10_000 + b"]" * 10_000).problem == "JSON nested too deeply"


@pytest.mark.parametrize("ahead, ok", [(timedelta(days=9 * 365), True), (timedelta(days=3654), False),
                                       (datetime(9999, 12, 31, tzinfo=timezone.utc) - NOW, False)])
def test_future_fields_are_bounded_at_ten_years(ahead, ok):
    complaint = inbound_pb2.ComplaintSubmitted(submission_id="S", channel=4, summary="x",
                                               customer=common_pb2.Customer(id="C"))
    complaint.promised_reply_at.CopyFrom(to_timestamp(NOW + ahead))
    record = Received(COMPLAINTS_SUBMITTED, 0, 1, None, complaint.SerializeToString(), {})
    if ok:
        decode(record, NOW)
    else:
        with pytest.raises(InvalidEvent, match="promised_reply_at: .* more than ten years ahead"):
            decode(record, NOW)


def test_capa_due_dates_are_bounded_too():
    report = inbound_pb2.CapaReport(report_id="R", kind=2, action=inbound_pb2.CapaAction(action_id="A"))
    report.action.due_at.CopyFrom(to_timestamp(datetime(9999, 1, 1, tzinfo=timezone.utc)))
    with pytest.raises(InvalidEvent, match="action.due_at"):
        decode(Received(CAPA_REPORTS, 0, 1, None, report.SerializeToString(), {}), NOW)


def test_ranges_apply_to_the_field_they_are_for_not_every_field_of_that_name():
    crossed = wrap(case_events_pb2.RiskThresholdCrossed(case_id="K1", score=90.0, threshold=80.0),
                   event_id="E1", case_id="K1", producer="escalation", occurred_at=NOW)
    record = Received(CASES_SUPERVISION, 0, 1, b"K1", crossed.SerializeToString(), {})
    assert payload_of(decode(record, NOW)).score == 90.0  # a 0-100 risk score, not a 0-5 rating
    rating = inbound_pb2.ServiceRating(rating_id="R", case_id="K1", result=1, score=6)
    with pytest.raises(InvalidEvent, match="score: must be between 0 and 5, got 6"):
        decode(Received(SERVICE_RATINGS, 0, 1, None, rating.SerializeToString(), {}), NOW)
    registered = wrap(case_events_pb2.CaseRegistered(case_id="K1", severity=5), event_id="E2", case_id="K1",
                      producer="intake", occurred_at=NOW)
    with pytest.raises(InvalidEvent, match="severity"):
        decode(Received(CASES_INTAKE, 0, 1, b"K1", registered.SerializeToString(), {}), NOW)


def test_attribute_keys_with_nul_are_rejected():
    error = rejected(as_json(attributes={"cell\u0000id": "CELL-1"}))
    assert error.field.startswith("attributes[") and "NUL" in error.problem
    assert payload_of(decode_json(as_json(attributes={"a.b": "1", "$x": "2", "地址": "3"}))).attributes["a.b"] == "1"


def test_id_headers_are_bounded():
    assert decode_json(as_json(), headers={"event-id": b"E" * 200}).event_id == "E" * 200
    assert rejected(as_json(), headers={"event-id": b"E" * 201}).field == "event-id"
    assert rejected(as_json(), headers={"producer": "系".encode() * 201}).field == "producer"


# -- dead letters -----------------------------------------------------------------------------
class FakeProducer:
    def __init__(self, refuse_first: int = 0) -> None:
        self.sent: list[tuple[str, bytes, bytes | None, list]] = []
        self.refuse = refuse_first

    async def send_and_wait(self, topic, value, key=None, headers=None):
        if self.refuse:
            self.refuse -= 1
            raise MessageSizeTooLargeError("too large")
        self.sent.append((topic, value, key, headers))


def processor(producer: FakeProducer) -> EventProcessor:
    instance = EventProcessor.__new__(EventProcessor)  # only what _dead_letter touches
    instance._settings = SimpleNamespace(service="intake")
    instance._producer = producer
    instance._dead = SimpleNamespace(add=lambda *args, **kwargs: None)
    return instance


def letter_of(producer: FakeProducer) -> envelope_pb2.DeadLetter:
    topic, value, _key, _headers = producer.sent[-1]
    assert topic == DEADLETTER
    letter = envelope_pb2.DeadLetter()
    letter.ParseFromString(value)
    return letter


def test_a_dead_letter_keeps_the_original_bytes_and_caps_what_else_the_sender_controls():
    producer = FakeProducer()
    value, key = b"\xff" * 1_100_000, b"k" * 5000
    record = Received(COMPLAINTS_SUBMITTED, 2, 41, key, value, {"content-type": b"text/" + b"x" * 1_000_000})
    reason = 'value: no field named "' + "x" * 1_000_000 + '" (customer 13800138000)'
    asyncio.run(processor(producer)._dead_letter(record, "13800138000 " + reason, NOW))
    letter = letter_of(producer)
    assert letter.original_value == value and letter.original_key == key
    assert (letter.source_topic, letter.source_partition, letter.source_offset) == (COMPLAINTS_SUBMITTED, 2, 41)
    assert len(letter.reason) < 2100 and letter.reason.startswith("138******00 value: no field named")
    assert len(letter.content_type) < 210
    _topic, _value, sent_key, headers = producer.sent[-1]
    assert len(sent_key) == 1024 and len(dict(headers)["reason"]) <= 1000


def test_a_dead_letter_too_large_for_the_broker_goes_without_its_bytes_instead_of_stopping_the_partition():
    producer = FakeProducer(refuse_first=1)
    record = Received(COMPLAINTS_SUBMITTED, 1, 7, b"C1", b"x" * 100, {})
    asyncio.run(processor(producer)._dead_letter(record, "summary: longer than 20000 characters", NOW))
    letter = letter_of(producer)
    assert letter.original_value == b"" and letter.source_offset == 7
    assert "summary: longer than" in letter.reason and f"replay from {COMPLAINTS_SUBMITTED}[1]@7" in letter.reason


@pytest.mark.parametrize("customer, field, problem", [
    ({"id": "C1", "region": "r" * 65}, "customer.region", "longer than 64"),
    ({"id": "C1", "region": "guang\u200bzhou"}, "customer.region", "control or invisible"),
    ({"id": "C1", "region": "guangzhou\n"}, "customer.region", "control or invisible"),
])
def test_short_values_that_rules_group_by_are_bounded(customer, field, problem):
    refused = rejected(as_json(customer=customer))
    assert refused.field.endswith(field) and problem in str(refused)


def test_a_region_within_bounds_passes_and_an_obfuscated_phone_is_not_refused():
    decoded = decode_json(as_json(customer={"id": "C1", "region": "广州 天河", "phone": "139\u200b1234\u200b5634"}))
    assert decoded.complaint_submitted.customer.region == "广州 天河"
