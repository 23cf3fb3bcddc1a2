"""``make dev``: the whole system on one machine, and a complaint travelling through it.

Ports come from KAFKA_PORT, MONGODB_PORT, S3_PORT, <SERVICE>_GRPC_PORT and
<SERVICE>_METRICS_PORT; the database keeps its data in .dev/ across restarts
(the broker's log too with DURABLE_BROKER=1, at a large latency cost). SIMULATE=1 also
plays the other systems (channels, departments, callback centre) at
SIMULATE_RATE complaints per second. Ctrl-C stops everything.
"""

from __future__ import annotations

import os
import random
import signal
import sys
import time
from collections import Counter

from complaints.v1 import common_pb2, inbound_pb2
from complaint_platform.topics import CALLBACK_RESULTS, COMPLAINTS_SUBMITTED, WORKORDER_FEEDBACK

from .devstack import ROOT, SERVICES, EmbeddedStack, Ports, StackError
from .eventlog import EventTail, Publisher, describe
from .traffic import callback, department_feedback, sample_complaint


def ports_from_env() -> Ports:
    ports = Ports()
    ports.kafka = int(os.environ.get("KAFKA_PORT", ports.kafka))
    ports.mongodb = int(os.environ.get("MONGODB_PORT", ports.mongodb))
    ports.s3 = int(os.environ.get("S3_PORT", ports.s3))
    for name in SERVICES:
        ports.grpc[name] = int(os.environ.get(f"{name.upper()}_GRPC_PORT", ports.grpc[name]))
        ports.metrics[name] = int(os.environ.get(f"{name.upper()}_METRICS_PORT", ports.metrics[name]))
    ports.console = int(os.environ.get("CONSOLE_PORT", ports.console))
    return ports


def step(text: str) -> float:
    print(f"  {text} ...", end="", flush=True)
    return time.monotonic()


def done(started: float) -> None:
    print(f" ready ({time.monotonic() - started:.1f}s)", flush=True)


def main() -> None:
    import logging

    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)  # the follower's reconnect noise at shutdown
    logging.getLogger("kafka").setLevel(logging.CRITICAL)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    data = ROOT / ".dev"
    durable_broker = os.environ.get("DURABLE_BROKER") == "1"
    stack = EmbeddedStack(ports_from_env(), data_dir=data, durable=True, log_dir=data / "logs",
                          durable_broker=durable_broker,
                          extra_env={"LOG_FORMAT": "json", "OTEL_SPANS_FILE": str(data / "spans.jsonl")})
    print("complaint workflow: embedded stack (Ctrl-C stops everything)")
    try:
        stack.check_ports()
        started = step(f"SecantusDB (MongoDB wire) on 127.0.0.1:{stack.ports.mongodb}, data in .dev/mongodb")
        stack.start_database()
        done(started)
        where = "log on local S3 in .dev/s3 (slow: see README)" if durable_broker else "log in memory (DURABLE_BROKER=1 keeps it)"
        started = step(f"Tansu (Kafka protocol) on 127.0.0.1:{stack.ports.kafka}, {where}")
        stack.start_broker()
        done(started)
        started = step("topics")
        created = stack.create_topics()
        print(f" {len(created)} created", flush=True)
        for name in SERVICES:
            started = step(f"{name} service")
            stack.start_service(name)
            stack.wait_healthy(name)
            done(started)
        started = step("console (web)")
        stack.start_console()
        done(started)
        print_endpoints(stack)
        shown = demo(stack)
        if os.environ.get("SIMULATE") == "1":
            simulate(stack, float(os.environ.get("SIMULATE_RATE", "5")))
        else:
            follow(stack, shown)
    except StackError as error:
        print(f"\nerror: {error}", file=sys.stderr)
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        print("\nstopping ...", flush=True)
    finally:
        stack.stop()
        print("stopped; data kept in .dev/ (`make clean` removes it)")


def print_endpoints(stack: EmbeddedStack) -> None:
    print("\nendpoints")
    print(f"  Kafka      {stack.kafka_bootstrap}")
    print(f"  MongoDB    {stack.mongodb_uri}")
    for name in SERVICES:
        print(f"  {name:<13}gRPC 127.0.0.1:{stack.ports.grpc[name]}   metrics http://127.0.0.1:{stack.ports.metrics[name]}/metrics")
    print(f"  console    http://127.0.0.1:{stack.ports.console}/   (监督与审计控制台; ?lang=en for English)")
    print(f"  logs       {stack.log_dir}/<service>.log   spans .dev/spans.jsonl")
    print(f"  try        .venv/bin/grpcurl -plaintext 127.0.0.1:{stack.ports.grpc['intake']} list\n")


