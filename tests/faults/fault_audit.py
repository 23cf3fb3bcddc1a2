"""The audit after the long fault test: every topic and database read back and each guarantee checked (``audit``)."""

from __future__ import annotations

import random
import time
from collections import Counter, defaultdict

import grpc
import pymongo

from complaints.v1 import (
    common_pb2,
    customer_notifications_pb2,
    envelope_pb2,
    intake_service_pb2,
    intake_service_pb2_grpc,
    verification_service_pb2,
    verification_service_pb2_grpc,
)
from fault_harness import TIER1_SLA, Supervisor, fault_counts, short_clocked
from fault_ledger import (
    Ledger,
    channel_name,
    deadline_kind,
    distinct_per,
    expected_deadline_ids,
    expected_status,
    read_topics,
)
from fault_settings import SEED, say
from complaint_platform.topics import CUSTOMER_NOTIFICATIONS, DEADLETTER, INTERNAL_TOPICS
from tools.devstack import EmbeddedStack

# steps the customer hears of at most once a handling round (awaiting the customer and promised
# times may come again within a round)
ONCE_A_ROUND = ("ACKNOWLEDGED", "WORK_TAKEN", "RESOLVED", "CALLBACK_SCHEDULED", "REOPENED", "CLOSED",
                "SATISFACTION_SURVEY")


