"""Phone numbers and names are masked in logs, traces and dead-letter reasons; the dead-lettered
original bytes stay intact for replay. Checked by searching what the four services really wrote.

The complaints carry one customer's phone number and name (used by no other test) in the
customer fields and in the summary text, and travel the pipeline. Where a service would write
them if masking failed:

- dead-letter reasons and the "dead-lettered" warning log: a sender that put the caller's number
  into the channel field, and the contact line into the tier field (the JSON decoder repeats the
  rejected value in its error message);
- span attributes: a hotline system that builds its event ids from the caller's number (the
  intake consumer span carries the event id).

Then every log file of the stack and the spans file are searched for the raw values in every
notation: no hit. The masked forms must be found, which proves the data did reach the logs and
spans (and so that this test can fail).
"""

from __future__ import annotations

import json
import random
import time
import uuid

from complaints.v1 import common_pb2
from complaint_platform.topics import COMPLAINTS_SUBMITTED
from helpers import collect_case, names, wait_for
from tools.eventlog import EventTail, Publisher
from tools.traffic import sample_complaint

PHONE = "13719865432"
NAME = "上官婉清"
SPACED, DASHED = "137 1986 5432", "137-1986-5432"
# Every way the raw values could appear in a text file: as written, in other notations, and
# escaped (JSON \u escapes, a Python repr of the UTF-8 bytes).
RAW_FORMS = (PHONE, SPACED, DASHED, "1371986-5432", "137.1986.5432", NAME,
             json.dumps(NAME)[1:-1], repr(NAME.encode())[2:-1], NAME[1:])
MASKED_MOBILE, MASKED_WITH_86, MASKED_NAME = "137******32", "861********32", "上***"
JSON = [("content-type", b"application/json")]
SERVICES = {"complaints-intake", "complaints-dispatch", "complaints-escalation", "complaints-verification"}


def _complaint(seed: int, customer_id: str, phone: str, summary: str):
    complaint = sample_complaint(random.Random(seed), customer_id=customer_id, channel=common_pb2.CHANNEL_HOTLINE,
                                 summary=summary)
    complaint.customer.phone = phone
    complaint.customer.name = NAME
    return complaint


def _json_lines(text: str) -> list[dict]:
    found = []
    for line in text.splitlines():
        if not line.startswith("{"):
            continue
        try:
            found.append(json.loads(line))
        except json.JSONDecodeError:  # a line still being written
            continue
    return found


def _spans(spans_file) -> list[dict]:
    return _json_lines(spans_file.read_text(encoding="utf-8"))


def _wait_for_spans(spans_file, case_ids: list[str], event_id_suffix: str, timeout_s: float = 30.0) -> list[dict]:
    """Spans are exported synchronously as each one ends (SimpleSpanProcessor): wait until every
    service's spans of these cases, and intake's span of the phone-bearing event id, are in the file."""
    deadline = time.monotonic() + timeout_s
    while True:
        spans = _spans(spans_file)
        services = {case_id: {span["service"] for span in spans
                              if span["attributes"].get("complaints.case_id") == case_id} for case_id in case_ids}
        intake_span = any(span["service"] == "complaints-intake"
                          and str(span["attributes"].get("complaints.event_id")).endswith(event_id_suffix)
                          for span in spans)
        if intake_span and all(found >= SERVICES for found in services.values()):
            return spans
        if time.monotonic() > deadline:
            raise AssertionError(f"spans not written within {timeout_s}s: services per case {services}, "
                                 f"intake span with event id ...{event_id_suffix}: {intake_span}")
        time.sleep(0.2)


def _hits(text: str) -> list[str]:
    return [form for form in RAW_FORMS if form in text]


def test_phone_numbers_and_names_are_masked_in_logs_spans_and_dead_letter_reasons(stack):
    tail = EventTail(stack.kafka_bootstrap)
    publisher = Publisher(stack.kafka_bootstrap)
    try:
        _run(stack, tail, publisher)
    finally:
        tail.close()
        publisher.close()


