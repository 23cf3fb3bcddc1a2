"""``make bench-lookups``: gRPC lookup latency at a fixed request rate (target: 1,000 requests/s).

Open loop: request start times are scheduled every 1/rate seconds whatever the servers do, and each
latency is measured from the request's *scheduled* start, so time spent queued behind a slow server
(or a late client) counts (no coordinated omission). Requests are asynchronous (grpc.aio), so the
client never waits for one answer before sending the next.

The mix is what operators and other systems ask about one case:

| method | weight |
| --- | --- |
| intake ``GetCase`` by case id | 40 |
| dispatch ``ListWorkOrders`` of the case | 25 |
| escalation ``GetCaseSupervision`` (deadlines, level) | 15 |
| escalation ``GetTimeline`` (every event of the case) | 10 |
| verification ``GetRecord`` (only cases that have a record) | 10 |

``measure_lookups(stack, case_ids, ...)`` runs against any running ``EmbeddedStack``. With access
control on (``GRPC_AUTH_TOKENS_FILE`` in the services' environment) it sends a bearer token: the
``token`` argument, else ``BENCH_GRPC_TOKEN``, else the first plain-text ``token`` in that file.

``python -m tools.bench_lookups`` starts an embedded stack on free ports with access control on
(an auditor token; BENCH_LOOKUP_AUTH=0 turns it off), publishes BENCH_LOOKUP_COMPLAINTS complaints
(default 1,000), waits until all are registered and dispatched with a deadline, drives
BENCH_LOOKUP_VERIFIED of them (default 0.25) to verification, then measures at BENCH_LOOKUP_RATE
(default 1,000/s) for BENCH_LOOKUP_SECONDS (default 15). Prints a table and writes
bench-results/lookups.json.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import secrets
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

import grpc

from complaints.v1 import (
    dispatch_service_pb2,
    dispatch_service_pb2_grpc,
    escalation_service_pb2,
    escalation_service_pb2_grpc,
    inbound_pb2,
    intake_service_pb2,
    intake_service_pb2_grpc,
    verification_service_pb2,
    verification_service_pb2_grpc,
)

from .devstack import ROOT, EmbeddedStack, Ports

RESULTS = ROOT / "bench-results"
MIX = (("intake.GetCase", 40), ("dispatch.ListWorkOrders", 25), ("escalation.GetCaseSupervision", 15),
       ("escalation.GetTimeline", 10), ("verification.GetRecord", 10))
MAX_OUTSTANDING = 20_000


def _say(text: str) -> None:
    import sys

    print(text, file=sys.stderr, flush=True)


# --- access control ---------------------------------------------------------------------------
def bearer_token(stack: EmbeddedStack, token: str | None = None) -> str | None:
    """The token to send, or None when the services run without access control."""
    tokens_file = stack.service_env("intake").get("GRPC_AUTH_TOKENS_FILE", "")
    if not tokens_file:
        return None
    if token or os.environ.get("BENCH_GRPC_TOKEN"):
        return token or os.environ["BENCH_GRPC_TOKEN"]
    import yaml

    data = yaml.safe_load(Path(tokens_file).read_text(encoding="utf-8")) or {}
    for entry in data.get("tokens") or []:
        if (entry or {}).get("token"):
            return str(entry["token"])
    raise RuntimeError(f"access control is on ({tokens_file} holds only token digests): "
                       "pass token= or set BENCH_GRPC_TOKEN")


# --- the calls --------------------------------------------------------------------------------
class _Calls:
    """One grpc.aio channel and stub per service; ``call(method, case_id)`` is a coroutine.

    grpc.aio costs about half the client CPU per call of the threaded futures API (measured here:
    ~130 us against ~270 us), which matters when client and servers share two cores.
    """

    def __init__(self, stack: EmbeddedStack, token: str | None, timeout_s: float) -> None:
        self.channels = {name: grpc.aio.insecure_channel(f"127.0.0.1:{stack.ports.grpc[name]}")
                         for name in ("intake", "dispatch", "escalation", "verification")}
        intake = intake_service_pb2_grpc.IntakeServiceStub(self.channels["intake"])
        dispatch = dispatch_service_pb2_grpc.DispatchServiceStub(self.channels["dispatch"])
        escalation = escalation_service_pb2_grpc.EscalationServiceStub(self.channels["escalation"])
        verification = verification_service_pb2_grpc.VerificationServiceStub(self.channels["verification"])
        self._methods: dict[str, tuple[Callable, Callable[[str], object]]] = {
            "intake.GetCase": (intake.GetCase, lambda c: intake_service_pb2.GetCaseRequest(case_id=c)),
            "dispatch.ListWorkOrders": (dispatch.ListWorkOrders,
                                        lambda c: dispatch_service_pb2.ListWorkOrdersRequest(case_id=c)),
            "escalation.GetCaseSupervision": (escalation.GetCaseSupervision,
                                              lambda c: escalation_service_pb2.GetCaseSupervisionRequest(case_id=c)),
            "escalation.GetTimeline": (escalation.GetTimeline,
                                       lambda c: escalation_service_pb2.GetTimelineRequest(case_id=c)),
            "verification.GetRecord": (verification.GetRecord,
                                       lambda c: verification_service_pb2.GetRecordRequest(case_id=c)),
        }
        self.authenticated = bool(token)
        self._metadata = (("authorization", f"Bearer {token}"),) if token else None
        self.timeout_s = timeout_s

    async def wait_ready(self, timeout_s: float = 30) -> None:
        for channel in self.channels.values():
            await asyncio.wait_for(channel.channel_ready(), timeout_s)

    async def call(self, method: str, case_id: str) -> str:
        """The status code's name: OK, NOT_FOUND, DEADLINE_EXCEEDED ..."""
        stub, request = self._methods[method]
        try:
            await stub(request(case_id), timeout=self.timeout_s, metadata=self._metadata)
        except grpc.aio.AioRpcError as error:
            return error.code().name
        return "OK"

    async def close(self) -> None:
        for channel in self.channels.values():
            await channel.close()


