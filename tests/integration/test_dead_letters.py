"""Bad input goes to the dead-letter topic with a reason; the partition keeps flowing."""

from __future__ import annotations

import random

from complaints.v1 import common_pb2
from complaint_platform.topics import COMPLAINTS_SUBMITTED
from helpers import wait_for
from tools.eventlog import EventTail, Publisher
from tools.traffic import sample_complaint

JSON = [("content-type", b"application/json")]


def test_bad_messages_are_dead_lettered_and_good_neighbours_processed(stack):
    tail = EventTail(stack.kafka_bootstrap)
    publisher = Publisher(stack.kafka_bootstrap)
    key = "C-DLQ-0001"  # same key: every message lands on one partition, in order
    bad = [
        (b"\x08\x96\x01\xff\xff garbage", [], "value"),
        (b'{"submissionId": "S-x1", "channel": "CHANNEL_TELEPATHY", "customer": {"id": "C"}, "summary": "x"}', JSON, "channel"),
        (b'{"channel": "CHANNEL_SMS", "customer": {"id": "C"}, "summary": "x"}', JSON, "submission_id"),
        (b'{"submissionId": ["S"], "channel": "CHANNEL_SMS"}', JSON, "submissionId"),
    ]
    good = sample_complaint(random.Random(3), customer_id=key, channel=common_pb2.CHANNEL_SMS)
    for value, headers, _ in bad[:2]:
        publisher.publish_raw(COMPLAINTS_SUBMITTED, value, key, headers)
    publisher.publish(COMPLAINTS_SUBMITTED, good, key=key)
    for value, headers, _ in bad[2:]:
        publisher.publish_raw(COMPLAINTS_SUBMITTED, value, key, headers)
    publisher.flush()

    seen = []
    wait_for(tail, lambda e: e.name == "CaseRegistered" and e.payload.submission_id == good.submission_id, seen=seen)
    letters = [e.dead_letter for e in seen if e.dead_letter is not None and e.dead_letter.original_key == key.encode()]
    while len(letters) < len(bad):
        event = wait_for(tail, lambda e: e.dead_letter is not None and e.dead_letter.original_key == key.encode(),
                         seen=seen)
        letters.append(event.dead_letter)
    by_value = {letter.original_value: letter for letter in letters}
    for value, _, field in bad:
        letter = by_value[value]  # the original bytes, untouched
        assert letter.source_topic == COMPLAINTS_SUBMITTED
        assert letter.rejected_by == "intake"
        assert field in letter.reason, letter.reason
    offsets = sorted(letter.source_offset for letter in letters)
    assert len(set(offsets)) == len(bad)
    assert len({letter.source_partition for letter in letters}) == 1
    tail.close()
    publisher.close()


def test_an_event_id_reused_for_different_content_is_dead_lettered_not_taken_for_a_repeat(stack, tail, publisher):
    rng = random.Random(77)
    key = "C-DLQ-REUSE"
    first, other = (sample_complaint(rng, customer_id=key, channel=common_pb2.CHANNEL_SMS) for _ in range(2))
    event_id = [("event-id", b"EV-REUSED-0001")]
    publisher.publish(COMPLAINTS_SUBMITTED, first, key=key, headers=event_id)
    publisher.publish(COMPLAINTS_SUBMITTED, first, key=key, as_json=True, headers=event_id)  # a repeat, re-encoded
    publisher.publish(COMPLAINTS_SUBMITTED, other, key=key, headers=event_id)  # another complaint, same id
    publisher.flush()

    seen = []
    wait_for(tail, lambda e: e.name == "CaseRegistered" and e.payload.submission_id == first.submission_id, seen=seen)
    def mine(event) -> bool:
        return event.dead_letter is not None and event.dead_letter.original_key == key.encode()

    letter = next((e for e in seen if mine(e)), None) or wait_for(tail, mine, seen=seen)
    letter = letter.dead_letter
    assert letter.original_value == other.SerializeToString()
    assert "event id EV-REUSED-0001 was already used by a different ComplaintSubmitted" in letter.reason
    for event in tail.events(3.0):  # the repeat changed nothing, the other complaint was not registered
        seen.append(event)
    assert [e.dead_letter.original_value for e in seen if mine(e)] == [other.SerializeToString()]
    assert not [e for e in seen if e.name == "CaseRegistered" and e.payload.submission_id == other.submission_id]
    assert len([e for e in seen if e.name == "CaseRegistered" and e.payload.submission_id == first.submission_id]) == 1