def demo(stack: EmbeddedStack) -> set[str]:
    """Publish one complaint as a hotline system would, and show every hop it takes."""
    tail = EventTail(stack.kafka_bootstrap)
    publisher = Publisher(stack.kafka_bootstrap)
    complaint = sample_complaint(random.Random(), channel=common_pb2.CHANNEL_HOTLINE,
                                 summary="家里手机信号差，经常打不通电话，已经一个星期了")
    print(f"demo: hotline publishes complaint {complaint.submission_id} on {COMPLAINTS_SUBMITTED}")
    publisher.publish(COMPLAINTS_SUBMITTED, complaint, key=complaint.customer.id)
    publisher.flush()
    started, case_id, shown = time.monotonic(), "", set()
    for event in tail.events(timeout_s=90):
        if event.envelope is not None:
            shown.add(event.envelope.event_id)
        if case_id == "" and event.name == "CaseRegistered" and event.payload.submission_id == complaint.submission_id:
            case_id = event.case_id
        if not case_id or event.case_id != case_id:
            continue
        print(f"  +{time.monotonic() - started:5.2f}s {describe(event)}")
        if event.name == "WorkOrderDispatched":
            order = event.payload
            for kind, text in ((inbound_pb2.FEEDBACK_KIND_REPLIED, "扩容基站后信号恢复正常"),
                               (inbound_pb2.FEEDBACK_KIND_CUSTOMER_REPLIED, "已致电客户说明处理结果")):
                publisher.publish(WORKORDER_FEEDBACK, department_feedback(case_id, order.work_order_id,
                                                                          order.department, kind, text), key=case_id)
            publisher.flush()
            print(f"  (department system replies on {WORKORDER_FEEDBACK})")
        if event.name == "VerificationOpened":
            print(f"demo: the complaint travelled intake -> dispatch -> escalation -> verification "
                  f"in {time.monotonic() - started:.1f}s\n")
            break
    else:
        print("demo: the complaint did not finish its journey in 90s; see .dev/logs/")
    tail.close()
    publisher.close()
    return shown


def follow(stack: EmbeddedStack, shown: set[str]) -> None:
    print("following every event (set SIMULATE=1 for live traffic) ...")
    tail = EventTail(stack.kafka_bootstrap)
    try:
        while True:
            for event in tail.poll(0.5):
                # redelivered events carry the same id; show each once
                if event.envelope is not None and event.envelope.event_id in shown:
                    continue
                if event.envelope is not None:
                    shown.add(event.envelope.event_id)
                print(f"  {describe(event)}", flush=True)
            check_alive(stack)
    finally:
        tail.close()


def simulate(stack: EmbeddedStack, rate: float) -> None:
    """Channels publish complaints; departments reply to work orders; the callback centre calls back."""
    print(f"simulating {rate:g} complaints/s across channels; a status line every 5 s")
    rng = random.Random(7)
    tail = EventTail(stack.kafka_bootstrap)
    publisher = Publisher(stack.kafka_bootstrap)
    counts: Counter[str] = Counter()
    pending: list[tuple[float, str, object]] = []
    next_send, next_status = time.monotonic(), time.monotonic() + 5
    try:
        _simulate_loop(stack, rate, rng, tail, publisher, counts, pending, next_send, next_status)
    finally:
        tail.close()
        publisher.close()


def _simulate_loop(stack, rate, rng, tail, publisher, counts, pending, next_send, next_status) -> None:
    while True:
        now = time.monotonic()
        while next_send <= now:
            complaint = sample_complaint(rng)
            publisher.publish(COMPLAINTS_SUBMITTED, complaint, key=complaint.customer.id, as_json=rng.random() < 0.3)
            counts["published"] += 1
            next_send += 1 / rate
        for event in tail.poll(0.1):
            counts[event.name] += 1
            if event.name == "WorkOrderDispatched":
                order = event.payload
                for delay, kind, text in ((2, inbound_pb2.FEEDBACK_KIND_ACCEPTED, "已受理"),
                                          (5, inbound_pb2.FEEDBACK_KIND_REPLIED, "故障已排除"),
                                          (6, inbound_pb2.FEEDBACK_KIND_CUSTOMER_REPLIED, "已回复客户")):
                    pending.append((now + delay * rng.uniform(0.5, 1.5), WORKORDER_FEEDBACK,
                                    department_feedback(event.case_id, order.work_order_id, order.department, kind, text)))
            elif event.name == "VerificationOpened":
                outcome = inbound_pb2.CALLBACK_OUTCOME_SATISFIED if rng.random() < 0.9 else inbound_pb2.CALLBACK_OUTCOME_UNSATISFIED
                pending.append((now + 3, CALLBACK_RESULTS, callback(event.case_id, outcome, "问题仍未解决")))
        due = [item for item in pending if item[0] <= now]
        pending = [item for item in pending if item[0] > now]
        for _, topic, message in due:
            publisher.publish(topic, message, key=message.case_id)
        if now >= next_status:
            next_status += 5
            print("  " + "  ".join(f"{name}={counts[name]}" for name in (
                "published", "CaseRegistered", "SubmissionLinked", "WorkOrderDispatched", "DeadlineSet",
                "CaseResolved", "VerificationOpened", "CaseClosed", "CaseReopened", "DeadLetter")), flush=True)
            check_alive(stack)


def check_alive(stack: EmbeddedStack) -> None:
    for name, process in stack.processes.items():
        if process.poll() is not None:
            raise StackError(f"{name} exited with code {process.returncode}; last log lines:\n{stack.tail(name)}")


if __name__ == "__main__":
    main()
