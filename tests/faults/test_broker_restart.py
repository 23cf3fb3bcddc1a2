"""Fault test: the broker killed and restarted on its durable (local S3) log while complaints are in flight.

Tansu's S3 log is slow (every fetch lists the partition's objects), so
``test_broker_restart_on_durable_storage`` runs a few dozen complaints (FAULT_BROKER_COMPLAINTS)
on its own stack.

Afterwards the topics are read from the beginning and the services' databases directly, and the
test prints the counts: every complaint has exactly one case, nothing was done twice under
different ids, and nothing the services own was lost.
"""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

import pymongo
import pytest

from complaint_platform.topics import COMPLAINTS_SUBMITTED
from fault_harness import Fault, Supervisor, write_policy
from fault_ledger import Ledger, distinct_per, read_topics, table
from fault_settings import SEED, TIMEOUT_S, say, service_env
from tools.devstack import SERVICES, EmbeddedStack, Ports
from tools.eventlog import Publisher
from tools.traffic import sample_complaint

BROKER_COMPLAINTS = int(os.environ.get("FAULT_BROKER_COMPLAINTS", "24"))


@pytest.mark.timeout(TIMEOUT_S)

def clocked_subjects(client) -> set[str]:
    """What escalation keeps clocks for (inside each case's state document)."""
    return {clock["subject_id"] for doc in client["complaints_escalation"]["case_states"].find({}, {"clocks": 1})
            for clock in doc.get("clocks") or ()}

def test_broker_restart_on_durable_storage(tmp_path, capsys):
    with capsys.disabled():
        _broker_restart(tmp_path)


def _broker_restart(tmp_path: Path) -> None:
    """Kill -9 the broker with complaints in flight, restart it on its durable log, and check that
    nothing was lost or doubled; the services reconnect, or exit and are restarted by the supervisor."""
    rng = random.Random(SEED + 1)
    print()
    say(f"broker restart: {BROKER_COMPLAINTS} complaints on the durable (local S3) broker log, seed {SEED}")
    policy = write_policy(tmp_path / "policy.yaml")
    # every fetch lists the partition's objects and stops listing at the fetch wait: give it a second
    stack = EmbeddedStack(Ports.free(), data_dir=tmp_path / "stack", durable=True, durable_broker=True,
                          log_dir=tmp_path / "logs", session_timeout_s=3.0,
                          extra_env=service_env(policy, KAFKA_FETCH_MAX_WAIT_MS="1000"))
    started = time.monotonic()
    supervisor = None
    try:
        stack.start_infrastructure()
        stack.create_topics(partitions=1)
        stack.start_services()
        complaints = [sample_complaint(rng, customer_id=f"C-B{SEED % 1000:03d}-{i:04d}") for i in range(BROKER_COMPLAINTS)]
        restart_after = BROKER_COMPLAINTS // 3
        down_s = rng.uniform(2.0, 6.0)
        publisher = Publisher(stack.kafka_bootstrap)
        supervisor = Supervisor(stack, [], time.monotonic(), lambda text: say(text, started))
        supervisor.start()
        client = pymongo.MongoClient(stack.mongodb_uri)
        times: dict[str, float] = {}

        done_at: dict[str, float] = {}

        def note_registered() -> None:
            for doc in client["complaints_intake"]["submissions"].find({}, {"submission_id": 1}):
                done_at.setdefault(doc["submission_id"], time.monotonic())

        for index, complaint in enumerate(complaints):
            if index == restart_after:
                supervisor.inject(Fault(0, "broker", signal.SIGKILL, down_s))
            publisher.publish(COMPLAINTS_SUBMITTED, complaint, key=complaint.customer.id)
            publisher.flush()
            times[complaint.submission_id] = time.monotonic()
            pause_until = time.monotonic() + 1.0
            while time.monotonic() < pause_until:
                note_registered()
                time.sleep(0.2)
        say(f"published {len(complaints)} complaints, the broker killed and restarted after {restart_after} "
            f"({down_s:.1f}s down)", started)

        # wait for every complaint to be registered, dispatched and clocked, or for progress to stop
        deadline, stalled_for = time.monotonic() + 600, 90.0
        progress, last_progress = None, time.monotonic()
        while time.monotonic() < deadline and time.monotonic() - last_progress < stalled_for:
            note_registered()
            intake_cases = client["complaints_intake"]["cases"].count_documents({})
            dispatch_cases = client["complaints_dispatch"]["cases"].count_documents({})
            orders = {doc["_id"] for doc in client["complaints_dispatch"]["work_orders"].find({}, {"_id": 1})}
            clocked = clocked_subjects(client)
            if len(done_at) == len(complaints) and orders and orders <= clocked and dispatch_cases == intake_cases:
                break
            now_progress = (len(done_at), dispatch_cases, len(orders), len(clocked))
            if now_progress != progress:
                progress, last_progress = now_progress, time.monotonic()
            time.sleep(0.5)
        assert not supervisor.errors, supervisor.errors
        ledger = Ledger(read_topics(stack.kafka_bootstrap, fetch_wait_ms=1000, idle_s=5.0))
        latency = [done_at[c.submission_id] - times[c.submission_id] for c in complaints if c.submission_id in done_at]
        before = [done_at[c.submission_id] - times[c.submission_id] for c in complaints[:restart_after]
                  if c.submission_id in done_at]
        after = [done_at[c.submission_id] - times[c.submission_id] for c in complaints[restart_after:]
                 if c.submission_id in done_at]
        problems, broker_losses = _check_small_run(stack, client, ledger, complaints, supervisor)
        rows = [
            ("complaints", len(complaints)),
            ("registered", len(done_at)),
            ("cases", len({e.case_id for e in ledger.named("CaseRegistered")})),
            ("work orders", len({e.payload.work_order_id for e in ledger.named("WorkOrderDispatched")})),
            ("deadlines set", len({e.payload.deadline_id for e in ledger.named("DeadlineSet")})),
            ("records on internal topics", f"{sum(ledger.copies.values())} ({ledger.redelivered} ids more than once)"),
            ("submit -> registered, before the restart", _spread(before)),
            ("submit -> registered, after the restart", _spread(after)),
            ("broker down", f"{down_s:.1f}s (kill -9)"),
            ("dead letters", len(ledger.dead_letters)),
            ("service exits (restarted)", len(supervisor.exits)),
            ("records the broker skipped", len(broker_losses)),
            ("problems", len(problems)),
        ]
        print()
        print(table(f"broker restart on durable storage, {time.monotonic() - started:.0f}s", rows), flush=True)
        assert latency, "nothing was registered"
        assert not problems, "\n".join(problems[:40])
        if broker_losses:
            pytest.xfail("Tansu 0.6 (s3 log on localbucket) handed consumers record batches with a gap after "
                         "the restart, so these were never consumed although they are in the log: "
                         + "; ".join(broker_losses[:10]))
    finally:
        if supervisor is not None:
            supervisor.hold()
        for name in SERVICES:
            stack.stop_service(name, timeout_s=20)
        stack.stop()
        if supervisor is not None:
            supervisor.stop()


