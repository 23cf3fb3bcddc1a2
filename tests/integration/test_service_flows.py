"""Service behaviour through the real stack: feedback twice and out of order, a deadline that
falls due while escalation is down, and the full closed loop with a moved clock and a tampered
audit entry. Tests that move the clock run last (the clock is shared by the services)."""

from __future__ import annotations

import random
import signal
import time
import uuid
from datetime import datetime, timedelta, timezone

import grpc
import pymongo

from complaints.v1 import (
    case_events_pb2,
    common_pb2,
    escalation_service_pb2,
    escalation_service_pb2_grpc,
    inbound_pb2,
    intake_service_pb2,
    intake_service_pb2_grpc,
    verification_service_pb2,
    verification_service_pb2_grpc,
)
from complaint_platform.envelope import to_timestamp
from complaint_platform.topics import (
    AGENT_EXPLANATIONS,
    CALLBACK_RESULTS,
    CAPA_REPORTS,
    COMPLAINTS_SUBMITTED,
    SERVICE_RATINGS,
    WORKORDER_FEEDBACK,
)
from helpers import collect_case, move_clock, names, service_now, wait_for
from tools.traffic import callback, department_feedback, sample_complaint

F = inbound_pb2


def open_case(tail, publisher, summary: str, seen: list):
    complaint = sample_complaint(random.Random(), channel=common_pb2.CHANNEL_HOTLINE, summary=summary,
                                 customer_id=f"C-{uuid.uuid4().hex[:10]}")
    publisher.publish(COMPLAINTS_SUBMITTED, complaint, key=complaint.customer.id)
    publisher.flush()
    registered = wait_for(tail, lambda e: e.name == "CaseRegistered"
                          and e.payload.submission_id == complaint.submission_id, seen=seen)
    events = collect_case(tail, registered.case_id, lambda got: "WorkOrderDispatched" in names(got), seen=seen)
    order = next(e.payload for e in events if e.name == "WorkOrderDispatched")
    return complaint, registered.case_id, order


def feedback(publisher, case_id, order, kind, text, feedback_id=None):
    publisher.publish(WORKORDER_FEEDBACK, department_feedback(case_id, order.work_order_id, order.department, kind,
                                                              text, feedback_id=feedback_id), key=case_id)
    publisher.flush()


def test_feedback_twice_and_out_of_order_and_for_unknown_orders(stack, tail, publisher):
    seen: list = []
    _, case_id, order = open_case(tail, publisher, "这个月话费乱扣费，多扣了五十元", seen)
    # REPLIED arrives before ACCEPTED, and twice with the same feedback id
    feedback(publisher, case_id, order, F.FEEDBACK_KIND_REPLIED, "已退还多扣费用", feedback_id="FB-dup-1")
    feedback(publisher, case_id, order, F.FEEDBACK_KIND_REPLIED, "已退还多扣费用", feedback_id="FB-dup-1")
    feedback(publisher, case_id, order, F.FEEDBACK_KIND_ACCEPTED, "已受理")
    unknown = department_feedback(case_id, f"{case_id}-WO99", order.department, F.FEEDBACK_KIND_ACCEPTED, "")
    publisher.publish(WORKORDER_FEEDBACK, unknown, key=case_id)
    publisher.flush()
    letter = wait_for(tail, lambda e: e.dead_letter is not None
                      and e.dead_letter.original_value == unknown.SerializeToString(), seen=seen)
    assert "unknown work order" in letter.dead_letter.reason
    time.sleep(1.0)
    seen.extend(tail.poll(0.5))
    mine = [e for e in seen if e.case_id == case_id]
    replied_ids = {e.envelope.event_id for e in mine if e.name == "WorkOrderReplied"}
    accepted_ids = {e.envelope.event_id for e in mine if e.name == "WorkOrderAccepted"}
    assert len(replied_ids) == 1, "the same feedback twice must reply once"
    assert len(accepted_ids) == 1, "a late ACCEPTED after REPLIED changes nothing"
    assert "CaseResolved" not in names(mine), "no customer reply yet: not resolved"


