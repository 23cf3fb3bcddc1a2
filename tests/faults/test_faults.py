"""Fault test: the guarantees of DESIGN.md s.6 while services and the database die under load.

``test_complaints_survive_kills_and_database_restarts``: FAULT_COMPLAINTS (10,000) complaints
flow at FAULT_RATE per second while each service is killed with SIGKILL at random moments
(seeded; FAULT_SEED repeats a run) and restarted, and the database (durable storage) is
restarted twice, once killed and once stopped. Simulated departments answer some work orders
and a callback centre calls back, so cases also resolve, reopen, verify and close; tier-1 cases
are left unanswered under minute-long clocks, so they breach and escalate. The broker restart
is tested on its own, in ``test_broker_restart``.

Afterwards the topics are read from the beginning and the services' databases directly
(``fault_audit``), and the test prints the counts: every complaint has exactly one case,
nothing was done twice under different ids, and every case is in the state its events imply.
"""

from __future__ import annotations

import os
import random
import time
from collections import Counter, defaultdict
from pathlib import Path

import pymongo
import pytest

from complaint_platform.topics import CALLBACK_RESULTS, COMPLAINTS_SUBMITTED, WORKORDER_FEEDBACK
from fault_audit import audit
from fault_harness import Departments, Plan, Supervisor, schedule, short_clocked, write_policy
from fault_ledger import deadline_kind, summarize, table
from fault_settings import SEED, TIMEOUT_S, say, service_env
from tools.devstack import SERVICES, EmbeddedStack, Ports
from tools.eventlog import EventTail, Publisher
from tools.traffic import sample_complaint

COMPLAINTS = int(os.environ.get("FAULT_COMPLAINTS", "10000"))
RATE = float(os.environ.get("FAULT_RATE", "28"))
KILLS_PER_SERVICE = int(os.environ.get("FAULT_KILLS_PER_SERVICE", "2"))
DATABASE_RESTARTS = int(os.environ.get("FAULT_DATABASE_RESTARTS", "2"))
# 0: SecantusDB without --sync-on-commit, whose kill -9 loses its last acknowledged transactions
# (like a MongoDB primary's rollback after a failover); the services must read those inputs again.
# Their re-derived events then carry a later occurred_at than the copies already published.
DATABASE_SYNC_ON_COMMIT = os.environ.get("FAULT_DATABASE_SYNC_ON_COMMIT", "1") != "0"
# After the last complaint: drain the backlog while it moves, up to DRAIN_S; fail if nothing new
# happens for STALL_S (a wedged service), or at DRAIN_S (too slow).
DRAIN_S = float(os.environ.get("FAULT_DRAIN_S", "1500"))
STALL_S = float(os.environ.get("FAULT_STALL_S", "120"))
MAX_BACKLOG = int(os.environ.get("FAULT_MAX_BACKLOG", "1500"))  # complaints published but not yet registered
ANSWERED = 0.10            # share of cases whose departments answer (the rest wait, as tier-1 ones must)
UNSATISFIED = 0.2          # of answered cases: first callback unsatisfied, the case reopens once
REPEATS = 0.02             # complaints followed by a second contact from the same customer


@pytest.mark.timeout(TIMEOUT_S)
def test_complaints_survive_kills_and_database_restarts(tmp_path, capsys):
    with capsys.disabled():
        _complaints_under_faults(tmp_path)


