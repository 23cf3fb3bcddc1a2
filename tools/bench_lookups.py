"""``make bench-lookups``: gRPC lookup latency at a fixed request rate (target: 1,000 requests/s).

Seeds an embedded stack, runs the lookups of ``tools.lookup_load`` against it (open loop, the
request mix and ``measure_lookups`` are described there) and reports the figures.

``python -m tools.bench_lookups`` starts an embedded stack on free ports with access control on
(an auditor token; BENCH_LOOKUP_AUTH=0 turns it off), publishes BENCH_LOOKUP_COMPLAINTS complaints
(default 1,000), waits until all are registered and dispatched with a deadline, drives
BENCH_LOOKUP_VERIFIED of them (default 0.25) to verification, then measures at BENCH_LOOKUP_RATE
(default 1,000/s) for BENCH_LOOKUP_SECONDS (default 15). Prints a table and writes
bench-results/lookups.json.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import time
from collections import defaultdict

from complaints.v1 import inbound_pb2

from .devstack import ROOT, EmbeddedStack, Ports
from .lookup_load import measure_lookups

RESULTS = ROOT / "bench-results"


def _say(text: str) -> None:
    import sys

    print(text, file=sys.stderr, flush=True)


# --- standalone: start a stack, seed it, measure ---------------------------------------------------
def seed_cases(stack: EmbeddedStack, count: int, verified_share: float, progress) -> tuple[list[str], int]:
    """Publish ``count`` complaints; return the cases registered and dispatched with a deadline,
    after driving ``verified_share`` of them to verification (department reply + customer reply)."""
    from complaints.v1 import case_events_pb2
    from complaint_platform.topics import COMPLAINTS_SUBMITTED, WORKORDER_FEEDBACK

    from .eventlog import EventTail, Publisher
    from .traffic import department_feedback, sample_complaint

    tail = EventTail(stack.kafka_bootstrap)
    publisher = Publisher(stack.kafka_bootstrap)
    rng = random.Random(23)
    submissions = set()
    try:
        for _ in range(count):
            complaint = sample_complaint(rng, customer_id=f"L{rng.randrange(10**9):09d}")
            submissions.add(complaint.submission_id)
            publisher.publish(COMPLAINTS_SUBMITTED, complaint, key=complaint.customer.id)
        publisher.flush()
        progress(f"  seeding: published {count:,} complaints; waiting until each is dispatched with a deadline ...")
        cases: set[str] = set()
        orders: dict[str, list[tuple[str, str]]] = defaultdict(list)
        dispatched: set[str] = set()
        verifying: set[str] = set()

        def read(timeout_s: float) -> None:
            for event in tail.poll(timeout_s):
                if event.name == "CaseRegistered" and event.payload.submission_id in submissions:
                    cases.add(event.case_id)
                elif event.case_id not in cases:
                    continue
                elif event.name == "WorkOrderDispatched":
                    orders[event.case_id].append((event.payload.work_order_id, event.payload.department))
                elif (event.name == "DeadlineSet"
                      and event.payload.kind == case_events_pb2.DEADLINE_KIND_WORK_ORDER_REPLY):
                    dispatched.add(event.case_id)
                elif event.name == "VerificationOpened":
                    verifying.add(event.case_id)

        give_up = time.monotonic() + 120 + count / 10
        last = time.monotonic()
        while len(dispatched) < count and time.monotonic() < give_up:
            read(0.2)
            if time.monotonic() - last > 10:
                last = time.monotonic()
                progress(f"    registered {len(cases):,}, dispatched with a deadline {len(dispatched):,}/{count:,}")
        ready = sorted(case_id for case_id in dispatched if orders.get(case_id))
        chosen = ready[:int(len(ready) * verified_share)]
        for case_id in chosen:
            for order_id, department in orders[case_id]:
                reply = department_feedback(case_id, order_id, department, inbound_pb2.FEEDBACK_KIND_REPLIED,
                                            "已处理，恢复正常")
                publisher.publish(WORKORDER_FEEDBACK, reply, key=case_id)
            order_id, department = orders[case_id][0]
            publisher.publish(WORKORDER_FEEDBACK, department_feedback(
                case_id, order_id, department, inbound_pb2.FEEDBACK_KIND_CUSTOMER_REPLIED, "已电话告知客户"),
                key=case_id)
        publisher.flush()
        if chosen:
            progress(f"  seeding: {len(chosen):,} cases answered by their departments; waiting for verification ...")
        give_up = time.monotonic() + 60 + len(chosen) / 5
        while len(verifying & set(chosen)) < len(chosen) and time.monotonic() < give_up:
            read(0.2)
            if time.monotonic() - last > 10:
                last = time.monotonic()
                progress(f"    verification opened for {len(verifying & set(chosen)):,}/{len(chosen):,}")
        return ready, len(verifying & set(chosen))
    finally:
        tail.close()
        publisher.close()


def print_table(result: dict) -> None:
    rows = [("target rate (requests/s)", result["target_rate"]),
            ("sent (requests/s)", result["sent_per_s"]),
            ("achieved, successful (requests/s)", result["achieved_rate"]),
            ("latency p50 / p95 / p99 (ms)", f"{result['p50_ms']} / {result['p95_ms']} / {result['p99_ms']}"),
            ("max latency (ms)", result["max_ms"]),
            ("errors", result["errors"] or "none"),
            ("client sent late p50 / p99 (ms)",
             f"{result['client_send_late_p50_ms']} / {result['client_send_late_p99_ms']}")]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    print()
    print(f"{'method':<32} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>9}  errors")
    for method, figures in result["by_method"].items():
        print(f"{method:<32} {figures['requests']:>8} {figures['p50_ms']!s:>8} {figures['p95_ms']!s:>8} "
              f"{figures['p99_ms']!s:>9}  {figures['errors'] or ''}")
    print()
    print("CPU during the run (% of one core): "
          + ", ".join(f"{name} {value}" for name, value in result["cpu_percent"].items()))
    print("CPU per request (ms): "
          + ", ".join(f"{name} {value}" for name, value in result["cpu_ms_per_request"].items()))


def main() -> None:
    rate = float(os.environ.get("BENCH_LOOKUP_RATE", "1000"))
    seconds = float(os.environ.get("BENCH_LOOKUP_SECONDS", "15"))
    count = int(os.environ.get("BENCH_LOOKUP_COMPLAINTS", "1000"))
    verified_share = float(os.environ.get("BENCH_LOOKUP_VERIFIED", "0.25"))
    with_auth = os.environ.get("BENCH_LOOKUP_AUTH", "1") not in ("0", "false", "no")
    RESULTS.mkdir(exist_ok=True)
    _say(f"lookup benchmark: {count:,} complaints, then {rate:,.0f} lookups/s for {seconds:.0f} s "
         f"(embedded stack on free ports, access control {'on' if with_auth else 'off'})")
    stack = EmbeddedStack(Ports.free(), durable=False, session_timeout_s=3.0,
                          extra_env={"LOG_LEVEL": "WARNING", "OTEL_METRICS_EXPORTER": "none"})
    token = None
    if with_auth:
        token = secrets.token_urlsafe(24)
        tokens_file = stack.data_dir / "grpc-tokens.yaml"
        tokens_file.write_text(f"tokens:\n  - {{token: \"{token}\", role: auditor, name: bench}}\n")
        stack.extra_env["GRPC_AUTH_TOKENS_FILE"] = str(tokens_file)
    try:
        stack.start_infrastructure()
        stack.create_topics(partitions=6)
        stack.start_services()
        time.sleep(3)  # consumer groups join
        case_ids, verified = seed_cases(stack, count, verified_share, _say)
        _say(f"  seeded: {len(case_ids):,} cases dispatched with a deadline, {verified:,} in verification")
        load_before = os.getloadavg()
        result = measure_lookups(stack, case_ids, rate=rate, seconds=seconds, progress=_say, token=token)
        result["load_average_before"] = [round(value, 2) for value in load_before]
        result["load_average_after"] = [round(value, 2) for value in os.getloadavg()]
    finally:
        stack.stop()
    (RESULTS / "lookups.json").write_text(json.dumps(result, indent=2))
    print_table(result)
    print(f"results: {RESULTS / 'lookups.json'}")


if __name__ == "__main__":
    main()