def _spread(values: list[float]) -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    return f"median {ordered[len(ordered) // 2]:.1f}s, max {ordered[-1]:.1f}s ({len(values)})"


def _check_small_run(stack, client, ledger: Ledger, complaints, supervisor) -> tuple[list[str], list[str]]:
    """Problems the services own, and records the broker has but never delivered (reported apart)."""
    problems, losses = [], []
    problems += [f"event {event_id}: copies differ" for event_id in ledger.differing_copies()]
    case_of = distinct_per(ledger.named("CaseRegistered"), lambda e: e.payload.submission_id)
    stored = {doc["submission_id"]: doc["case_id"] for doc in client["complaints_intake"]["submissions"].find()}
    for index, complaint in enumerate(complaints):
        if complaint.submission_id not in stored:
            # one partition, published in order: intake consumed past it if it registered a later one
            later = any(c.submission_id in stored for c in complaints[index + 1:])
            (losses if later else problems).append(f"intake never got complaint {complaint.submission_id}"
                                                   + ("" if later else ": its consumer stopped there"))
        elif len(case_of.get(complaint.submission_id, ())) != 1:
            problems.append(f"complaint {complaint.submission_id}: {len(case_of.get(complaint.submission_id, ()))} "
                            f"CaseRegistered event ids")
    for name, key in (("OwnerAssigned", lambda e: e.case_id), ("WorkOrderDispatched", lambda e: e.payload.work_order_id),
                      ("DeadlineSet", lambda e: e.payload.deadline_id)):
        problems += [f"{name} {k}: {len(ids)} event ids" for k, ids in distinct_per(ledger.named(name), key).items()
                     if len(ids) > 1]
    dispatch_cases = {doc["_id"] for doc in client["complaints_dispatch"]["cases"].find({}, {"_id": 1})}
    clocked = clocked_subjects(client)
    escalation_cases = {doc["_id"] for doc in client["complaints_escalation"]["cases"].find({}, {"_id": 1})}
    # An event in the log whose effect a service lacks: if the service has the effect of a later
    # record of the same partition, its consumer went past it (the broker left a gap in what it
    # handed out); if not, the service stopped consuming, which is the service's fault.
    for service, name, effect in (
            ("dispatch", "CaseRegistered", lambda e: e.case_id in dispatch_cases),
            ("escalation", "CaseRegistered", lambda e: e.case_id in escalation_cases),
            ("escalation", "WorkOrderDispatched", lambda e: e.payload.work_order_id in clocked)):
        events = sorted(ledger.named(name), key=lambda e: (e.partition, e.offset))
        for event in events:
            if effect(event):
                continue
            later = [e for e in events if e.partition == event.partition and e.offset > event.offset and effect(e)]
            what = f"{service} never got {name} {event.event_id} ({event.topic}[{event.partition}]@{event.offset}, " \
                   f"case {event.case_id})"
            (losses if later else problems).append(what + ("" if later else ": its consumer stopped there"))
    stored_orders = {doc["_id"] for doc in client["complaints_dispatch"]["work_orders"].find({}, {"_id": 1})}
    announced = {e.payload.work_order_id for e in ledger.named("WorkOrderDispatched")}
    problems += [f"work order {wo} stored by dispatch but never published" for wo in sorted(stored_orders - announced)]
    problems += [f"dead letter: {letter.reason}" for letter in ledger.dead_letters]
    return problems, losses