def _run(stack, tail, publisher):
    seen: list = []
    # Two complaints through the whole pipeline: phone and name in the customer fields and the text.
    by_json = _complaint(801, "C-PD-0001", f"+86 {DASHED}",
                         f"我是{NAME}，手机{PHONE}，宽带断网两天了，报修后一直没人上门")
    by_protobuf = _complaint(802, "C-PD-0002", PHONE,
                             f"客户{NAME}（电话 {SPACED}）反映这个月话费乱扣费，多扣了五十元")
    call = uuid.uuid4().hex[:12]
    event_id = f"hotline-{PHONE}-call-{call}"
    publisher.publish(COMPLAINTS_SUBMITTED, by_json, key=by_json.customer.id, as_json=True,
                      headers=[("event-id", event_id.encode())])
    publisher.publish(COMPLAINTS_SUBMITTED, by_protobuf, key=by_protobuf.customer.id)
    # Two that are dead-lettered; their reasons would repeat the phone number and the name.
    key = "C-PD-DLQ"
    customer = {"id": key, "phone": PHONE, "name": NAME, "tier": 2}
    bad = [
        json.dumps({"submissionId": "S-PD-BAD-1", "channel": f"+86 {DASHED}", "customer": customer,
                    "summary": f"{NAME} {PHONE}"}, ensure_ascii=False).encode(),
        json.dumps({"submissionId": "S-PD-BAD-2", "channel": "CHANNEL_HOTLINE",
                    "customer": {**customer, "tier": f"{NAME} {PHONE}"}, "summary": "x"}, ensure_ascii=False).encode(),
    ]
    for value in bad:
        publisher.publish_raw(COMPLAINTS_SUBMITTED, value, key, JSON)
    publisher.flush()

    case_ids = []
    for complaint in (by_json, by_protobuf):
        def registered(event, submission_id=complaint.submission_id):
            return event.name == "CaseRegistered" and event.payload.submission_id == submission_id

        found = next((event for event in seen if registered(event)), None) or wait_for(tail, registered, 120, seen)
        case_ids.append(found.case_id)
    assert case_ids[0] != case_ids[1]
    for case_id in case_ids:
        collect_case(tail, case_id, lambda got: {"WorkOrderDispatched", "DeadlineSet"} <= set(names(got)), 120, seen)
    letters = {e.dead_letter.original_value: e.dead_letter for e in seen
               if e.dead_letter is not None and e.dead_letter.original_key == key.encode()}
    while len(letters) < len(bad):
        event = wait_for(tail, lambda e: e.dead_letter is not None and e.dead_letter.original_key == key.encode(),
                         120, seen)
        letters[event.dead_letter.original_value] = event.dead_letter

    # Dead letters: the original bytes intact for replay, the reason masked but still naming the field.
    assert set(letters) == set(bad)  # byte for byte
    for value, letter in letters.items():
        assert PHONE in value.decode() and NAME in value.decode()
        assert not _hits(letter.reason), letter.reason
    assert "channel" in letters[bad[0]].reason and MASKED_WITH_86 in letters[bad[0]].reason, letters[bad[0]].reason
    assert "customer.tier" in letters[bad[1]].reason, letters[bad[1]].reason
    assert MASKED_NAME in letters[bad[1]].reason and MASKED_MOBILE in letters[bad[1]].reason, letters[bad[1]].reason

    # Traces: wait until the spans of both cases (every service) are in the file.
    masked_event_id = event_id.replace(PHONE, MASKED_MOBILE)
    _wait_for_spans(stack.spans_file, case_ids, f"-call-{call}")

    # Search everything the stack wrote: every process's log and the spans file.
    files = sorted(stack.log_dir.glob("*.log")) + [stack.spans_file]
    assert {path.stem for path in files} >= {"intake", "dispatch", "escalation", "verification"}
    texts = {path.name: path.read_text(encoding="utf-8", errors="replace") for path in files}
    leaks = {name: _hits(text) for name, text in texts.items() if _hits(text)}
    assert not leaks, f"personal data in clear text: {leaks}"

    # ... and the masked forms are there: the data reached the logs and spans, masked.
    intake_log = texts["intake.log"]
    warnings = [entry for entry in _json_lines(intake_log) if "dead-lettered" in entry.get("message", "")]
    mine = [entry for entry in warnings if MASKED_WITH_86 in entry["message"] or MASKED_NAME in entry["message"]]
    assert len(mine) >= 2, f"no masked dead-letter warnings in intake.log: {warnings[-5:]}"
    assert any(MASKED_WITH_86 in entry.get("reason", "") for entry in mine)
    assert any(MASKED_NAME in entry.get("reason", "") and MASKED_MOBILE in entry.get("reason", "") for entry in mine)
    assert masked_event_id in texts[stack.spans_file.name]
