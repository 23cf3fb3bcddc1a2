"""Decoding inbound and internal records: binary, protobuf-JSON, and every kind of bad input."""

import json
from datetime import datetime, timedelta, timezone

import pytest
from google.protobuf import json_format

from complaints.v1 import common_pb2, envelope_pb2, inbound_pb2
from complaint_platform.envelope import Received, decode, event_id_for, payload_of, to_timestamp, wrap
from complaint_platform.topics import CASES_INTAKE, COMPLAINTS_SUBMITTED, WORKORDER_FEEDBACK
from complaint_platform.validation import InvalidEvent

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)


def complaint(**overrides) -> inbound_pb2.ComplaintSubmitted:
    message = inbound_pb2.ComplaintSubmitted(
        submission_id="S-1", channel=common_pb2.CHANNEL_HOTLINE, summary="宽带断网两天了",
        customer=common_pb2.Customer(id="C1", phone="13800138000", name="张伟", tier=2, region="guangzhou"),
        first_contact="agent-7", attributes={"cell_id": "CELL-1"})
    message.received_at.CopyFrom(to_timestamp(NOW - timedelta(minutes=1)))
    for key, value in overrides.items():
        setattr(message, key, value)
    return message


def record(value: bytes, topic: str = COMPLAINTS_SUBMITTED, content_type: str = "") -> Received:
    headers = {"content-type": content_type.encode()} if content_type else {}
    return Received(topic=topic, partition=0, offset=7, key=b"C1", value=value, headers=headers)


def as_json(message) -> bytes:
    return json_format.MessageToJson(message).encode()


def test_binary_and_json_decode_to_the_same_event():
    binary = decode(record(complaint().SerializeToString()), NOW)
    from_json = decode(record(as_json(complaint()), content_type="application/json"), NOW)
    assert payload_of(binary) == payload_of(from_json) == complaint()
    assert binary.event_type == "complaints.v1.ComplaintSubmitted"
    assert binary.event_id == from_json.event_id  # derived from content, so redelivery keeps it


def test_event_id_header_wins_when_the_sender_gives_one():
    rec = Received(COMPLAINTS_SUBMITTED, 0, 1, None, complaint().SerializeToString(), {"event-id": b"E-42"})
    assert decode(rec, NOW).event_id == "E-42"


@pytest.mark.parametrize("value, field", [
    (b"\xff\x00garbage", "value"),
    (b'{"submissionId": "S-1", "channel": "CHANNEL_TELEPATHY"}', "channel"),
    (b'{"submissionId": 12, "channel": "CHANNEL_SMS"}', "submissionId"),
    (b'{"submissionId": "S-1", "channel": "CHANNEL_SMS", "customer": {"tier": "high"}}', "customer"),
    (b'{"submissionId": "S-1", "bogus": 1}', "bogus"),
    (b"\xc3\x28", "value"),
])
def test_malformed_json_names_the_field(value, field):
    with pytest.raises(InvalidEvent) as caught:
        decode(record(value, content_type="application/json"), NOW)
    assert field in str(caught.value)


@pytest.mark.parametrize("change, field", [
    ({"submission_id": ""}, "submission_id"),
    ({"channel": 0}, "channel"),
    ({"summary": "   "}, "summary"),
    ({"channel": 99}, "channel"),
])
def test_missing_required_fields_and_unknown_enums_are_named(change, field):
    with pytest.raises(InvalidEvent) as caught:
        decode(record(complaint(**change).SerializeToString()), NOW)
    assert caught.value.field == field


def test_nested_and_range_checks():
    bad_tier = complaint()
    bad_tier.customer.tier = -1
    with pytest.raises(InvalidEvent, match="customer.tier"):
        decode(record(bad_tier.SerializeToString()), NOW)
    no_customer = complaint()
    no_customer.ClearField("customer")
    with pytest.raises(InvalidEvent, match=r"customer.id: is required \(or customer.phone\)"):
        decode(record(no_customer.SerializeToString()), NOW)
    phone_only = complaint()
    phone_only.customer.id = ""
    phone_only.customer.phone = "138 0013 8000"  # intake resolves it through the customer directory
    decode(record(phone_only.SerializeToString()), NOW)


@pytest.mark.parametrize("moment", [datetime(1990, 1, 1, tzinfo=timezone.utc), NOW + timedelta(days=30)])
def test_timestamps_far_in_the_past_or_future_are_rejected(moment):
    message = complaint()
    message.received_at.CopyFrom(to_timestamp(moment))
    with pytest.raises(InvalidEvent, match="received_at"):
        decode(record(message.SerializeToString()), NOW)


def test_promised_reply_time_may_lie_in_the_future():
    message = complaint()
    message.promised_reply_at.CopyFrom(to_timestamp(NOW + timedelta(days=3)))
    assert payload_of(decode(record(message.SerializeToString()), NOW)).promised_reply_at.seconds > 0


def test_oversized_text_is_rejected():
    with pytest.raises(InvalidEvent, match="summary: longer than"):
        decode(record(complaint(summary="断" * 1_000_000).SerializeToString()), NOW)


def test_deeply_nested_json_is_rejected_not_crashing():
    nested = b'{"customer": ' * 5000 + b"{}" + b"}" * 5000
    with pytest.raises(InvalidEvent):
        decode(record(nested, content_type="application/json"), NOW)


def test_unsupported_content_type_is_named():
    with pytest.raises(InvalidEvent, match="content-type"):
        decode(record(b"<xml/>", content_type="text/xml"), NOW)


def test_internal_topics_need_an_envelope_with_an_id_and_a_payload():
    envelope = wrap(inbound_pb2.ServiceRating(rating_id="R1", case_id="K1", result=inbound_pb2.RATING_RESULT_SATISFIED),
                    event_id="E1", case_id="K1", producer="test", occurred_at=NOW)
    assert decode(record(envelope.SerializeToString(), topic=CASES_INTAKE), NOW).event_id == "E1"
    with pytest.raises(InvalidEvent, match="event_id"):
        decode(record(envelope_pb2.Envelope(event_type="x").SerializeToString(), topic=CASES_INTAKE), NOW)
    with pytest.raises(InvalidEvent, match="payload"):
        decode(record(envelope_pb2.Envelope(event_id="E2").SerializeToString(), topic=CASES_INTAKE), NOW)


def test_feedback_requires_case_and_kind():
    feedback = inbound_pb2.WorkOrderFeedback(feedback_id="F1", case_id="K1")
    with pytest.raises(InvalidEvent, match="kind: is required"):
        decode(record(feedback.SerializeToString(), topic=WORKORDER_FEEDBACK), NOW)


def test_event_ids_are_deterministic_and_distinct():
    assert event_id_for("a", "b") == event_id_for("a", "b")
    assert event_id_for("a", "b") != event_id_for("ab", "")
    assert json.loads(json.dumps(event_id_for("x")))  # a plain string