def _complaints_under_faults(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    print()
    say(f"fault test: {COMPLAINTS} complaints at {RATE:g}/s, seed {SEED} (FAULT_SEED={SEED} repeats it)")
    policy = write_policy(tmp_path / "policy.yaml")
    stack = EmbeddedStack(Ports.free(), data_dir=tmp_path / "stack", durable=True, durable_broker=False,
                          log_dir=tmp_path / "logs", session_timeout_s=3.0, extra_env=service_env(policy),
                          sync_on_commit=DATABASE_SYNC_ON_COMMIT)
    started = time.monotonic()
    supervisor = None
    try:
        stack.start_infrastructure()
        stack.create_topics(partitions=3)
        stack.start_services()
        say(f"stack up: broker {stack.kafka_bootstrap}, database {stack.mongodb_uri} (data in {stack.data_dir}, "
            f"sync on commit {'on' if DATABASE_SYNC_ON_COMMIT else 'off'}), logs in {stack.log_dir}", started)

        # what the outside world will do, decided up front from the seed
        complaints, plans = [], {}
        for index in range(COMPLAINTS):
            complaint = sample_complaint(rng, customer_id=f"C-F{SEED % 1000:03d}-{index:06d}")
            tier1 = complaint.customer.tier == 1
            answered = not tier1 and rng.random() < ANSWERED
            plan = Plan(answered=answered, unsatisfied_first=answered and rng.random() < UNSATISFIED,
                        repeat=not answered and not tier1 and rng.random() < REPEATS)
            complaints.append(complaint)
            plans[complaint.submission_id] = plan
        repeats = {}
        for complaint in complaints:
            if plans[complaint.submission_id].repeat:
                again = sample_complaint(rng, customer_id=complaint.customer.id, summary=complaint.summary,
                                         region=complaint.customer.region)
                again.customer.tier = complaint.customer.tier
                repeats[again.submission_id] = (again, complaint.submission_id)

        window_s = COMPLAINTS / RATE
        faults = schedule(rng, window_s, KILLS_PER_SERVICE, DATABASE_RESTARTS)
        say("fault schedule: " + "; ".join(f"{f.at:.0f}s {f.describe()}" for f in faults), started)

        tail = EventTail(stack.kafka_bootstrap)
        publisher = Publisher(stack.kafka_bootstrap)
        # every input carries its id (the event-id header), so the audit can find it in the consumer's inbox
        departments = Departments(lambda topic, message, key, event_id: publisher.publish(
            topic, message, key=key, headers=[("event-id", event_id.encode())]), rng)
        departments.plan_by_submission.update(plans)
        counts: Counter[str] = Counter()
        cases_seen: dict[str, str] = {}          # submission -> case, from the live tail
        seen = LiveView()
        traffic_started = time.monotonic()
        supervisor = Supervisor(stack, faults, traffic_started, lambda text: say(text, started))
        supervisor.start()

        # publish at a paced rate, play departments and callbacks, and report progress
        repeat_queue = sorted(((rng.uniform(5, 30), again) for again, _ in repeats.values()),
                              key=lambda item: item[0])
        pending_repeats: list[tuple[float, object]] = []
        published = 0
        next_status = time.monotonic() + 10

        def pump(now: float) -> None:
            """Send the repeat contacts now due, then take in what the services published."""
            for item in [item for item in pending_repeats if item[0] <= now]:
                pending_repeats.remove(item)
                publisher.publish(COMPLAINTS_SUBMITTED, item[1], key=item[1].customer.id, headers=input_id(item[1]))
                counts["repeat contacts"] += 1
            for event in tail.poll(0.05):
                counts[event.name] += 1
                seen.observe(event)
                if event.name == "CaseRegistered":
                    cases_seen[event.payload.submission_id] = event.case_id
                elif event.name == "SubmissionLinked":
                    cases_seen[event.payload.submission_id] = event.case_id
                departments.observe(event, now)
            departments.flush_due(now)

        def status(now: float, phase: str) -> None:
            say(f"{phase}: published {published}/{COMPLAINTS} (+{counts['repeat contacts']} "
                f"repeat contacts), registered {counts['CaseRegistered']}, linked {counts['SubmissionLinked']}, "
                f"dispatched {counts['WorkOrderDispatched']}, deadlines {counts['DeadlineSet']}, "
                f"breaches {counts['DeadlineBreached']}, escalations {counts['CaseEscalated']}, "
                f"resolved {counts['CaseResolved']}, reopened {counts['CaseReopened']}, "
                f"closed {counts['CaseClosed']}, dead letters {counts['DeadLetter']}; "
                f"faults {len(supervisor.injected)}/{len(faults)}, unplanned exits {len(supervisor.exits)}", started)

        next_send = time.monotonic()
        throttled_s = 0.0
        while published < COMPLAINTS:
            now = time.monotonic()
            if published - len(cases_seen) > MAX_BACKLOG:
                # the pipeline fell behind (faults, a loaded machine): hold the channels back rather than
                # pile up a backlog the drain cannot clear in time
                throttled_s += max(0.0, now - next_send)
                next_send = max(next_send, now)
            while published < COMPLAINTS and next_send <= now and published - len(cases_seen) <= MAX_BACKLOG:
                complaint = complaints[published]
                publisher.publish(COMPLAINTS_SUBMITTED, complaint, key=complaint.customer.id,
                                  as_json=published % 10 == 3, headers=input_id(complaint))
                if plans[complaint.submission_id].repeat:
                    delay, again = repeat_queue.pop(0)
                    pending_repeats.append((now + delay, again))
                published += 1
                next_send += 1 / RATE
            pump(now)
            if now >= next_status:
                next_status += 10
                status(now, "traffic")
        publisher.flush()
        say(f"all {COMPLAINTS} complaints published in {time.monotonic() - traffic_started:.0f}s "
            f"(held back {throttled_s:.0f}s while more than {MAX_BACKLOG} were waiting for a case)", started)

        # drain: wait (bounded) until every complaint went as far as its plan takes it
        answered_submissions = {s for s, plan in plans.items() if plan.answered}
        tier1_submissions = short_clocked(complaints)
        drain_until = time.monotonic() + DRAIN_S + 15 * (supervisor.pending + 1)
        next_check, progress, drained = 0.0, "not checked yet", False

        def finished() -> list[str]:
            missing = []
            if len(cases_seen) < COMPLAINTS + len(repeats):
                missing.append(f"{COMPLAINTS + len(repeats) - len(cases_seen)} submissions without a case yet")
            if supervisor.pending:
                missing.append(f"{supervisor.pending} faults still scheduled")
            if missing:
                return missing
            cases = set(cases_seen.values())
            answered = {cases_seen[s] for s in answered_submissions}
            short = {cases_seen[s] for s in tier1_submissions}
            if cases - seen.dispatched:
                missing.append(f"{len(cases - seen.dispatched)} cases without a work order")
            if cases - seen.case_clock:
                missing.append(f"{len(cases - seen.case_clock)} cases without a case-reply deadline")
            if answered - seen.closed:
                missing.append(f"{len(answered - seen.closed)} of {len(answered)} answered cases not closed")
            unfinished = {c for c in short if seen.level[c] < 4
                          or not {"CASE_REPLY", "WORK_ORDER_REPLY"} <= seen.breached[c]}
            if unfinished:
                missing.append(f"{len(unfinished)} of {len(short)} tier-1 cases not breached and escalated to the top")
            return missing

        last_seen, last_new = sum(counts.values()), time.monotonic()
        while time.monotonic() < drain_until:
            now = time.monotonic()
            if sum(counts.values()) != last_seen:
                last_seen, last_new = sum(counts.values()), now
            elif now - last_new > STALL_S:
                status(now, f"nothing new for {STALL_S:.0f}s, stopped draining")
                break
            pump(now)
            if now >= next_status:
                next_status += 10
                status(now, "draining")
                say(f"  waiting for: {'; '.join(finished()) or progress}", started)
            if not finished() and not pending_repeats and departments.waiting == 0 and now >= next_check:
                next_check = now + 5
                complete, progress = _complete(stack, answered_submissions, cases_seen)
                if complete:
                    drained = True
                    break
        else:
            status(time.monotonic(), "gave up draining")
        publisher.flush()
        tail.close()
        assert not supervisor.errors, f"the fault supervisor failed: {supervisor.errors}"
        traffic_s = time.monotonic() - traffic_started
        say(f"traffic and drain took {traffic_s:.0f}s; reading every topic from the beginning", started)

        inputs = {"intake": {input_id(c)[0][1].decode() for c in complaints}
                  | {input_id(again)[0][1].decode() for again, _ in repeats.values()},
                  "dispatch": departments.sent[WORKORDER_FEEDBACK], "verification": departments.sent[CALLBACK_RESULTS]}
        report = audit(stack, plans, repeats, complaints, supervisor, started, inputs)
        publisher.close()
        rows = report.pop("rows")
        print()
        print(table(f"fault test: {COMPLAINTS} complaints, seed {SEED}, {time.monotonic() - started:.0f}s in all",
                    rows), flush=True)
        print(flush=True)
        problems = report["problems"]
        if not drained:
            problems.insert(0, f"the pipeline did not finish (no new event for {STALL_S:.0f}s, or {DRAIN_S:.0f}s "
                               f"after the last complaint): {'; '.join(finished()) or progress}")
        assert not problems, summarize(problems)
    finally:
        if supervisor is not None:
            supervisor.hold()
        for name in SERVICES:          # services first, while the database still answers their last commit
            stack.stop_service(name, timeout_s=20)
        stack.stop()
        if supervisor is not None:
            supervisor.stop()
        if os.environ.get("KEEP_STACK_LOGS"):
            print(f"stack logs kept in {stack.log_dir}")


class LiveView:
    """What the live tail saw so far, for deciding when the run is over (the audit re-reads everything)."""

    def __init__(self) -> None:
        self.dispatched: set[str] = set()
        self.case_clock: set[str] = set()
        self.closed: set[str] = set()
        self.breached: dict[str, set[str]] = defaultdict(set)
        self.level: Counter[str] = Counter()

    def observe(self, event) -> None:
        if event.name == "WorkOrderDispatched":
            self.dispatched.add(event.case_id)
        elif event.name == "DeadlineSet" and deadline_kind(event.payload.kind) == "CASE_REPLY":
            self.case_clock.add(event.case_id)
        elif event.name == "CaseClosed":
            self.closed.add(event.case_id)
        elif event.name == "DeadlineBreached":
            self.breached[event.case_id].add(deadline_kind(event.payload.kind))
        elif event.name == "CaseEscalated":
            self.level[event.case_id] = max(self.level[event.case_id], event.payload.level)


def _complete(stack, answered_submissions, cases_seen) -> tuple[bool, str]:
    """Whether the services' databases caught up with the events: every case in each service, and
    intake's view of the answered cases closed."""
    client = pymongo.MongoClient(stack.mongodb_uri, serverSelectionTimeoutMS=5000)
    try:
        intake = client["complaints_intake"]
        answered_cases = {cases_seen[s] for s in answered_submissions}
        closed = intake.cases.count_documents({"_id": {"$in": sorted(answered_cases)}, "status": "CLOSED"})
        dispatched = client["complaints_dispatch"]["cases"].count_documents({})
        registered = intake.cases.count_documents({})
        supervised = client["complaints_escalation"]["cases"].count_documents({})
        progress = (f"intake shows {closed}/{len(answered_cases)} answered cases closed; "
                    f"cases in dispatch {dispatched} and escalation {supervised} of {registered}")
        return (closed == len(answered_cases) and dispatched == registered and supervised == registered), progress
    except pymongo.errors.PyMongoError as error:
        return False, f"database: {error}"
    finally:
        client.close()


def input_id(complaint) -> list[tuple[str, bytes]]:
    return [("event-id", f"SUB-{complaint.submission_id}".encode())]