async def _cases_per_method(calls: _Calls, case_ids: Sequence[str], progress) -> dict[str, list[str]]:
    """Every method gets the cases it can answer for: GetRecord only those with a record (probed)."""
    case_ids = list(case_ids)[:400]  # a sample is enough to find cases with a record
    codes: list[str] = []
    for start in range(0, len(case_ids), 50):  # a few at a time: thousands at once get CANCELLED
        codes += await asyncio.gather(*(calls.call("verification.GetRecord", case_id)
                                        for case_id in case_ids[start:start + 50]))
    unexpected = Counter(code for code in codes if code not in ("OK", "NOT_FOUND"))
    if unexpected:
        raise RuntimeError(f"verification GetRecord answered {dict(unexpected)} while probing the cases")
    with_record = [case_id for case_id, code in zip(case_ids, codes) if code == "OK"]
    if not with_record:
        progress("  no case has a verification record yet: GetRecord is left out of the mix")
    cases = {method: list(case_ids) for method, _ in MIX}
    cases["verification.GetRecord"] = with_record
    return {method: ids for method, ids in cases.items() if ids}


# --- process CPU, to see what limits the figures -----------------------------------------------
def _cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime


def _cpu_snapshot(stack: EmbeddedStack) -> dict[str, float]:
    found = {name: _cpu_seconds(process.pid) for name, process in stack.processes.items()}
    found["bench client"] = time.process_time()
    return {name: value for name, value in found.items() if value is not None}


# --- the measurement --------------------------------------------------------------------------
def measure_lookups(stack: EmbeddedStack, case_ids: Sequence[str], rate: float = 1000, seconds: float = 10,
                    progress: Callable[[str], None] = print, *, token: str | None = None,
                    timeout_s: float = 10.0, seed: int = 7, mix: Sequence[tuple[str, int]] = MIX) -> dict:
    """Open-loop lookups at ``rate`` per second for ``seconds``; latency from each scheduled start.

    Returns the achieved rate, p50/p95/p99 latency in ms (of successful calls), errors by status
    code, the same per method, how late the client itself sent (to tell a slow client from slow
    servers) and the CPU each process used during the run. Safe to call from a thread that runs
    an event loop: the client's own loop runs in a thread of its own.
    """
    if not case_ids:
        raise ValueError("measure_lookups needs the ids of cases that exist")
    outcome: dict = {}
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.update(asyncio.run(_measure(stack, list(case_ids), rate, seconds, progress,
                                                bearer_token(stack, token), timeout_s, seed, tuple(mix))))
        except BaseException as error:  # noqa: BLE001 - re-raised in the caller's thread
            failure.append(error)

    worker = threading.Thread(target=run, name="bench-lookups")
    worker.start()
    worker.join()
    if failure:
        raise failure[0]
    return outcome