def audit(stack: EmbeddedStack, plans, repeats, complaints, supervisor: Supervisor, started: float,
          inputs: dict[str, set[str]]) -> dict:
    problems: list[str] = []
    ledger = Ledger(read_topics(stack.kafka_bootstrap, (*INTERNAL_TOPICS, CUSTOMER_NOTIFICATIONS, DEADLETTER)))
    say(f"read {sum(ledger.copies.values())} records ({len(ledger.events)} distinct events, "
        f"{len(ledger.dead_letters)} dead letters)", started)
    client = pymongo.MongoClient(stack.mongodb_uri)
    intake, dispatch = client["complaints_intake"], client["complaints_dispatch"]
    escalation, verification = client["complaints_escalation"], client["complaints_verification"]

    # redelivery repeats exactly: every copy of an event id is the same event
    differing = ledger.differing_copies()
    problems += [f"event {event_id}: copies differ" for event_id in differing[:10]]

    # intake: one case per complaint, each submission once, repeats on the original case
    registered = distinct_per(ledger.named("CaseRegistered"), lambda e: e.payload.submission_id)
    linked = distinct_per(ledger.named("SubmissionLinked"), lambda e: e.payload.submission_id)
    case_of: dict[str, set[str]] = defaultdict(set)
    for event in ledger.named("CaseRegistered") + ledger.named("SubmissionLinked"):
        case_of[event.payload.submission_id].add(event.case_id)
    submissions = {doc["_id"]: doc for doc in intake.submissions.find({}, {"case_id": 1, "submission_id": 1})}
    all_complaints = [(c.submission_id, channel_name(c.channel)) for c in complaints]
    all_complaints += [(again.submission_id, channel_name(again.channel)) for again, _ in repeats.values()]
    for submission_id, channel in all_complaints:
        cases = case_of.get(submission_id, set())
        if len(cases) != 1:
            problems.append(f"submission {submission_id}: {len(cases)} cases {sorted(cases)}")
        if len(registered.get(submission_id, ())) + len(linked.get(submission_id, ())) != 1:
            problems.append(f"submission {submission_id}: registered under {len(registered.get(submission_id, ()))} "
                            f"and linked under {len(linked.get(submission_id, ()))} event ids")
        stored = submissions.get(f"{channel}:{submission_id}")
        if stored is None or {stored["case_id"]} != cases:
            problems.append(f"submission {submission_id}: intake stored {stored and stored['case_id']}, events say {cases}")
    for again_id, (_, original_id) in repeats.items():
        if case_of.get(again_id) != case_of.get(original_id):
            problems.append(f"repeat contact {again_id} is on {case_of.get(again_id)}, "
                            f"its first contact on {case_of.get(original_id)}")
    wanted = {s for s, _ in all_complaints}
    strangers = set(registered) - wanted
    problems += [f"case registered for a submission nobody sent: {s}" for s in sorted(strangers)[:5]]
    case_ids = {e.case_id for e in ledger.named("CaseRegistered")}
    if len(submissions) != len(all_complaints):
        problems.append(f"intake stored {len(submissions)} submissions for {len(all_complaints)} complaints")
    stored_cases = intake_cases(intake)
    if set(stored_cases) != case_ids:
        problems.append(f"intake stores {len(stored_cases)} cases, the topic registered {len(case_ids)}")

    # dispatch: one owner, work orders once per (case, department, round), each announced once
    owners = distinct_per(ledger.named("OwnerAssigned"), lambda e: e.case_id)
    orders = distinct_per(ledger.named("WorkOrderDispatched"), lambda e: e.payload.work_order_id)
    order_events = {e.payload.work_order_id: e for e in ledger.named("WorkOrderDispatched")}
    stored_orders, rounds = {}, Counter()
    for doc in dispatch.case_states.find({}, {"state.work_orders": 1}):
        for order in doc["state"]["work_orders"]:
            stored_orders[order["work_order_id"]] = order
            rounds[(doc["_id"], order["department"], order["round"], order["lane"])] += 1
    problems += [f"case {key[0]}: {n} work orders to {key[1]} in round {key[2]}" for key, n in rounds.items() if n > 1]
    problems += [f"work order {wo}: announced under {len(ids)} event ids" for wo, ids in orders.items() if len(ids) > 1]
    if set(stored_orders) != set(orders):
        problems.append(f"dispatch stores {len(stored_orders)} work orders, the topic announced {len(orders)}: "
                        f"only stored {sorted(set(stored_orders) - set(orders))[:5]}, "
                        f"only announced {sorted(set(orders) - set(stored_orders))[:5]}")
    dispatch_cases = {doc["_id"] for doc in dispatch.cases.find({}, {"_id": 1})}
    for case_id in case_ids:
        if len(owners.get(case_id, ())) != 1:
            problems.append(f"case {case_id}: {len(owners.get(case_id, ()))} OwnerAssigned event ids")
        if case_id not in dispatch_cases:
            problems.append(f"case {case_id}: never reached dispatch")
    cases_with_orders = {e.case_id for e in order_events.values()}
    problems += [f"case {c}: no work order" for c in sorted(case_ids - cases_with_orders)[:20]]

    # escalation: each clock started once, every work order and case has its clocks; breaches and
    # escalations once per deadline and level
    reopens = Counter(e.case_id for e in ledger.named("CaseReopened"))
    deadline_sets = ledger.named("DeadlineSet")
    per_deadline = distinct_per(deadline_sets, lambda e: e.payload.deadline_id)
    problems += [f"deadline {d}: set under {len(ids)} event ids" for d, ids in per_deadline.items() if len(ids) > 1]
    per_clock = defaultdict(set)
    for event in deadline_sets:
        per_clock[(event.case_id, deadline_kind(event.payload.kind), event.payload.subject_id)].add(event.payload.deadline_id)
    for (case_id, kind, subject), ids in per_clock.items():
        generations = reopens[case_id] + 1 if kind == "CASE_REPLY" else 1
        if kind == "CASE_REPLY" and ids != expected_deadline_ids(case_id, kind, subject, generations):
            problems.append(f"case {case_id}: CASE_REPLY clocks {sorted(ids)} for {generations} handling loops")
        elif kind != "CASE_REPLY" and len(ids) != 1:
            problems.append(f"case {case_id}: {len(ids)} {kind} clocks for {subject}")
    for case_id in case_ids:
        if (case_id, "CASE_REPLY", case_id) not in per_clock:
            problems.append(f"case {case_id}: no CASE_REPLY deadline set")
    for work_order_id, event in order_events.items():
        kinds = {"CONSULT_REPLY"} if event.payload.kind == 2 else {"WORK_ORDER_ACCEPT", "WORK_ORDER_REPLY"}
        for kind in kinds:
            if (event.case_id, kind, work_order_id) not in per_clock:
                problems.append(f"work order {work_order_id}: no {kind} deadline set")
    # clocks live inside their case's state document (each once)
    stored_clocks = [clock["deadline_id"] for doc in escalation.case_states.find({}, {"clocks": 1})
                     for clock in doc.get("clocks") or ()]
    stored_deadlines = set(stored_clocks)
    if len(stored_clocks) != len(stored_deadlines):
        problems.append(f"escalation stores {len(stored_clocks) - len(stored_deadlines)} clocks twice")
    if stored_deadlines != set(per_deadline):
        problems.append(f"escalation stores {len(stored_deadlines)} deadlines, the topic set {len(per_deadline)}")
    breaches = distinct_per(ledger.named("DeadlineBreached"), lambda e: e.payload.deadline_id)
    problems += [f"deadline {d}: breached under {len(ids)} event ids" for d, ids in breaches.items() if len(ids) > 1]
    escalations = distinct_per(ledger.named("CaseEscalated"), lambda e: (e.case_id, e.causation_id, e.payload.level))
    problems += [f"case {k[0]}: escalated to level {k[2]} for {k[1]} under {len(ids)} event ids"
                 for k, ids in escalations.items() if len(ids) > 1]
    tier1_cases = {next(iter(case_of[s])) for s in short_clocked(complaints) if len(case_of.get(s, ())) == 1}
    escalated_cases = {key[0] for key in escalations}
    unescalated = sorted(tier1_cases - escalated_cases)
    problems += [f"tier-1 case {c}: accept deadline ({TIER1_SLA['work_order_accept']}) passed unanswered, never escalated"
                 for c in unescalated[:20]]

    # verification: one record per resolved case, opened and closed once per loop, chain intact
    resolved = distinct_per(ledger.named("CaseResolved"), lambda e: e.case_id)
    opened = distinct_per(ledger.named("VerificationOpened"), lambda e: e.case_id)
    closed = distinct_per(ledger.named("CaseClosed"), lambda e: e.case_id)
    reopened = distinct_per(ledger.named("CaseReopened"), lambda e: e.case_id)
    records = {doc["_id"]: doc for doc in verification.records.find({}, {"status": 1})}
    for case_id in set(resolved) | set(opened) | set(closed):
        loops = reopens[case_id] + 1
        if len(resolved.get(case_id, ())) > loops or len(opened.get(case_id, ())) > loops:
            problems.append(f"case {case_id}: resolved {len(resolved.get(case_id, ()))}x, verification opened "
                            f"{len(opened.get(case_id, ()))}x in {loops} handling loops")
        if len(closed.get(case_id, ())) > 1:
            problems.append(f"case {case_id}: closed under {len(closed[case_id])} event ids")
        if len(reopened.get(case_id, ())) > 1:
            problems.append(f"case {case_id}: reopened under {len(reopened[case_id])} event ids (one unsatisfied callback)")
    problems += [f"case {c}: resolved but has no verification record" for c in sorted(set(resolved) - set(records))[:20]]
    problems += [f"verification record {c} for a case never resolved" for c in sorted(set(records) - set(resolved))[:20]]
    for case_id in closed:
        if records.get(case_id, {}).get("status") != "CLOSED":
            problems.append(f"case {case_id}: CaseClosed published, record is {records.get(case_id, {}).get('status')}")
    channel = grpc.insecure_channel(f"127.0.0.1:{stack.ports.grpc['verification']}")
    chain = verification_service_pb2_grpc.VerificationServiceStub(channel).VerifyChain(
        verification_service_pb2.VerifyChainRequest(), timeout=120)
    if not chain.ok:
        problems.append(f"audit chain broken at {chain.first_broken_seq}: {chain.reason}")

    # plans played out, and intake shows the state the events imply
    plan_of_case = {next(iter(case_of[s])): plan for s, plan in plans.items() if len(case_of.get(s, ())) == 1}
    for case_id, plan in plan_of_case.items():
        if plan.answered and case_id not in closed:
            problems.append(f"answered case {case_id}: never closed (events {[e.name for e in ledger.by_case[case_id]]})")
        if plan.unsatisfied_first and case_id not in reopened:
            problems.append(f"case {case_id}: the unsatisfied callback did not reopen it")
    max_level = defaultdict(int)
    for case_id, _, level in escalations:
        max_level[case_id] = max(max_level[case_id], level)

    def intake_mismatches(stored_cases) -> list[str]:
        wrong = []
        for case_id in case_ids:
            stored = stored_cases.get(case_id)
            if stored is None:
                continue
            events = ledger.by_case[case_id]
            want = expected_status(events)
            if stored.get("status") != want:
                wrong.append(f"case {case_id}: intake shows {stored.get('status')}, its events imply {want} "
                             f"({[e.name for e in sorted(events, key=lambda e: e.occurred_at)]})")
            if (stored.get("escalation_level") or 0) != max_level[case_id]:
                wrong.append(f"case {case_id}: intake shows escalation level {stored.get('escalation_level')}, "
                             f"events say {max_level[case_id]}")
            breached = any(e.name == "DeadlineBreached" for e in events)
            if breached and case_id not in reopened and not stored.get("overdue"):
                wrong.append(f"case {case_id}: breached but intake does not show it overdue")
        return wrong

    # intake may still be applying the last events it consumed: look again for a while
    settle_until = time.monotonic() + 60
    wrong_status = intake_mismatches(stored_cases)
    while wrong_status and time.monotonic() < settle_until:
        time.sleep(3)
        stored_cases = intake_cases(intake)
        wrong_status = intake_mismatches(stored_cases)
    problems += wrong_status
    stub = intake_service_pb2_grpc.IntakeServiceStub(grpc.insecure_channel(f"127.0.0.1:{stack.ports.grpc['intake']}"))
    for case_id in random.Random(SEED).sample(sorted(case_ids), min(200, len(case_ids))):
        if case_id not in stored_cases:
            continue
        view = stub.GetCase(intake_service_pb2.GetCaseRequest(case_id=case_id), timeout=10).case
        shown = common_pb2.CaseStatus.Name(view.status).removeprefix("CASE_STATUS_")
        if shown != stored_cases[case_id]["status"]:
            problems.append(f"case {case_id}: GetCase shows {shown}, the database {stored_cases[case_id]['status']}")

    # no input lost: every complaint, feedback and callback sent is in its consumer's inbox
    lost_inputs = 0
    for name, sent in inputs.items():
        handled = set()
        ordered = sorted(sent)
        for start in range(0, len(ordered), 1000):
            handled |= {doc["_id"] for doc in client[f"complaints_{name}"].processed_events.find(
                {"_id": {"$in": ordered[start:start + 1000]}}, {"_id": 1})}
        lost = sorted(set(sent) - handled)
        lost_inputs += len(lost)
        problems += [f"{name} never handled input {event_id}" for event_id in lost[:20]]

    # nothing left undelivered: the outboxes are relayed, and no input was dead-lettered
    for name, database in (("escalation", escalation), ("verification", verification), ("dispatch", dispatch),
                           ("intake", intake)):
        stuck = [doc["_id"] for doc in database.outbox.find({}, {"_id": 1}) if doc["_id"] not in ledger.events]
        problems += [f"{name}: outbox event {event_id} never reached its topic" for event_id in stuck[:10]]
    for letter in ledger.dead_letters[:20]:
        problems.append(f"dead letter from {letter.source_topic}@{letter.source_offset} by {letter.rejected_by}: "
                        f"{letter.reason}")
    for at, name, code, tail in supervisor.exits:
        problems.append(f"{name} exited by itself (code {code}) at {at:.0f}s; last log lines:\n{tail}")
    told_problems, told, held = customer_notifications(ledger, dispatch, case_ids)
    problems += told_problems
    client.close()

    duplicates = (len(differing) + sum("told under" in problem for problem in told_problems)
                  + sum(len(ids) > 1 for ids in orders.values())
                  + sum(len(ids) > 1 for ids in per_deadline.values()) + sum(len(ids) > 1 for ids in breaches.values())
                  + sum(len(ids) > 1 for ids in escalations.values()) + sum(len(ids) > 1 for ids in closed.values())
                  + sum(n > 1 for n in rounds.values()))
    rows = [
        ("complaints published", f"{len(complaints)} (+{len(repeats)} repeat contacts)"),
        ("submissions stored", len(submissions)),
        ("cases", len(case_ids)),
        ("work orders", len(orders)),
        ("deadlines set", len(per_deadline)),
        ("deadline breaches", len(breaches)),
        ("escalations", len(escalations)),
        ("cases resolved", len(resolved)),
        ("verification records", len(records)),
        ("reopened", len(reopened)),
        ("closures", len(closed)),
        ("events on the case and notification topics", f"{len(ledger.events)} distinct, {sum(ledger.copies.values())} records "
                                      f"({ledger.redelivered} ids published more than once, all identical copies: "
                                      f"{'yes' if not differing else 'NO'})"),
        ("customer notifications", f"{told} published, {held} held for the morning (SMS at night)"),
        ("duplicates found", duplicates),
        ("intake views not matching events", len(wrong_status)),
        ("inputs sent (complaints, feedback, callbacks)", " / ".join(str(len(inputs[n])) for n in inputs)),
        ("inputs never handled", lost_inputs),
        ("dead letters", len(ledger.dead_letters)),
        ("faults injected", f"{len(supervisor.injected)}: {fault_counts(supervisor.injected)}"),
        ("unplanned exits (restarted)", len(supervisor.exits)),
        ("problems", len(problems)),
    ]
    return {"problems": problems, "rows": rows}


