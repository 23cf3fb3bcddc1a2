"""Open-loop gRPC lookups against a running stack, and their figures: the mix, the calls, ``measure_lookups``.

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
"""

from __future__ import annotations

import asyncio
import os
import random
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
    intake_service_pb2,
    intake_service_pb2_grpc,
    verification_service_pb2,
    verification_service_pb2_grpc,
)

from .devstack import EmbeddedStack

MIX = (("intake.GetCase", 40), ("dispatch.ListWorkOrders", 25), ("escalation.GetCaseSupervision", 15),
       ("escalation.GetTimeline", 10), ("verification.GetRecord", 10))
MAX_OUTSTANDING = 20_000


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