async def _measure(stack, case_ids, rate, seconds, progress, token, timeout_s, seed, mix) -> dict:
    calls = _Calls(stack, token, timeout_s)
    try:
        await calls.wait_ready()
        cases = await _cases_per_method(calls, case_ids, progress)
        methods = [method for method, _ in mix if method in cases]
        weights = [weight for method, weight in mix if method in cases]
        for method in methods:  # warm up: connections, server threads, first queries
            for case_id in cases[method][:20]:
                await calls.call(method, case_id)
        rng = random.Random(seed)
        total = int(rate * seconds)
        plan = [(method, rng.choice(cases[method])) for method in rng.choices(methods, weights, k=total)]
        progress(f"  lookups: {total:,} requests at {rate:,.0f}/s over {seconds:.0f} s "
                 f"({', '.join(methods)}) ...")
        outcome = await _open_loop(calls, plan, rate, stack)
    finally:
        await calls.close()
    outcome.update({"target_rate": rate, "seconds": seconds, "cases": len(case_ids),
                    "cases_with_record": len(cases.get("verification.GetRecord", [])),
                    "auth": calls.authenticated, "timeout_s": timeout_s,
                    "mix": {method: weight for method, weight in mix if method in cases}})
    return outcome


async def _open_loop(calls: _Calls, plan: list[tuple[str, str]], rate: float, stack: EmbeddedStack) -> dict:
    """Request i starts at start + i/rate whatever happened before; its latency is measured from
    that scheduled time, so a request the client sent late, or one queued behind slow answers,
    counts in full."""
    interval = 1.0 / rate
    results: list[tuple[str, float, str]] = []           # method, latency ms, status code name
    lateness: list[float] = []                           # how late the client sent, ms
    pending: set[asyncio.Task] = set()
    skipped = 0

    async def one(method: str, case_id: str, scheduled: float) -> None:
        code = await calls.call(method, case_id)
        results.append((method, (time.perf_counter() - scheduled) * 1000, code))

    cpu_before = _cpu_snapshot(stack)
    start = time.perf_counter() + 0.05
    for index, (method, case_id) in enumerate(plan):
        scheduled = start + index * interval
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        if len(pending) >= MAX_OUTSTANDING:
            skipped += 1
            continue
        lateness.append((time.perf_counter() - scheduled) * 1000)
        task = asyncio.create_task(one(method, case_id, scheduled))
        pending.add(task)
        task.add_done_callback(pending.discard)
    send_end = time.perf_counter()
    if pending:
        await asyncio.wait(set(pending), timeout=calls.timeout_s + 30)
    end = time.perf_counter()
    cpu_after = _cpu_snapshot(stack)
    return _summarise(list(results), lateness, skipped, len(plan), send_end - start, end - start,
                      cpu_before, cpu_after)


def _pct(values: list[float], pct: float) -> float | None:
    if not values:
        return None
    return round(values[min(len(values) - 1, int(len(values) * pct / 100))], 2)


def _latencies(rows: list[tuple[str, float, str]]) -> dict:
    ok = sorted(latency for _, latency, code in rows if code == "OK")
    errors = Counter(code for _, _, code in rows if code != "OK")
    return {"requests": len(rows), "ok": len(ok), "p50_ms": _pct(ok, 50), "p95_ms": _pct(ok, 95),
            "p99_ms": _pct(ok, 99), "max_ms": round(ok[-1], 2) if ok else None, "errors": dict(errors)}


def _summarise(rows, lateness, skipped, planned, send_s, wall_s, cpu_before, cpu_after) -> dict:
    overall = _latencies(rows)
    by_method = defaultdict(list)
    for row in rows:
        by_method[row[0]].append(row)
    if skipped:
        overall["errors"]["CLIENT_OVERLOAD"] = skipped
    lateness.sort()
    used = {name: cpu_after[name] - cpu_before[name] for name in cpu_after if name in cpu_before}
    cpu = {name: round(100 * seconds / wall_s, 1) for name, seconds in used.items()}
    per_request = {name: round(1000 * seconds / len(rows), 3) for name, seconds in used.items()} if rows else {}
    return {
        **overall,
        "planned": planned,
        "sent_per_s": round((planned - skipped) / send_s, 1) if send_s > 0 else None,
        "achieved_rate": round(overall["ok"] / wall_s, 1) if wall_s > 0 else None,
        "wall_s": round(wall_s, 2),
        "client_send_late_p50_ms": _pct(lateness, 50), "client_send_late_p99_ms": _pct(lateness, 99),
        "by_method": {method: _latencies(items) for method, items in sorted(by_method.items())},
        "cpu_percent": dict(sorted(cpu.items(), key=lambda item: -item[1])),
        "cpu_ms_per_request": dict(sorted(per_request.items(), key=lambda item: -item[1])),
        "cpus": os.cpu_count(),
    }


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
