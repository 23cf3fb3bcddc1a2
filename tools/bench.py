"""``make bench``: the embedded stack's limits and the whole pipeline, measured in one run.

(a) limits: the broker's raw produce and consume rate and the database's bulk-write rate, for
    messages and documents the size of a real complaint event;
(b) the pipeline with all four services: sustained complaints per second from submission to
    dispatched-with-deadline (a DeadlineSet for the work order's reply), then latency p50/p95/p99
    at half that rate.

Prints a table, writes bench-results/bench.json and bench-results/bench.png. BENCH_COMPLAINTS and
BENCH_SECONDS size the run; also measured: gRPC lookups at BENCH_LOOKUP_RATE requests/s (default
1,000) and intake alone. KAFKA_BOOTSTRAP_SERVERS / MONGODB_URI, when set, run the whole benchmark
(limits and services) against a real Kafka and MongoDB instead of the embedded ones.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from complaints.v1 import case_events_pb2
from complaint_platform.topics import COMPLAINTS_SUBMITTED

from . import bench_costs as costs
from .devstack import ROOT, EmbeddedStack, Ports
from .eventlog import EventTail, Publisher
from .traffic import sample_complaint

RESULTS = ROOT / "bench-results"


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# --- (a) limits -------------------------------------------------------------------------------
async def broker_rates(bootstrap: str, count: int, size: int) -> dict:
    topic = f"bench.raw.{int(time.time())}"
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=10, max_batch_size=256 * 1024)
    await producer.start()
    payload = os.urandom(size)
    started = time.perf_counter()
    futures = [await producer.send(topic, payload, key=str(i % 64).encode()) for i in range(count)]
    await asyncio.gather(*futures)
    produce_s = time.perf_counter() - started
    await producer.stop()
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                                enable_auto_commit=False, fetch_max_wait_ms=20)
    await consumer.start()
    seen, started = 0, time.perf_counter()
    while seen < count and time.perf_counter() - started < 120:
        batches = await consumer.getmany(timeout_ms=200, max_records=5000)
        seen += sum(len(records) for records in batches.values())
    consume_s = time.perf_counter() - started
    await consumer.stop()
    return {"messages": count, "bytes": size, "produce_per_s": round(count / produce_s),
            "consume_per_s": round(seen / consume_s)}


def database_rate(uri: str, count: int, size: int) -> dict:
    import pymongo
    from pymongo.write_concern import WriteConcern

    collection = pymongo.MongoClient(uri)["complaints_bench"].get_collection(
        "raw", write_concern=WriteConcern(w=1, j=True))
    collection.drop()
    documents = [{"case_id": f"K{i}", "summary": "断" * (size // 6), "n": i} for i in range(count)]
    started = time.perf_counter()
    for start in range(0, count, 1000):
        collection.insert_many(documents[start:start + 1000], ordered=False)
    seconds = time.perf_counter() - started
    collection.drop()
    return {"documents": count, "bytes": size, "bulk_insert_per_s": round(count / seconds)}


# --- (b) pipeline -----------------------------------------------------------------------------
class Pipeline:
    """Publishes complaints and records when each became dispatched-with-deadline."""

    def __init__(self, stack: EmbeddedStack) -> None:
        self.tail = EventTail(stack.kafka_bootstrap)
        self.publisher = Publisher(stack.kafka_bootstrap)
        self.sent: dict[str, float] = {}            # submission -> publish time
        self.case_of: dict[str, str] = {}           # case -> submission
        self.orders: dict[str, str] = {}            # work order -> case
        self.done: dict[str, float] = {}            # submission -> done time
        self.registered: dict[str, float] = {}      # submission -> CaseRegistered seen
        self.rng = random.Random(11)

    def send(self) -> None:
        complaint = sample_complaint(self.rng, customer_id=f"B{self.rng.randrange(10**9)}")
        self.sent[complaint.submission_id] = time.perf_counter()
        self.publisher.publish(COMPLAINTS_SUBMITTED, complaint, key=complaint.customer.id)

    def read(self, timeout_s: float = 0.05) -> None:
        for event in self.tail.poll(timeout_s):
            if event.name == "CaseRegistered" and event.payload.submission_id in self.sent:
                self.case_of[event.case_id] = event.payload.submission_id
                self.registered.setdefault(event.payload.submission_id, time.perf_counter())
            elif event.name == "DeadlineSet" and event.payload.kind == case_events_pb2.DEADLINE_KIND_WORK_ORDER_REPLY:
                submission = self.case_of.get(event.case_id)
                if submission and submission not in self.done:
                    self.done[submission] = time.perf_counter()

    def close(self) -> None:
        self.tail.close()
        self.publisher.close()


def sustained_rate(pipeline: Pipeline, count: int, on_tick=None) -> dict:
    say(f"  pipeline: {count} complaints as fast as they can be published ...")
    started = time.perf_counter()
    for _ in range(count):
        pipeline.send()
    pipeline.publisher.flush()
    timeline = []
    while len(pipeline.done) < count and time.perf_counter() - started < 600:
        pipeline.read(0.2)
        timeline.append((time.perf_counter() - started, len(pipeline.done)))
        if on_tick is not None:
            on_tick(time.perf_counter() - started)
    seconds = max(pipeline.done.values()) - started if pipeline.done else float("inf")
    intake_seconds = max(pipeline.registered.values()) - started if pipeline.registered else float("inf")
    return {"complaints": count, "completed": len(pipeline.done), "seconds": round(seconds, 2),
            "complaints_per_s": round(len(pipeline.done) / seconds, 1),
            "intake_stage_per_s": round(len(pipeline.registered) / intake_seconds, 1), "timeline": timeline}


def latency_at(pipeline: Pipeline, rate: float, seconds: float) -> dict:
    say(f"  pipeline: latency at {rate:.0f} complaints/s for {seconds:.0f} s ...")
    pipeline.sent.clear()
    pipeline.done.clear()
    started = time.perf_counter()
    next_send = started
    while time.perf_counter() - started < seconds:
        while next_send <= time.perf_counter():
            pipeline.send()
            next_send += 1 / rate
        pipeline.read(0.005)
    settle = time.perf_counter()
    while len(pipeline.done) < len(pipeline.sent) and time.perf_counter() - settle < 60:
        pipeline.read(0.1)
    latencies = sorted((pipeline.done[s] - pipeline.sent[s]) * 1000 for s in pipeline.done)
    points = sorted((pipeline.sent[s] - started, (pipeline.done[s] - pipeline.sent[s]) * 1000) for s in pipeline.done)
    return {"rate": round(rate, 1), "sent": len(pipeline.sent), "completed": len(latencies),
            "p50_ms": _pct(latencies, 50), "p95_ms": _pct(latencies, 95), "p99_ms": _pct(latencies, 99),
            "points": points}


def intake_alone(pipeline: Pipeline, stack: EmbeddedStack, count: int) -> dict:
    """Intake by itself: the other services are stopped, so it has the machine to itself."""
    for name in ("dispatch", "escalation", "verification"):
        stack.stop_service(name)
    say(f"  intake alone: {count} complaints ...")
    pipeline.registered.clear()
    pipeline.sent.clear()
    started = time.perf_counter()
    for _ in range(count):
        pipeline.send()
    pipeline.publisher.flush()
    while len(pipeline.registered) < count and time.perf_counter() - started < 300:
        pipeline.read(0.2)
    seconds = max(pipeline.registered.values()) - started if pipeline.registered else float("inf")
    return {"complaints": count, "registered": len(pipeline.registered), "seconds": round(seconds, 2),
            "complaints_per_s": round(len(pipeline.registered) / seconds, 1)}


def _pct(values: list[float], pct: int) -> float | None:
    if not values:
        return None
    return round(values[min(len(values) - 1, int(len(values) * pct / 100))], 1)


def draw(result: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    timeline = result["pipeline"]["sustained"]["timeline"]
    left.plot([t for t, _ in timeline], [n for _, n in timeline])
    left.set(title="Sustained: complaints dispatched with a deadline", xlabel="seconds", ylabel="complaints")
    points = result["pipeline"]["half_rate"]["points"]
    right.plot([t for t, _ in points], [ms for _, ms in points], ".", markersize=3)
    right.set(title=f"Latency at {result['pipeline']['half_rate']['rate']}/s", xlabel="seconds", ylabel="ms")
    figure.tight_layout()
    figure.savefig(path, dpi=110)


def main() -> None:
    count = int(os.environ.get("BENCH_COMPLAINTS", "2000"))
    seconds = float(os.environ.get("BENCH_SECONDS", "20"))
    lookup_rate = float(os.environ.get("BENCH_LOOKUP_RATE", "1000"))
    RESULTS.mkdir(exist_ok=True)
    external_kafka, external_mongodb = os.environ.get("KAFKA_BOOTSTRAP_SERVERS"), os.environ.get("MONGODB_URI")
    where = ", ".join(filter(None, [f"Kafka at {external_kafka}" if external_kafka else "embedded Tansu",
                                    "MongoDB by MONGODB_URI" if external_mongodb else "embedded SecantusDB"]))
    say(f"benchmark: {where}, 4 services (this takes a few minutes)")
    # durable as `make dev` runs it: data on disk, every commit synced (BENCH_DURABLE=0: in memory)
    durable = os.environ.get("BENCH_DURABLE", "1") != "0"
    scratch = tempfile.mkdtemp(prefix="complaints-bench-") if durable else None
    stack = EmbeddedStack(Ports.free(), data_dir=scratch, durable=durable, durable_broker=False, session_timeout_s=3.0,
                          extra_env={"LOG_LEVEL": "WARNING"},
                          external_kafka=external_kafka, external_mongodb=external_mongodb,
                          database_prefix="complaints_bench_")
    result: dict = {"machine": {"cpus": os.cpu_count()}, "durable_database": durable,
                    "kafka": "external" if external_kafka else "embedded Tansu",
                    "mongodb": "external" if external_mongodb else "embedded SecantusDB"}
    try:
        stack.start_infrastructure()
        stack.create_topics(partitions=6)
        say("  limits: broker produce/consume of 20,000 messages of 600 bytes ...")
        broker = asyncio.run(broker_rates(stack.kafka_bootstrap, 20_000, 600))
        say("  limits: database bulk insert of 20,000 documents ...")
        database = database_rate(stack.mongodb_uri, 20_000, 600)
        limit = min(broker["produce_per_s"], broker["consume_per_s"]) / 5, database["bulk_insert_per_s"] / 4
        result["limits"] = {"broker": broker, "database": database,
                            "complaint_limit_per_s": round(min(limit), 1),
                            "rule": "min(broker rate / 5 messages, database rate / 4 documents)"}
        stack.start_services()
        pipeline = Pipeline(stack)
        time.sleep(3)  # consumer groups join
        operations_before, usage_before = costs.database_operations(stack), costs.process_usage(stack)
        profiling: dict = {}

        def profile_busiest(elapsed: float) -> None:
            # after a few seconds flat out, the process that used the most CPU so far is sampled
            if elapsed > 4 and not profiling:
                spent = costs.cpu_between(usage_before, costs.process_usage(stack))
                busiest = max(spent, key=spent.get)
                profiling["run"] = costs.Profile(busiest, stack.processes[busiest].pid, 12,
                                                 RESULTS / f"profile-{busiest}.txt")

        sustained = sustained_rate(pipeline, count, profile_busiest)
        usage_after = costs.process_usage(stack)
        result["costs"] = {
            "cpu_s": costs.cpu_between(usage_before, usage_after),
            "rss_mib": {name: usage["rss_mib"] for name, usage in usage_after.items()},
            "database_time_by_collection": costs.collection_times(stack.mongodb_uri, "complaints_bench_"),
            "profile": profiling["run"].summary() if profiling else {},
        }
        say("  pipeline: letting the backlog of the sustained run drain ...")
        drain_until = time.perf_counter() + 15
        while time.perf_counter() < drain_until:
            pipeline.read(0.2)
        # after the drain: the work each complaint causes downstream of its deadline is counted too
        result["costs"]["per_complaint"] = costs.per_complaint(operations_before, costs.database_operations(stack),
                                                               count)
        held = costs.held_aggregates(stack)
        result["costs"]["held_cases"] = held
        result["costs"]["rss_mib_per_100k_held_cases"] = costs.memory_per_100k(usage_before, costs.process_usage(stack),
                                                                               held)
        half = latency_at(pipeline, max(sustained["complaints_per_s"] / 2, 1.0), seconds)
        result["pipeline"] = {"sustained": sustained, "half_rate": half,
                              "ratio_to_limit": round(sustained["complaints_per_s"] / result["limits"]["complaint_limit_per_s"], 3)}
        result["lookups"] = _lookups(stack, sorted(pipeline.case_of), lookup_rate)
        result["intake_alone"] = intake_alone(pipeline, stack, min(count, 1000))
        pipeline.close()
    finally:
        stack.stop()
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    draw(result, RESULTS / "bench.png")
    (RESULTS / "bench.json").write_text(json.dumps(result, indent=2))
    print_table(result)


def _lookups(stack: EmbeddedStack, case_ids: list[str], rate: float) -> dict:
    from .lookup_load import measure_lookups

    say(f"  gRPC lookups at {rate:.0f} requests/s ...")
    return measure_lookups(stack, case_ids, rate=rate, seconds=10, progress=say)


def print_table(result: dict) -> None:
    limits, pipeline = result["limits"], result["pipeline"]
    rows = [
        ("broker produce (msgs/s)", limits["broker"]["produce_per_s"]),
        ("broker consume (msgs/s)", limits["broker"]["consume_per_s"]),
        ("database bulk insert (docs/s)", limits["database"]["bulk_insert_per_s"]),
        ("limit for one complaint (/s)", limits["complaint_limit_per_s"]),
        ("intake stage, in the pipeline (complaints/s)", pipeline["sustained"]["intake_stage_per_s"]),
        ("pipeline sustained (complaints/s)", pipeline["sustained"]["complaints_per_s"]),
        ("pipeline / limit", pipeline["ratio_to_limit"]),
        ("latency p50 at half rate (ms)", pipeline["half_rate"]["p50_ms"]),
        ("latency p95 at half rate (ms)", pipeline["half_rate"]["p95_ms"]),
        ("latency p99 at half rate (ms)", pipeline["half_rate"]["p99_ms"]),
        ("intake alone (complaints/s)", result["intake_alone"]["complaints_per_s"]),
    ]
    per = result.get("costs", {}).get("per_complaint", {})
    for key in ("transactions", "finds", "documents_inserted", "documents_updated", "documents_written"):
        if key in per:
            rows.append((f"database {key.replace('_', ' ')} per complaint", per[key]))
    for name, seconds in sorted(result.get("costs", {}).get("cpu_s", {}).items(), key=lambda item: -item[1]):
        rss = result["costs"]["rss_mib"].get(name)
        rows.append((f"CPU s / memory MiB during the sustained run: {name}", f"{seconds} / {rss}"))
    for name, mib in sorted(result.get("costs", {}).get("rss_mib_per_100k_held_cases", {}).items()):
        rows.append((f"memory per 100,000 held cases: {name} (MiB, estimate)", mib))
    profile = result.get("costs", {}).get("profile") or {}
    for row in (profile.get("self_time") or [])[:5]:
        rows.append((f"profile of {profile['process']}: {row['function'][:60]}", f"{row['share']:.1%}"))
    lookups = result.get("lookups") or {}
    for key in ("target_rate", "achieved_rate", "p50_ms", "p95_ms", "p99_ms", "errors"):
        if key in lookups:
            rows.append((f"gRPC lookups {key}", lookups[key]))
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    print(f"results: {RESULTS / 'bench.json'}, {RESULTS / 'bench.png'}")


if __name__ == "__main__":
    main()
