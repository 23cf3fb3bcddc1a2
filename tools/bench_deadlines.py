"""``make bench-deadlines``: how late breaches fire with 100k open deadlines (target: p99 within 1 s).

Starts the embedded stack (or uses KAFKA_BOOTSTRAP_SERVERS / MONGODB_URI) with the escalation service alone, stores BENCH_DEADLINES open clocks
(default 100,000) falling due over BENCH_SPREAD_S seconds (default 60) from 30 s after the start,
and measures, for every DeadlineBreached the service publishes, how long after its due time it was
seen on the topic. Writes bench-results/deadlines.json.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import datetime, timedelta, timezone

import pymongo

from complaint_platform.policy import load_policy_file
from services.escalation import documents, store
from services.escalation.domain.calendar import HOTLINE
from services.escalation.domain.deadlines import Deadline
from services.escalation.domain.policy import load as load_policy
from services.escalation.domain.supervision import SupervisedCase

from .bench import RESULTS, _pct, say
from .devstack import ROOT, EmbeddedStack, Ports
from .eventlog import EventTail

PER_CASE = 10


def seed(database, count: int, first_due: datetime, spread_s: float) -> dict[str, datetime]:
    policy = load_policy(load_policy_file(ROOT / "config" / "policy.yaml").child("escalation"))
    due_by_id: dict[str, datetime] = {}
    cases, states = [], []
    for index in range(count):
        case_id = f"BENCH-{index // PER_CASE:06d}"
        if index % PER_CASE == 0:
            case = SupervisedCase(case_id=case_id, region="guangzhou", opened_at=first_due - timedelta(hours=1))
            cases.append(store.case_document(case))
            states.append({"_id": case_id, "state": case.to_dict(), "version": 0, store.CLOCKS_FIELD: []})
        due = first_due + timedelta(seconds=spread_s * index / count)
        clock = Deadline.start(case_id, "WORK_ORDER_REPLY", f"{case_id}-WO{index % PER_CASE}", due - timedelta(hours=1),
                               HOTLINE, policy, due_at=due)
        clock.state = "WARNED"  # past its warning point: the next thing it does is breach
        states[-1][store.CLOCKS_FIELD].append({**clock.to_dict(), "version": 0})
        due_by_id[clock.deadline_id] = due
    for start in range(0, len(cases), 1000):
        database[store.CASES].insert_many(cases[start:start + 1000], ordered=False)
        database[store.CASE_STATES].insert_many(states[start:start + 1000], ordered=False)
        if start % 2000 == 0:
            say(f"  stored {min(start + 1000, len(cases)) * PER_CASE:,}/{count:,} deadlines")
    return due_by_id


def main() -> None:
    count = int(os.environ.get("BENCH_DEADLINES", "100000"))
    spread_s = float(os.environ.get("BENCH_SPREAD_S", "60"))
    RESULTS.mkdir(exist_ok=True)
    say(f"deadline benchmark: {count:,} open deadlines due over {spread_s:.0f} s, escalation service alone")
    stack = EmbeddedStack(Ports.free(), durable=False, session_timeout_s=3.0,
                          extra_env={"LOG_LEVEL": "WARNING", "OTEL_METRICS_EXPORTER": "none"},
                          external_kafka=os.environ.get("KAFKA_BOOTSTRAP_SERVERS"),
                          external_mongodb=os.environ.get("MONGODB_URI"), database_prefix="complaints_bench_")
    try:
        stack.start_infrastructure()
        stack.create_topics(partitions=6)
        database = pymongo.MongoClient(stack.mongodb_uri)[f"{stack.database_prefix}escalation"]
        if stack.external_mongodb:
            for name in (store.DEADLINES, store.CASES, store.CASE_STATES, store.FIRINGS, store.FIRING_RELAY):
                database[name].drop()  # the benchmark's own database: a real server keeps earlier runs
        documents.ensure_indexes(database)
        first_due = datetime.now(timezone.utc) + timedelta(seconds=30 + count / 8000)
        due_by_id = seed(database, count, first_due, spread_s)
        tail = EventTail(stack.kafka_bootstrap)
        stack.start_service("escalation")
        stack.wait_healthy("escalation")
        lateness: dict[str, float] = {}
        give_up = first_due + timedelta(seconds=spread_s + 120)
        last_report = time.monotonic()
        while len(lateness) < count and datetime.now(timezone.utc) < give_up:
            for event in tail.poll(0.2):
                if event.name == "DeadlineBreached" and event.payload.deadline_id in due_by_id:
                    seen = datetime.now(timezone.utc)
                    lateness.setdefault(event.payload.deadline_id,
                                        (seen - due_by_id[event.payload.deadline_id]).total_seconds())
            if time.monotonic() - last_report > 5:
                last_report = time.monotonic()
                say(f"  breaches seen: {len(lateness):,}/{count:,}")
        tail.close()
    finally:
        stack.stop()
    values = sorted(lateness.values())
    result = {"deadlines": count, "spread_s": spread_s, "fired": len(values),
              "lateness_p50_s": _pct(values, 50), "lateness_p99_s": _pct(values, 99),
              "lateness_max_s": round(values[-1], 3) if values else None, "target_p99_s": 1.0}
    (RESULTS / "deadlines.json").write_text(json.dumps(result, indent=2))
    for key, value in result.items():
        print(f"{key:<16} {value}")
    if len(values) < count:
        print(f"only {len(values):,} of {count:,} breaches were seen before the benchmark gave up", file=sys.stderr)


if __name__ == "__main__":
    main()
