"""Generated inbound traffic for the fuzzing test: valid complaints mixed with every kind of bad input.

This module holds the whole mix (``build_messages``); valid messages and their parts are in
``fuzz_valid``, the strategies for each kind of bad input in ``fuzz_bad``.

Every message knows, by construction, what must become of it:

* ``dead``: not a valid event of its topic; it must reach the dead-letter topic with its
  original bytes and a reason that names ``fields`` (any one of them), if given;
* ``case``: a valid ``ComplaintSubmitted``; it must produce ``CaseRegistered`` or
  ``SubmissionLinked`` for its submission id;
* ``duplicate``: a resend or redelivery of a valid complaint; it must be neither
  dead-lettered nor produce a second registration.

Generation is hypothesis, derandomized (``settings(derandomize=True)`` plus an explicit
``@seed`` for top-up rounds), so a failure reproduces exactly; only the run token in the ids
changes between runs, so events never collide with those of an earlier run on the same stack.

Decisions the contract leaves open, made explicit in these modules (docs/design.md s.5, validation.py):

* A far-future ``promised_reply_at`` / ``due_at`` is bad beyond ten years (``FUTURE_HORIZON``):
  "9999-12-31" is a sender's "never" sentinel, not a date. Up to ten years ahead is valid.
* ``received_at`` up to one day ahead is valid (clock skew; intake clamps it to now); earlier
  than 2000-01-01 or later than that is bad. Exactly 2000-01-01 is valid.
* Integers written as strings (``"tier": "2"``) and enum numbers (``"channel": 4``) are valid
  protobuf-JSON; a boolean, a fraction or a number beyond int32 for an enum is not (protobuf's
  parser used to coerce ``1.5``, ``true`` or ``2**40 + 4`` into a known value).
* A second message with the same (channel, submission_id), or the same bytes again, is a
  duplicate: not an error, and no second case.
* Attribute keys may hold any text but NUL, which no document store takes in a key name
  (dispatch and verification crashed storing it while intake had registered the case).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import datetime

from google.protobuf import json_format
from hypothesis import strategies as st

from complaints.v1 import common_pb2, inbound_pb2
from complaint_platform import topics
from fuzz_bad import (
    bad_timestamps,
    deep_nesting,
    invalid_utf8,
    missing_required,
    negative_tiers,
    unbounded_regions,
    nul_in_key,
    oversized,
    phone_in_reason,
    random_bytes,
    unknown_enums,
    wrong_envelope,
    wrong_types,
)
from fuzz_valid import JSON, PROTOBUF, SUBMITTED, Fuzz, ValidSpec, _stamp, collect, encode, valid_complaints


def huge_messages(now: datetime, token: str) -> list[Fuzz]:
    """A handful of ~1 MB messages: more than a default 1 MiB Kafka request once dead-lettered."""
    size = 1_100_000
    big_cn = "断网投诉" * (size // 12 + 1)      # 3 bytes per character in UTF-8
    big_ascii = "network down " * (size // 13 + 1)
    complaint = inbound_pb2.ComplaintSubmitted(submission_id=f"FZ-BIG-{token}-1", channel=common_pb2.CHANNEL_HOTLINE,
                                               customer=common_pb2.Customer(id="FZ-BIG", tier=2), summary=big_cn[:size // 3])
    as_json = inbound_pb2.ComplaintSubmitted()
    as_json.CopyFrom(complaint)
    as_json.submission_id, as_json.summary = f"FZ-BIG-{token}-2", big_ascii[:size]
    mention = inbound_pb2.SocialMention(mention_id=f"M-BIG-{token}", platform="weibo", text=big_cn[:size // 3])
    unknown_name = json.dumps({"submissionId": f"FZ-BIG-{token}-3", "x" * size: 1}).encode()
    rnd = random.Random(8)
    feedback = inbound_pb2.WorkOrderFeedback(feedback_id=f"F-BIG-{token}", case_id="K-1", kind=1)
    return [
        Fuzz(SUBMITTED, b"FZ-BIG", complaint.SerializeToString(), [("content-type", PROTOBUF)], "huge_1mb", "dead",
             ("summary",)),
        Fuzz(SUBMITTED, b"FZ-BIG", json_format.MessageToJson(as_json, indent=None).encode(), [("content-type", JSON)],
             "huge_1mb", "dead", ("summary",)),
        Fuzz(topics.SOCIAL_MENTIONS, b"FZ-BIG", mention.SerializeToString(), [("content-type", PROTOBUF)], "huge_1mb",
             "dead", ("text",)),
        Fuzz(SUBMITTED, b"FZ-BIG", unknown_name, [("content-type", JSON)], "huge_1mb", "dead"),
        Fuzz(topics.CAPA_REPORTS, b"FZ-BIG", rnd.randbytes(size), [], "huge_1mb", "dead", ("value",)),
        Fuzz(topics.WORKORDER_FEEDBACK, b"x" * size, feedback.SerializeToString(),
             [("content-type", b"text/" + b"x" * size)], "huge_1mb", "dead", ("content-type",)),
    ]


# -- the whole mix ----------------------------------------------------------------------------
BAD_MIX: dict[str, tuple[int, Callable[[datetime], st.SearchStrategy[Fuzz]]]] = {
    "random_bytes": (2000, random_bytes),
    "wrong_types": (2110, wrong_types),
    "invalid_utf8": (900, invalid_utf8),
    "deep_nesting": (60, deep_nesting),
    "unknown_enum": (1100, unknown_enums),
    "negative_tier": (800, negative_tiers),
    "bad_timestamp": (1200, bad_timestamps),
    "missing_required": (700, missing_required),
    "oversized": (300, oversized),
    "wrong_envelope": (200, wrong_envelope),
    "phone_in_reason": (24, phone_in_reason),
    "nul_in_key": (40, nul_in_key),
    "unbounded_region": (100, unbounded_regions),
}
VALID = 320
DUPLICATES = 140  # total 320 + 140 + 6 huge + sum(BAD_MIX) = 10,000


def build_messages(now: datetime, token: str) -> list[Fuzz]:
    """Every message, bad ones shuffled among the valid ones; duplicates at the end (after their originals)."""
    messages: list[Fuzz] = []
    specs = collect(valid_complaints(now), VALID, "valid")
    valid: list[tuple[Fuzz, inbound_pb2.ComplaintSubmitted, ValidSpec]] = []
    for index, spec in enumerate(specs):
        complaint = spec.complaint
        complaint.submission_id = f"FZ-{token}-{index:04d}"
        complaint.customer.id = f"FZC-{token}-{index % 200:03d}"  # some customers complain twice: a merge, or not
        value, headers = encode(complaint, spec.as_json)
        if spec.with_event_id:
            headers.append(("event-id", f"EV-{token}-{index}-{spec.event_id_suffix}".encode("utf-8")))
        item = Fuzz(SUBMITTED, complaint.customer.id.encode(), value, headers, "valid", "case",
                    submission_id=complaint.submission_id)
        valid.append((item, complaint, spec))
        messages.append(item)
    for label, (count, strategy) in BAD_MIX.items():
        messages.extend(collect(strategy(now), count, label))
    messages.extend(huge_messages(now, token))
    random.Random(20).shuffle(messages)  # valid neighbours between bad ones, on every partition
    messages.extend(duplicates(valid, DUPLICATES, now))
    return messages


def duplicates(valid, count: int, now: datetime) -> list[Fuzz]:
    """Redeliveries (same bytes), the same event re-encoded, and resends of the same submission."""
    out = []
    rnd = random.Random(21)
    for index, (original, complaint, spec) in enumerate(rnd.sample(valid, count)):
        kind = ("redelivery", "reencoded", "resend")[index % 3]
        if kind == "redelivery":
            value, headers = original.value, list(original.headers)
        elif kind == "reencoded":  # same event, other encoding, same event-id header if it had one
            value, headers = encode(complaint, not spec.as_json)
            headers += [header for header in original.headers if header[0] == "event-id"]
        else:  # the channel sends the same submission again, reworded, later, under a new event id
            resend = inbound_pb2.ComplaintSubmitted()
            resend.CopyFrom(complaint)
            resend.summary = f"{complaint.summary[:200]} (再次投诉 {index})"
            _stamp(now, resend.received_at)
            value, headers = encode(resend, rnd.random() < 0.5)
            headers.append(("event-id", f"EV-resend-{complaint.submission_id}".encode()))
        out.append(Fuzz(SUBMITTED, original.key, value, headers, f"duplicate_{kind}", "duplicate",
                        submission_id=complaint.submission_id))
    return out
