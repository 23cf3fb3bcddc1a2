"""complaint_platform.publishing (behind `complaints publish`): the examples pass the services' own
checks, the key and headers are the ones the services expect, and a bad document is refused with the
reason a dead letter would carry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from complaint_platform.envelope import Received, decode
from complaint_platform.publishing import PublishError, key_of, prepare, topic_for_file
from complaint_platform.validation import InvalidEvent
from complaints.v1 import inbound_pb2

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"
CASE = "42d67c1d-aba4-597e-97e0-05fba94372c1"


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda path: path.stem)
def test_every_example_passes_the_services_checks_and_is_keyed_by_case_or_customer(path):
    record = prepare(topic_for_file(path), path.read_bytes())
    assert record.topic == path.name.removesuffix(".json")
    assert record.headers == [("content-type", b"application/json")]
    assert record.key == ("C-EXAMPLE-0001" if record.topic in ("complaints.submitted.v1", "social.mentions.v1")
                          else CASE)


def test_binary_sends_the_same_message_as_protobuf():
    path = EXAMPLES / "complaints.submitted.v1.json"
    record = prepare("complaints.submitted.v1", path.read_bytes(), binary=True, event_id="EV-1")
    assert dict(record.headers) == {"content-type": b"application/x-protobuf", "event-id": b"EV-1"}
    assert inbound_pb2.ComplaintSubmitted.FromString(record.value).customer.name == "张伟"


def test_a_document_the_services_would_dead_letter_is_refused_naming_the_field():
    document = json.loads((EXAMPLES / "service.ratings.v1.json").read_text(encoding="utf-8"))
    document["score"] = 9
    with pytest.raises(PublishError, match=r"ServiceRating would be dead-lettered: score: must be between 0 and 5"):
        prepare("service.ratings.v1", json.dumps(document))


def test_an_internal_or_unknown_topic_is_refused():
    with pytest.raises(PublishError, match="topic: 'cases.intake.v1' is not an inbound topic"):
        prepare("cases.intake.v1", "{}")
    assert topic_for_file("notes.json") is None


def test_a_message_without_case_or_customer_is_keyed_by_its_own_id():
    assert key_of(inbound_pb2.CapaReport(report_id="CAPA-9")) == "CAPA-9"
    assert key_of(inbound_pb2.SocialMention(mention_id="M-9", text="x")) == "M-9"


def test_json_without_content_type_names_the_header_to_add():
    value = (EXAMPLES / "complaints.submitted.v1.json").read_bytes()
    with pytest.raises(InvalidEvent) as refused:
        decode(Received("complaints.submitted.v1", 0, 0, b"k", value, {}), None)
    assert refused.value.field == "content-type"
    assert "add the Kafka header 'content-type: application/json'" in str(refused.value)


def test_corrupt_binary_without_header_still_names_the_value():
    with pytest.raises(InvalidEvent) as refused:
        decode(Received("complaints.submitted.v1", 0, 0, b"k", b"\x08\x96\x01\xff\xff", {}), None)
    assert refused.value.field == "value"
