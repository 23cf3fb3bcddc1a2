"""Fuzzing the inbound topics: 10,000 generated messages, valid complaints among every kind of bad input.

Zero crashes; every bad message in the dead-letter topic with its original bytes and a reason
naming the field; every valid neighbour processed; duplicates make no second case. What is
generated, and which borderline inputs count as valid, is in ``fuzz_messages``.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone

import pytest
from kafka import KafkaProducer

from complaints.v1 import common_pb2, envelope_pb2, inbound_pb2
from complaint_platform.envelope import to_timestamp
from complaint_platform.topics import COMPLAINTS_SUBMITTED, CONSUMED_TOPICS, INBOUND_TOPICS, INTERNAL_TOPICS
from fuzz_messages import build_messages
from fuzz_valid import PROTOBUF, Fuzz
from tools.devstack import SERVICES
from tools.eventlog import EventTail

# Every outcome must be seen within this: 55-70 s measured on 2 cores, about 3 minutes while other
# stacks loaded the machine (intake dead-letters ~7,300 messages one acknowledged send at a time).
OUTCOME_BUDGET_S = 360
SETTLE_S = 3.0                  # then keep listening this long for anything unwanted (a second case)
CONSUMER = {topic: service for service, consumed in CONSUMED_TOPICS.items() for topic in consumed
            if topic in INBOUND_TOPICS}
REGISTRATIONS = ("CaseRegistered", "SubmissionLinked")


@pytest.fixture(scope="module")
def fuzz_stack(tmp_path_factory):
    """A stack of its own, set up as the session's: left in the shared one, these 10,000 messages
    would be read again by every later test that rewinds a consumer group (test_intake_replay
    replays complaints.submitted.v1 from offset 0 and waits 8 quiet seconds), and the 300-odd
    cases would all breach when test_service_flows moves the clock forward."""
    from tools.devstack import EmbeddedStack, Ports

    scratch = tmp_path_factory.mktemp("fuzz-stack")
    clock_file = scratch / "clock-offset"
    clock_file.write_text("0")
    stack = EmbeddedStack(Ports.free(), data_dir=None, durable=False, log_dir=scratch / "logs", session_timeout_s=3.0,
                          extra_env={"COMPLAINTS_CLOCK_FILE": str(clock_file), "LOG_FORMAT": "json", "LOG_LEVEL": "INFO"})
    stack.clock_file = clock_file
    try:
        stack.start_infrastructure()
        stack.create_topics(partitions=3)
        stack.start_services()
        yield stack
    finally:
        stack.stop()


def services_now(stack) -> datetime:
    """The services' clock (the offset file lets tests move it; this one leaves it alone)."""
    return datetime.now(timezone.utc) + timedelta(seconds=float(stack.clock_file.read_text() or 0))


def sentinels(token: str, partitions: int, now: datetime) -> list[tuple[int, Fuzz]]:
    """One valid complaint at the end of every complaints partition: once each is registered,
    everything before it in its partition (the duplicates among them) has been handled."""
    out = []
    for partition in range(partitions):
        complaint = inbound_pb2.ComplaintSubmitted(
            submission_id=f"FZ-{token}-END-{partition}", channel=common_pb2.CHANNEL_HOTLINE, summary="宽带断网两天了",
            customer=common_pb2.Customer(id=f"FZC-{token}-END-{partition}", tier=3, region="guangzhou"))
        complaint.received_at.CopyFrom(to_timestamp(now))
        out.append((partition, Fuzz(COMPLAINTS_SUBMITTED, complaint.customer.id.encode(), complaint.SerializeToString(),
                                    [("content-type", PROTOBUF)], "sentinel", "case",
                                    submission_id=complaint.submission_id)))
    return out


@pytest.mark.timeout(600)  # its own stack's start, generation (~20 s), publishing (~15 s), outcomes
def test_fuzzed_inbound_messages_are_dead_lettered_or_processed_and_nothing_crashes(fuzz_stack):
    stack = fuzz_stack
    started = time.monotonic()
    token = uuid.uuid4().hex[:8]  # only the ids change between runs; the generated content does not
    now = services_now(stack)
    messages = build_messages(now, token)
    generated_s = time.monotonic() - started

    tail = EventTail(stack.kafka_bootstrap)  # from the current end of the internal and dead-letter topics
    try:
        check_fuzzed_traffic(stack, tail, messages, token, now, started, generated_s)
    finally:
        tail.close()


