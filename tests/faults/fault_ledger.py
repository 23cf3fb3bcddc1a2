"""Reading back what a fault test left: whole topics, the events on them by id, and the problems report.

The checks read every record of the internal topics into a ``Ledger`` and compare it with what the
services stored; ``summarize`` and ``table`` print what they found."""

from __future__ import annotations

import asyncio
import hashlib
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer

from complaints.v1 import case_events_pb2, common_pb2, envelope_pb2
from complaint_platform.envelope import payload_of
from complaint_platform.topics import DEADLETTER, INTERNAL_TOPICS
from services.escalation.domain.deadlines import deadline_id_for
from tools.eventlog import partitions_of

K = case_events_pb2
DEADLINE_KIND = {value: name.removeprefix("DEADLINE_KIND_") for name, value in K.DeadlineKind.items()}
# Lifecycle events and the status intake shows for them (services/intake/handler.py STATUS_FROM_EVENT).
LIFECYCLE = {"OwnerAssigned": "ASSIGNED", "WorkOrderDispatched": "DISPATCHED", "CaseResolved": "RESOLVED",
             "VerificationOpened": "VERIFYING", "CaseClosed": "CLOSED", "CaseReopened": "REOPENED"}
RANK = {"REGISTERED": 0, "REOPENED": 0.5, "ASSIGNED": 1, "DISPATCHED": 2, "RESOLVED": 3, "VERIFYING": 4, "CLOSED": 5}


# --- reading whole topics ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Record:
    topic: str
    partition: int
    offset: int
    value: bytes


def read_topics(bootstrap: str, topics=(*INTERNAL_TOPICS, DEADLETTER), fetch_wait_ms: int = 100,
                idle_s: float = 3.0, timeout_s: float = 300.0) -> list[Record]:
    """Every record of ``topics`` from the beginning: read up to the end offsets, then on until
    nothing new came for ``idle_s`` (Tansu's s3 log reports stale end offsets)."""
    return asyncio.run(_read_topics(bootstrap, tuple(topics), fetch_wait_ms, idle_s, timeout_s))


async def _read_topics(bootstrap, topics, fetch_wait_ms, idle_s, timeout_s) -> list[Record]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                                fetch_max_wait_ms=fetch_wait_ms, client_id="complaints-fault-audit",
                                request_timeout_ms=60_000)
    records: list[Record] = []
    await consumer.start()
    try:
        partitions = await partitions_of(consumer, topics, attempts=100)
        consumer.assign(partitions)
        begin = await consumer.beginning_offsets(partitions)
        end = await consumer.end_offsets(partitions)
        for partition in partitions:
            consumer.seek(partition, begin[partition])
        deadline = time.monotonic() + timeout_s
        last_new = time.monotonic()
        while time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=500, max_records=5000)
            for items in batches.values():
                records += [Record(r.topic, r.partition, r.offset, r.value) for r in items]
            if batches:
                last_new = time.monotonic()
                continue
            behind = [p for p in partitions if await consumer.position(p) < end[p]]
            if not behind and time.monotonic() - last_new >= idle_s:
                return records
        raise AssertionError(f"could not read {topics} to the end within {timeout_s:.0f}s")
    finally:
        await consumer.stop()


# --- what the events say -------------------------------------------------------------------------------

@dataclass
class Event:
    event_id: str
    name: str
    case_id: str
    causation_id: str
    occurred_at: float
    payload: object
    digest: str
    topic: str = ""
    partition: int = 0
    offset: int = 0


class Ledger:
    """Every event on the internal topics, by id, with the facts the checks need."""

    def __init__(self, records: list[Record]) -> None:
        self.copies: Counter[str] = Counter()
        self.digests: dict[str, set[str]] = defaultdict(set)
        self.events: dict[str, Event] = {}
        self.dead_letters: list[envelope_pb2.DeadLetter] = []
        self.by_case: dict[str, list[Event]] = defaultdict(list)
        self.by_name: dict[str, list[Event]] = defaultdict(list)
        for record in records:
            if record.topic == DEADLETTER:
                letter = envelope_pb2.DeadLetter()
                letter.ParseFromString(record.value)
                self.dead_letters.append(letter)
                continue
            envelope = envelope_pb2.Envelope()
            envelope.ParseFromString(record.value)
            digest = hashlib.sha256(envelope.SerializeToString(deterministic=True)).hexdigest()
            self.copies[envelope.event_id] += 1
            self.digests[envelope.event_id].add(digest)
            if envelope.event_id in self.events:
                continue
            event = Event(envelope.event_id, envelope.event_type.rsplit(".", 1)[-1], envelope.case_id,
                          envelope.causation_id, envelope.occurred_at.ToNanoseconds() / 1e9, payload_of(envelope),
                          digest, record.topic, record.partition, record.offset)
            self.events[event.event_id] = event
            self.by_case[event.case_id].append(event)
            self.by_name[event.name].append(event)

    def named(self, name: str) -> list[Event]:
        return self.by_name.get(name, [])

    @property
    def redelivered(self) -> int:
        """Events published more than once (same id): what at-least-once delivery is allowed to do."""
        return sum(1 for count in self.copies.values() if count > 1)

    def differing_copies(self) -> list[str]:
        return sorted(event_id for event_id, digests in self.digests.items() if len(digests) > 1)


def distinct_per(events: list[Event], key: Callable[[Event], object]) -> dict[object, set[str]]:
    grouped: dict[object, set[str]] = defaultdict(set)
    for event in events:
        grouped[key(event)].add(event.event_id)
    return grouped


def expected_status(events: list[Event]) -> str:
    """The status intake must show, by its own rule: CLOSED is final, otherwise the newest lifecycle event."""
    lifecycle = [(event.occurred_at, RANK[LIFECYCLE[event.name]], LIFECYCLE[event.name]) for event in events
                 if event.name in LIFECYCLE]
    if any(status == "CLOSED" for _, _, status in lifecycle):
        return "CLOSED"
    return max(lifecycle)[2] if lifecycle else "REGISTERED"



def channel_name(value: int) -> str:
    return common_pb2.Channel.Name(value).removeprefix("CHANNEL_")


def deadline_kind(value: int) -> str:
    return DEADLINE_KIND.get(value, str(value))


def expected_deadline_ids(case_id: str, kind: str, subject_id: str, generations: int) -> set[str]:
    return {deadline_id_for(case_id, kind, subject_id, generation) for generation in range(generations)}


# --- reporting -----------------------------------------------------------------------------------------

def table(title: str, rows: list[tuple[str, object]]) -> str:
    width = max(len(name) for name, _ in rows)
    lines = [title, "-" * len(title)]
    lines += [f"  {name:<{width}}  {value}" for name, value in rows]
    return "\n".join(lines)



_IDS = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(-WO\d+)?|S-[0-9a-f]{16}|DL-[0-9A-F]{20}"
                  r"|SUB-S-[0-9a-f]{16}|F-[^ ]+|CB-[^ ]+|\d+(\.\d+)?")


def summarize(problems: list[str], examples: int = 3) -> str:
    """Problems grouped by kind (ids and numbers masked), the largest groups first, with examples."""
    groups: dict[str, list[str]] = defaultdict(list)
    for problem in problems:
        first_line = problem.splitlines()[0]
        groups[_IDS.sub("#", first_line)[:110]].append(problem)
    lines = [f"{len(problems)} problems in {len(groups)} kinds:"]
    for kind, members in sorted(groups.items(), key=lambda item: -len(item[1])):
        lines.append(f"  {len(members):6d} x {kind}")
        lines += [f"           e.g. {member[:400]}" for member in members[:examples]]
    return "\n".join(lines)