def intake_cases(intake) -> dict[str, dict]:
    """Intake's cases with what its view documents say of them (escalation level, overdue)."""
    views = {doc["_id"]: doc for doc in intake.case_views.find({}, {"escalation_level": 1, "overdue": 1})}
    return {doc["_id"]: {**doc, **views.get(doc["_id"], {})}
            for doc in intake.cases.find({}, {"status": 1, "contact_count": 1})}


def customer_notifications(ledger: Ledger, dispatch, case_ids: set[str]) -> tuple[list[str], int, int]:
    """Each step told once a round (published or still held through the quiet hours, by id), and
    every customer's case acknowledged."""
    told: dict[tuple[str, str, int], set[str]] = defaultdict(set)
    published = ledger.named("CustomerNotification")
    notices = [(e.event_id, e.payload) for e in published]
    held = list(dispatch.held_notifications.find({}, {"value": 1}))
    for doc in held:
        envelope = envelope_pb2.Envelope()
        envelope.ParseFromString(doc["value"])
        notices.append((envelope.event_id, envelope.customer_notification))
    for event_id, notice in notices:
        step = customer_notifications_pb2.NotificationStep.Name(notice.step).removeprefix("NOTIFICATION_STEP_")
        told[(notice.case_id, step, notice.round)].add(event_id)
    problems = [f"case {case_id}: {step} in round {round_} told under {len(ids)} notification ids"
                for (case_id, step, round_), ids in sorted(told.items()) if step in ONCE_A_ROUND and len(ids) > 1]
    proxies = {e.case_id for e in ledger.named("CaseRegistered") if e.payload.proxy_case}
    acknowledged = {case_id for (case_id, step, _) in told if step == "ACKNOWLEDGED"}
    problems += [f"case {case_id}: the customer was never acknowledged"
                 for case_id in sorted(case_ids - proxies - acknowledged)]
    return problems, len({event_id for event_id, _ in notices}) - len(held), len(held)