def test_deadline_due_while_escalation_is_down_fires_once(stack, tail, publisher):
    seen: list = []
    _, case_id, order = open_case(tail, publisher, "家里手机信号差，经常打不通电话", seen)
    events = collect_case(tail, case_id, lambda got: sum(e.name == "DeadlineSet" for e in got) >= 3, seen=seen)
    accept = next(e.payload for e in events if e.name == "DeadlineSet"
                  and e.payload.kind == case_events_pb2.DEADLINE_KIND_WORK_ORDER_ACCEPT)
    assert stack.stop_service("escalation", signal.SIGTERM) == 0
    move_clock(stack, timedelta(minutes=90))  # past the 1 h accept deadline, before level 2 (breach + 2 h)
    stack.start_service("escalation")
    stack.wait_healthy("escalation")
    breach = wait_for(tail, lambda e: e.name == "DeadlineBreached" and e.payload.deadline_id == accept.deadline_id,
                      seen=seen)
    assert breach.payload.subject_id == order.work_order_id
    collect_case(tail, case_id, lambda got: "CaseEscalated" in names(got), seen=seen)
    time.sleep(2.0)
    seen.extend(tail.poll(0.5))
    breaches = {e.envelope.event_id for e in seen if e.name == "DeadlineBreached"
                and e.payload.deadline_id == accept.deadline_id}
    escalations = [e.payload for e in seen if e.name == "CaseEscalated" and e.case_id == case_id]
    assert len(breaches) == 1
    assert {e.level for e in escalations} == {1} and escalations[0].role == "shift_leader"
    stub = intake_service_pb2_grpc.IntakeServiceStub(grpc.insecure_channel(f"127.0.0.1:{stack.ports.grpc['intake']}"))
    deadline = time.monotonic() + 10
    while True:
        view = stub.GetCase(intake_service_pb2.GetCaseRequest(case_id=case_id), timeout=5).case
        if (view.overdue and view.escalation_level == 1) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert view.overdue and view.escalation_level == 1
    # the full-process view: every service's events and the clocks' firings, in time order
    escalation = escalation_service_pb2_grpc.EscalationServiceStub(
        grpc.insecure_channel(f"127.0.0.1:{stack.ports.grpc['escalation']}"))
    timeline = escalation.GetTimeline(escalation_service_pb2.GetTimelineRequest(case_id=case_id), timeout=5)
    kinds = [entry.event_type.rsplit(".", 1)[-1] for entry in timeline.entries]
    assert {"CaseRegistered", "OwnerAssigned", "WorkOrderDispatched", "DeadlineSet", "DeadlineBreached",
            "CaseEscalated"} <= set(kinds), kinds
    moments = [(entry.occurred_at.seconds, entry.occurred_at.nanos) for entry in timeline.entries]
    assert moments == sorted(moments)
    assert len({entry.event_id for entry in timeline.entries}) == len(timeline.entries)
    breach_entry = timeline.entries[kinds.index("DeadlineBreached")]
    assert accept.deadline_id in breach_entry.json  # rendered from the stored event
    # owner and work order come from one dispatch batch at the same moment: either may be last
    assert timeline.status in (common_pb2.CASE_STATUS_ASSIGNED, common_pb2.CASE_STATUS_DISPATCHED)


