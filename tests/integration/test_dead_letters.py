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