def check_fuzzed_traffic(stack, tail: EventTail, messages: list[Fuzz], token: str, now: datetime,
                         started: float, generated_s: float) -> None:
    producer = KafkaProducer(bootstrap_servers=stack.kafka_bootstrap, acks="all", linger_ms=20,
                             max_request_size=8 * 1024 * 1024, batch_size=256 * 1024, client_id="complaints-fuzzer")
    try:
        partitions = len(producer.partitions_for(COMPLAINTS_SUBMITTED))
        sends = [(item, producer.send(item.topic, value=item.value, key=item.key, headers=item.headers))
                 for item in messages]
        ends = sentinels(token, partitions, now)
        sends += [(item, producer.send(item.topic, value=item.value, key=item.key, headers=item.headers,
                                       partition=partition)) for partition, item in ends]
        producer.flush(120)
        for item, future in sends:
            sent = future.get(timeout=60)
            item.coordinates = (sent.topic, sent.partition, sent.offset)
    finally:
        producer.close(10)
    everything = [item for item, _ in sends]
    published_s = time.monotonic() - started
    bad = {item.coordinates: item for item in everything if item.expect == "dead"}
    good = {item.coordinates: item for item in everything if item.expect != "dead"}
    assert len(bad) + len(good) == len(everything) == 10_000 + partitions  # coordinates are unique

    letters: dict[tuple[str, int, int], list[envelope_pb2.DeadLetter]] = defaultdict(list)
    internal_letters: list[envelope_pb2.DeadLetter] = []
    registered: dict[str, set[tuple[str, str]]] = defaultdict(set)   # submission -> {(event id, case id)}
    waiting_dead = set(bad)
    waiting_case = {item.submission_id for item in everything if item.expect == "case"}

    def take(events) -> None:
        for event in events:
            letter = event.dead_letter
            if letter is not None:
                where = (letter.source_topic, letter.source_partition, letter.source_offset)
                letters[where].append(letter)
                waiting_dead.discard(where)
                if letter.source_topic in INTERNAL_TOPICS:
                    internal_letters.append(letter)
            elif event.name in REGISTRATIONS:
                submission = event.payload.submission_id
                registered[submission].add((event.envelope.event_id, event.case_id))
                waiting_case.discard(submission)

    deadline = time.monotonic() + OUTCOME_BUDGET_S
    next_report = time.monotonic() + 20
    while (waiting_dead or waiting_case) and time.monotonic() < deadline:
        take(tail.poll(0.5))
        dead = {name: stack.processes[name].returncode for name in SERVICES if stack.processes[name].poll() is not None}
        assert not dead, f"services died: {dead}\n" + "\n".join(stack.tail(name) for name in dead)
        if time.monotonic() > next_report:
            next_report += 20
            print(f"fuzz: {len(waiting_dead)} dead letters and {len(waiting_case)} cases still awaited")
    outcomes_s = time.monotonic() - started
    settle_until = time.monotonic() + SETTLE_S
    while time.monotonic() < settle_until:
        take(tail.poll(0.5))

    # zero crashes: every service still running and serving
    for name in SERVICES:
        assert stack.processes[name].poll() is None, f"{name} exited:\n{stack.tail(name)}"
        stack.wait_healthy(name, timeout_s=60)

    # every bad message dead-lettered, untouched, with a reason that names the field
    missing = [bad[where] for where in sorted(waiting_dead)]
    assert not missing, (f"{len(missing)} bad messages never reached the dead-letter topic, by category "
                         f"{Counter(item.category for item in missing)}; first: {_show(missing[0])}")
    wrong = []
    for where, item in bad.items():
        for letter in letters[where]:
            problems = []
            if letter.original_value != (item.value or b"") or letter.original_key != (item.key or b""):
                problems.append("original bytes changed")
            if not letter.reason.strip():
                problems.append("no reason")
            if item.fields and not any(name in letter.reason for name in item.fields):
                problems.append(f"reason names none of {item.fields}")
            if item.phone and item.phone in letter.reason:
                problems.append("phone number not masked")
            if letter.rejected_by != CONSUMER[item.topic]:
                problems.append(f"rejected by {letter.rejected_by}")
            if letter.reason.startswith("handler error"):
                problems.append("a handler crashed on it instead of the validation rejecting it")
            if problems:
                wrong.append((item.category, problems, letter.reason[:300]))
    assert not wrong, f"{len(wrong)} dead letters wrong, by category {Counter(c for c, _, _ in wrong)}: {wrong[:5]}"

    # every valid neighbour processed, never dead-lettered; duplicates add nothing
    lettered_good = [(item.category, letters[where][0].reason[:300]) for where, item in good.items() if letters[where]]
    assert not lettered_good, f"{len(lettered_good)} valid messages dead-lettered: {lettered_good[:5]}"
    assert not waiting_case, f"{len(waiting_case)} valid complaints never registered: {sorted(waiting_case)[:5]}"
    doubled = {submission: seen for submission, seen in registered.items()
               if submission.startswith(f"FZ-{token}-") and len(seen) != 1}
    assert not doubled, f"submissions registered more than once: {dict(list(doubled.items())[:5])}"
    duplicates = [item for item in everything if item.expect == "duplicate"]
    assert duplicates and all(len(registered[item.submission_id]) == 1 for item in duplicates)

    # and nothing the valid ones caused downstream crashed a handler
    our_cases = {case_id for seen in registered.values() for _, case_id in seen}
    downstream = [letter.reason[:300] for letter in internal_letters if _case_of(letter) in our_cases]
    assert not downstream, f"downstream handlers dead-lettered events of the fuzzed cases: {downstream[:5]}"

    print(f"fuzz: {len(everything)} messages ({Counter(item.category for item in everything)}), "
          f"generated in {generated_s:.0f}s, published by {published_s:.0f}s, all outcomes by {outcomes_s:.0f}s, "
          f"{len(bad)} dead-lettered, {len({item.submission_id for item in good.values()})} valid submissions")


def _case_of(letter: envelope_pb2.DeadLetter) -> str:
    envelope = envelope_pb2.Envelope()
    try:
        envelope.ParseFromString(letter.original_value)
    except Exception:  # noqa: BLE001 - not an envelope: not one of ours
        return ""
    return envelope.case_id


def _show(item: Fuzz) -> str:
    value = item.value if item.value is None or len(item.value) < 300 else item.value[:300] + b"..."
    return f"{item.category} on {item.topic} at {item.coordinates}: {value!r} headers={item.headers!r:.200}"