def test_two_escalation_replicas_share_the_clocks_and_fire_each_once(stack, tail, publisher):
    stack.start_replica("escalation", "escalation-b")
    try:
        stack.wait_healthy("escalation-b")
        seen: list = []
        accepts: dict[str, str] = {}  # accept deadline id -> case id
        case_partitions: dict[str, int] = {}

        def share(name: str) -> set[int]:
            """The cases.intake.v1 partitions the replica's log says it holds now (none while revoked)."""
            import ast
            import json

            held: set[int] = set()
            for line in stack.log_path(name).read_text(errors="replace").splitlines():
                try:
                    message = json.loads(line).get("message", "")
                except ValueError:
                    continue
                if message.startswith("partitions revoked:"):
                    held = set()
                elif message.startswith("partitions assigned:"):
                    listed = ast.literal_eval(message.split(":", 1)[1].strip())
                    held = {int(p.rsplit("[", 1)[1].rstrip("]")) for p in listed if p.startswith("cases.intake.v1[")}
            return held

        def open_one(n: int) -> None:
            _, case_id, _ = open_case(tail, publisher, f"第{n}次投诉：宽带经常掉线，报修没人管", seen)
            events = collect_case(tail, case_id, lambda got: any(
                e.name == "DeadlineSet" and e.payload.kind == case_events_pb2.DEADLINE_KIND_WORK_ORDER_ACCEPT
                for e in got), seen=seen)
            accept = next(e.payload for e in events if e.name == "DeadlineSet"
                          and e.payload.kind == case_events_pb2.DEADLINE_KIND_WORK_ORDER_ACCEPT)
            accepts[accept.deadline_id] = case_id
            case_partitions[case_id] = next(e.partition for e in events if e.name == "CaseRegistered")

        # The first cases open while the group rebalances, so the new replica starts on a backlog.
        for n in range(6):
            open_one(n)
        wait_until(lambda: "holding clocks of partitions" in stack.tail("escalation-b", 200), 30,
                   "the second replica never took a share of the cases")
        shares = {name: share(name) for name in ("escalation", "escalation-b")}
        assert all(shares.values()) and not set.intersection(*shares.values()), shares
        # Each replica must be shown to consume and fire: cases on both shares.
        while not all(set(case_partitions.values()) & held for held in shares.values()) and len(accepts) < 20:
            open_one(len(accepts))
        assert all(set(case_partitions.values()) & held for held in shares.values()), (shares, case_partitions)

        move_clock(stack, timedelta(minutes=90))  # past the accept deadlines, before the ladder's level 2
        breached: dict[str, list] = {}
        deadline = time.monotonic() + 60
        while set(breached) != set(accepts) and time.monotonic() < deadline:
            for event in tail.poll(0.2):
                seen.append(event)
                if event.name == "DeadlineBreached" and event.payload.deadline_id in accepts:
                    breached.setdefault(event.payload.deadline_id, []).append(event.envelope.event_id)
        assert set(breached) == set(accepts), f"{len(breached)} of {len(accepts)} accept deadlines breached"
        seen.extend(tail.poll(2.0))  # a second firing would arrive within a tick or two
        for event in seen:
            if event.name == "DeadlineBreached" and event.payload.deadline_id in accepts:
                breached[event.payload.deadline_id].append(event.envelope.event_id)
        published = {deadline_id: len(set(ids)) for deadline_id, ids in breached.items()}
        assert set(published.values()) == {1}, published
        database = pymongo.MongoClient(stack.mongodb_uri)["complaints_escalation"]
        firings = list(database["deadline_firings"].find({"deadline_id": {"$in": list(accepts)}}, {"outputs": 0}))
        breaches = [f for f in firings if f["deadline"]["state"] == "BREACHED" and f["n"] == 1]
        assert sorted(f["deadline_id"] for f in breaches) == sorted(accepts)  # one stored firing each
        # both still in the group with the same shares: nobody was evicted or went quiet meanwhile
        assert {name: share(name) for name in shares} == shares
    finally:
        assert stack.stop_service("escalation-b", signal.SIGTERM) == 0


def wait_until(condition, timeout_s: float, failure: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(failure)
        time.sleep(0.2)


def rating(publisher, stack, case_id: str, agent: str) -> inbound_pb2.ServiceRating:
    rated = inbound_pb2.ServiceRating(rating_id=f"RT-{uuid.uuid4().hex[:10]}", case_id=case_id, agent_id=agent,
                                      result=F.RATING_RESULT_DISSATISFIED, score=1, comment="态度很差")
    rated.rated_at.CopyFrom(to_timestamp(service_now(stack)))
    publisher.publish(SERVICE_RATINGS, rated, key=case_id)
    publisher.flush()
    return rated


def test_thirty_minute_rule_met_by_an_explanation_and_breached_without_one(stack, tail, publisher):
    seen: list = []
    _, explained_case, _ = open_case(tail, publisher, "营业厅工作人员态度恶劣", seen)
    _, silent_case, _ = open_case(tail, publisher, "营业厅工作人员态度恶劣，服务很差", seen)
    first = rating(publisher, stack, explained_case, "agent-1001")
    second = rating(publisher, stack, silent_case, "agent-1002")
    explanation = inbound_pb2.AgentExplanation(explanation_id=f"EX-{uuid.uuid4().hex[:10]}", case_id=explained_case,
                                               rating_id=first.rating_id, agent_id="agent-1001", text="已向客户致歉")
    explanation.explained_at.CopyFrom(to_timestamp(service_now(stack)))
    publisher.publish(AGENT_EXPLANATIONS, explanation, key=explained_case)
    publisher.flush()
    explained = collect_case(tail, explained_case, lambda got: any(
        e.name == "DeadlineStopped" and e.payload.kind == case_events_pb2.DEADLINE_KIND_EXPLANATION for e in got),
        seen=seen)
    stopped = next(e.payload for e in explained if e.name == "DeadlineStopped"
                   and e.payload.kind == case_events_pb2.DEADLINE_KIND_EXPLANATION)
    assert stopped.met and not stopped.late
    collect_case(tail, silent_case, lambda got: any(
        e.name == "DeadlineSet" and e.payload.kind == case_events_pb2.DEADLINE_KIND_EXPLANATION for e in got), seen=seen)

    move_clock(stack, timedelta(minutes=31))  # no explanation within 30 minutes
    # earlier clock moves left a wave of breaches from other tests' cases ahead of this one; the
    # firing timer works through due clocks in due order, at the embedded database's pace
    events = collect_case(tail, silent_case, lambda got: "CaseEscalated" in names(got) and any(
        e.name == "DeadlineBreached" and e.payload.kind == case_events_pb2.DEADLINE_KIND_EXPLANATION for e in got),
        seen=seen, timeout_s=240)
    assert any(e.payload.subject_id == second.rating_id for e in events if e.name == "DeadlineBreached")
    assert next(e.payload for e in events if e.name == "CaseEscalated").role == "shift_leader"
    assert not any(e.name == "DeadlineBreached" and e.payload.kind == case_events_pb2.DEADLINE_KIND_EXPLANATION
                   for e in seen if e.case_id == explained_case)

    supervision = escalation_service_pb2_grpc.EscalationServiceStub(
        grpc.insecure_channel(f"127.0.0.1:{stack.ports.grpc['escalation']}"))
    request = escalation_service_pb2.RecordShiftLeaderFindingRequest(
        case_id=silent_case, agent_id="agent-1002", finding="未在30分钟内解释", yellow_card=True,
        shift_leader="shift-leader-3")
    assert supervision.RecordShiftLeaderFinding(request, timeout=10).yellow_cards_this_month == 1
    # a client retrying after a timeout sends the same command: the yellow card counts once
    assert supervision.RecordShiftLeaderFinding(request, timeout=10).yellow_cards_this_month == 1

    supervision.MarkForSupervision(escalation_service_pb2.MarkForSupervisionRequest(
        case_id=silent_case, supervisor="supervisor-7", reason="解释超时"), timeout=10)
    urge = escalation_service_pb2.UrgeRequest(case_id=silent_case, by="supervisor-7", note="今天内答复客户")
    supervision.Urge(urge, timeout=10)
    assert len(supervision.Urge(urge, timeout=10).entry.urgings) == 1  # the retry is answered, not applied
    urged_again = escalation_service_pb2.UrgeRequest(case_id=silent_case, by="supervisor-7", note="再次催办")
    assert len(supervision.Urge(urged_again, timeout=10).entry.urgings) == 2


def capa(publisher, case_id, kind, **fields):
    report = inbound_pb2.CapaReport(report_id=f"R-{uuid.uuid4().hex[:12]}", case_id=case_id, kind=kind,
                                    reported_by="quality-team", **fields)
    report.reported_at.CopyFrom(to_timestamp(datetime.now(timezone.utc)))
    publisher.publish(CAPA_REPORTS, report, key=case_id)
    publisher.flush()


def test_closed_loop_reopen_then_close_after_the_window_and_a_tamper_evident_audit(stack, tail, publisher):
    seen: list = []
    _, case_id, order = open_case(tail, publisher, "宽带断网两天了，报修后一直没人上门", seen)
    feedback(publisher, case_id, order, F.FEEDBACK_KIND_REPLIED, "更换光猫")
    feedback(publisher, case_id, order, F.FEEDBACK_KIND_CUSTOMER_REPLIED, "已告知客户")
    collect_case(tail, case_id, lambda got: "VerificationOpened" in names(got), seen=seen)

    due = to_timestamp(datetime.now(timezone.utc) + timedelta(days=7))
    capa(publisher, case_id, F.CAPA_KIND_RESPONSIBILITY, responsible_unit="guangzhou-broadband-ops",
         root_cause_class="faulty_modem_batch", company_at_fault=common_pb2.COMPANY_FAULT_YES)
    capa(publisher, case_id, F.CAPA_KIND_CORRECTIVE_ACTION,
         action=inbound_pb2.CapaAction(action_id="CA-1", owner="guangzhou-broadband-ops", due_at=due,
                                       description="replace the modem batch"))
    capa(publisher, case_id, F.CAPA_KIND_ACTION_COMPLETED,
         action=inbound_pb2.CapaAction(action_id="CA-1", evidence="work order 88 closed, line tested"))
    capa(publisher, case_id, F.CAPA_KIND_ACTION_VERIFIED, action=inbound_pb2.CapaAction(action_id="CA-1"))
    collect_case(tail, case_id, lambda got: "ActionVerified" in names(got), seen=seen)

    # the customer is not satisfied: the case goes back to its owner, with new work
    publisher.publish(CALLBACK_RESULTS, callback(case_id, F.CALLBACK_OUTCOME_UNSATISFIED, "还是经常断网"), key=case_id)
    publisher.flush()
    events = collect_case(tail, case_id, lambda got: [e.name for e in got].count("WorkOrderDispatched") >= 2,
                          seen=seen)
    assert "CaseReopened" in names(events)
    second = [e.payload for e in events if e.name == "WorkOrderDispatched"][-1]
    assert second.department == order.department  # back to the department that replied last
    feedback(publisher, case_id, second, F.FEEDBACK_KIND_REPLIED, "更换入户光纤")
    feedback(publisher, case_id, second, F.FEEDBACK_KIND_CUSTOMER_REPLIED, "已回访确认")
    collect_case(tail, case_id, lambda got: names(got).count("VerificationOpened") >= 2, seen=seen)
    publisher.publish(CALLBACK_RESULTS, callback(case_id, F.CALLBACK_OUTCOME_SATISFIED), key=case_id)
    publisher.flush()

    records = verification_service_pb2_grpc.VerificationServiceStub(
        grpc.insecure_channel(f"127.0.0.1:{stack.ports.grpc['verification']}"))
    deadline = time.monotonic() + 15
    while True:
        record = records.GetRecord(verification_service_pb2.GetRecordRequest(case_id=case_id), timeout=5).record
        if (len(record.blockers) == 1 and "window" in record.blockers[0]) or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert list(record.blockers) and all("window" in b or "late reports" in b for b in record.blockers), record.blockers

    move_clock(stack, timedelta(days=31, hours=2))   # the recurrence window and its grace pass
    closed = collect_case(tail, case_id, lambda got: "CaseClosed" in names(got), seen=seen, timeout_s=60)
    assert names(closed).count("CaseClosed") >= 1
    record = records.GetRecord(verification_service_pb2.GetRecordRequest(case_id=case_id), timeout=5).record
    assert record.result == verification_service_pb2.VERIFICATION_RESULT_CLOSED
    assert record.management_closed_at.seconds > record.customer_closed_at.seconds

    period = verification_service_pb2.GetRecurrenceRatesRequest(
        closed_from=to_timestamp(datetime.now(timezone.utc) - timedelta(days=1)),
        closed_to=to_timestamp(datetime.now(timezone.utc) + timedelta(days=60)))
    rates = {r.root_cause_class: r for r in records.GetRecurrenceRates(period, timeout=10).classes}
    assert rates["faulty_modem_batch"].watched >= 1 and rates["faulty_modem_batch"].recurrences == 0

    chain = records.VerifyChain(verification_service_pb2.VerifyChainRequest(), timeout=10)
    assert chain.ok and chain.checked > 5
    audit = pymongo.MongoClient(stack.mongodb_uri)["complaints_verification"]["audit_chain"]
    victim = audit.find_one({"case_id": case_id}, sort=[("_id", 1)])
    try:
        audit.update_one({"_id": victim["_id"]}, {"$set": {"payload.tampered": True}})
        broken = records.VerifyChain(verification_service_pb2.VerifyChainRequest(), timeout=10)
        assert not broken.ok and broken.first_broken_seq == victim["_id"]
        audit.delete_one({"_id": victim["_id"]})
        gap = records.VerifyChain(verification_service_pb2.VerifyChainRequest(), timeout=10)
        assert not gap.ok and gap.first_broken_seq == victim["_id"]
    finally:
        audit.replace_one({"_id": victim["_id"]}, victim, upsert=True)
    assert records.VerifyChain(verification_service_pb2.VerifyChainRequest(), timeout=10).ok

    # the auditors' command line against the running service
    from services.verification import audit as audit_cli

    target = f"127.0.0.1:{stack.ports.grpc['verification']}"
    assert audit_cli.main(["verify", "--target", target]) == 0
    exported = stack.log_dir / "audit-export.jsonl"
    assert audit_cli.main(["export", "--format", "jsonl", "--result", "closed", "--output", str(exported),
                           "--target", target, "--quiet"]) == 0
    assert case_id in exported.read_text(encoding="utf-8")
