"""What the customer hears, on the real stack: a complaint through the whole loop (acknowledged,
taken, reply time close, awaited, resolved, callback, reopened, resolved again, callback, closed,
survey) gives exactly
the expected notifications, in order, once each; an SMS decided at night waits for the morning.

These tests move the shared clock by months in all (to 2 h before a reply deadline, twice past a
recurrence window, then to a night and its morning): the file is named to run after every other
integration test, whose messages carry the machine's own time, not the services' moved clock."""

from __future__ import annotations

import random
import signal
import time as clock
import uuid
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import grpc
import pymongo
import pytest

from complaints.v1 import case_events_pb2, common_pb2, customer_notifications_pb2 as N, inbound_pb2
from complaints.v1 import (dispatch_service_pb2, dispatch_service_pb2_grpc, verification_service_pb2,
                           verification_service_pb2_grpc)
from complaint_platform.envelope import to_timestamp
from complaint_platform.topics import (CALLBACK_RESULTS, CAPA_REPORTS, COMPLAINTS_SUBMITTED, CUSTOMER_NOTIFICATIONS,
                                       DEADLETTER, INTERNAL_TOPICS, SERVICE_RATINGS, WORKORDER_FEEDBACK)
from helpers import collect_case, move_clock, names, service_now, wait_for
from tools.eventlog import EventTail
from tools.traffic import callback, department_feedback, sample_complaint

F = inbound_pb2
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture()
def listener(stack):
    follower = EventTail(stack.kafka_bootstrap, topics=(*INTERNAL_TOPICS, CUSTOMER_NOTIFICATIONS, DEADLETTER))
    yield follower
    follower.close()


def submit(stack, publisher, listener, channel, seen, summary="宽带断网两天了，报修后一直没人上门"):
    complaint = sample_complaint(random.Random(), channel=channel, summary=summary,
                                 customer_id=f"C-{uuid.uuid4().hex[:10]}", now=service_now(stack))
    publisher.publish(COMPLAINTS_SUBMITTED, complaint, key=complaint.customer.id)
    publisher.flush()
    registered = wait_for(listener, lambda e: e.name == "CaseRegistered"
                          and e.payload.submission_id == complaint.submission_id, seen=seen)
    events = collect_case(listener, registered.case_id, lambda got: "WorkOrderDispatched" in names(got), seen=seen)
    return complaint, registered.case_id, next(e.payload for e in events if e.name == "WorkOrderDispatched")


def report(stack, publisher, case_id, order, kind, text, at=None):
    publisher.publish(WORKORDER_FEEDBACK, department_feedback(case_id, order.work_order_id, order.department, kind,
                                                              text, now=at or service_now(stack)), key=case_id)
    publisher.flush()


def capa(stack, publisher, case_id, kind, **fields):
    message = F.CapaReport(report_id=f"R-{uuid.uuid4().hex[:12]}", case_id=case_id, kind=kind,
                           reported_by="quality-team", **fields)
    message.reported_at.CopyFrom(to_timestamp(service_now(stack)))
    publisher.publish(CAPA_REPORTS, message, key=case_id)
    publisher.flush()


def notices(events, case_id):
    return [e for e in events if e.topic == CUSTOMER_NOTIFICATIONS and e.case_id == case_id]


def steps(events, case_id):
    return [N.NotificationStep.Name(e.payload.step).removeprefix("NOTIFICATION_STEP_") for e in notices(events, case_id)]


def wait_steps(listener, case_id, count, seen, timeout_s=60):
    collect_case(listener, case_id, lambda got: len(notices(got, case_id)) >= count, seen=seen, timeout_s=timeout_s)
    return steps(seen, case_id)


def test_the_customer_asks_for_the_status_with_the_right_phone_and_a_wrong_one_learns_nothing(
        stack, publisher, listener):
    seen: list = []
    complaint, case_id, order = submit(stack, publisher, listener, common_pb2.CHANNEL_HOTLINE, seen)
    report(stack, publisher, case_id, order, F.FEEDBACK_KIND_ACCEPTED, "已接单")
    collect_case(listener, case_id, lambda got: "WorkOrderAccepted" in names(got), seen=seen)
    stub = dispatch_service_pb2_grpc.DispatchServiceStub(
        grpc.insecure_channel(f"127.0.0.1:{stack.ports.grpc['dispatch']}"))
    phone = complaint.customer.phone
    spaced = f"+86 {phone[:3]} {phone[3:7]} {phone[7:]}"   # the IVR passes the number its own way
    by_case = dispatch_service_pb2.GetCustomerStatusRequest(case_id=case_id, phone=spaced)
    answer = stub.GetCustomerStatus(by_case, timeout=5)
    assert (answer.case_id, answer.status, answer.status_text) == (case_id, common_pb2.CASE_STATUS_DISPATCHED, "处理中")
    assert answer.desk == "hotline-duty-desk" and answer.desk != complaint.first_contact
    assert answer.last_step == N.NOTIFICATION_STEP_WORK_TAKEN and answer.last_step_at.seconds > 0
    by_submission = dispatch_service_pb2.GetCustomerStatusRequest(submission_id=complaint.submission_id, phone=phone)
    assert stub.GetCustomerStatus(by_submission, timeout=5).case_id == case_id

    refusals = []
    for wrong in (dispatch_service_pb2.GetCustomerStatusRequest(case_id=case_id, phone="13000000000"),
                  dispatch_service_pb2.GetCustomerStatusRequest(submission_id=complaint.submission_id,
                                                                phone="13000000000"),
                  dispatch_service_pb2.GetCustomerStatusRequest(case_id="no-such-case", phone=phone)):
        with pytest.raises(grpc.RpcError) as refused:
            stub.GetCustomerStatus(wrong, timeout=5)
        refusals.append((refused.value.code(), refused.value.details()))
    assert len(set(refusals)) == 1 and refusals[0][0] == grpc.StatusCode.NOT_FOUND   # the same answer each time
    assert case_id not in refusals[0][1]


def close_after_the_window(stack, listener, case_id, seen):
    """Once verification waits for nothing but the recurrence window (the satisfied callback is
    recorded), move the shared clock past it and its grace, and wait for the closure."""
    records = verification_service_pb2_grpc.VerificationServiceStub(
        grpc.insecure_channel(f"127.0.0.1:{stack.ports.grpc['verification']}"))
    deadline = clock.monotonic() + 30
    while True:
        record = records.GetRecord(verification_service_pb2.GetRecordRequest(case_id=case_id), timeout=5).record
        if record.blockers and all("window" in blocker for blocker in record.blockers):
            break
        assert clock.monotonic() < deadline, f"verification still waits for {list(record.blockers)}"
        clock.sleep(0.3)
    move_clock(stack, timedelta(days=31, hours=2))
    collect_case(listener, case_id, lambda got: "CaseClosed" in names(got), seen=seen, timeout_s=90)


def test_the_whole_loop_tells_the_customer_each_step_once_in_order(stack, publisher, listener):
    seen: list = []
    complaint, case_id, order = submit(stack, publisher, listener, common_pb2.CHANNEL_WECHAT, seen)
    assert wait_steps(listener, case_id, 1, seen) == ["ACKNOWLEDGED"]
    ack = notices(seen, case_id)[0]
    assert ack.payload.channel == N.NOTIFICATION_CHANNEL_WECHAT   # answered where the customer came from
    assert ack.envelope.producer == "dispatch" and case_id in ack.payload.text
    assert ack.payload.customer_id == complaint.customer.id
    assert complaint.customer.name not in ack.payload.text and complaint.summary not in ack.payload.text

    report(stack, publisher, case_id, order, F.FEEDBACK_KIND_ACCEPTED, "已接单")
    report(stack, publisher, case_id, order, F.FEEDBACK_KIND_ACCEPTED, "已接单")   # a second report: no news
    assert wait_steps(listener, case_id, 2, seen) == ["ACKNOWLEDGED", "WORK_TAKEN"]
    reply_clock = collect_case(listener, case_id, lambda got: any(
        e.name == "DeadlineSet" and e.payload.kind == case_events_pb2.DEADLINE_KIND_CASE_REPLY for e in got), seen=seen)
    due = next(e.payload.due_at for e in reply_clock
               if e.name == "DeadlineSet" and e.payload.kind == case_events_pb2.DEADLINE_KIND_CASE_REPLY)
    # past 80% of the time to answer the customer: escalation warns, and the customer hears it is close
    move_clock(stack, due.ToDatetime(tzinfo=timezone.utc) - service_now(stack) - timedelta(hours=2))
    assert wait_steps(listener, case_id, 3, seen)[-1] == "PROMISE_APPROACHING"
    assert notices(seen, case_id)[-1].payload.promised_reply_at == due
    report(stack, publisher, case_id, order, F.FEEDBACK_KIND_AWAITING_CUSTOMER, "请提供光猫背面的照片")
    assert wait_steps(listener, case_id, 4, seen)[-1] == "AWAITING_CUSTOMER"
    assert "请提供光猫背面的照片" in notices(seen, case_id)[-1].payload.text
    report(stack, publisher, case_id, order, F.FEEDBACK_KIND_CUSTOMER_RESPONDED, "客户已提供照片")
    collect_case(listener, case_id, lambda got: "WorkOrderCustomerResponded" in names(got), seen=seen)

    report(stack, publisher, case_id, order, F.FEEDBACK_KIND_REPLIED, "更换光猫")
    collect_case(listener, case_id, lambda got: "WorkOrderReplied" in names(got), seen=seen)
    # the owner answers the customer through the console's command: the command pipeline tells them
    owner_desk = dispatch_service_pb2_grpc.DispatchServiceStub(
        grpc.insecure_channel(f"127.0.0.1:{stack.ports.grpc['dispatch']}"))
    answered = dispatch_service_pb2.RecordCustomerReplyRequest(case_id=case_id, reply="已为您更换光猫，网络已恢复")
    assert owner_desk.RecordCustomerReply(answered, timeout=10).status == common_pb2.CASE_STATUS_RESOLVED
    owner_desk.RecordCustomerReply(answered, timeout=10)   # a client's retry: applied once, told once
    assert wait_steps(listener, case_id, 6, seen)[-2:] == ["RESOLVED", "CALLBACK_SCHEDULED"]
    assert "已为您更换光猫，网络已恢复" in notices(seen, case_id)[-2].payload.text

    capa(stack, publisher, case_id, F.CAPA_KIND_RESPONSIBILITY, responsible_unit="guangzhou-broadband-ops",
         root_cause_class="faulty_modem_batch", company_at_fault=common_pb2.COMPANY_FAULT_YES)
    capa(stack, publisher, case_id, F.CAPA_KIND_CORRECTIVE_ACTION,
         action=F.CapaAction(action_id="CA-1", owner="guangzhou-broadband-ops", description="replace the batch",
                             due_at=to_timestamp(service_now(stack) + timedelta(days=7))))
    capa(stack, publisher, case_id, F.CAPA_KIND_ACTION_COMPLETED, action=F.CapaAction(action_id="CA-1", evidence="ok"))
    capa(stack, publisher, case_id, F.CAPA_KIND_ACTION_VERIFIED, action=F.CapaAction(action_id="CA-1"))
    collect_case(listener, case_id, lambda got: "ActionVerified" in names(got), seen=seen)
    publisher.publish(CALLBACK_RESULTS, callback(case_id, F.CALLBACK_OUTCOME_UNSATISFIED, "还是经常断网",
                                                 now=service_now(stack)), key=case_id)
    publisher.flush()
    assert wait_steps(listener, case_id, 7, seen)[-1] == "REOPENED"
    events = collect_case(listener, case_id, lambda got: names(got).count("WorkOrderDispatched") >= 2, seen=seen)
    second = [e.payload for e in events if e.name == "WorkOrderDispatched"][-1]
    report(stack, publisher, case_id, second, F.FEEDBACK_KIND_REPLIED, "更换入户光纤")
    report(stack, publisher, case_id, second, F.FEEDBACK_KIND_CUSTOMER_REPLIED, "已更换入户光纤")
    assert wait_steps(listener, case_id, 9, seen)[-2:] == ["RESOLVED", "CALLBACK_SCHEDULED"]
    publisher.publish(CALLBACK_RESULTS, callback(case_id, F.CALLBACK_OUTCOME_SATISFIED, now=service_now(stack)),
                      key=case_id)
    publisher.flush()

    close_after_the_window(stack, listener, case_id, seen)
    wait_steps(listener, case_id, 11, seen)
    for _ in listener.events(3.0):  # anything doubled would arrive now
        seen.append(_)
    assert steps(seen, case_id) == ["ACKNOWLEDGED", "WORK_TAKEN", "PROMISE_APPROACHING", "AWAITING_CUSTOMER", "RESOLVED",
                                    "CALLBACK_SCHEDULED", "REOPENED", "RESOLVED", "CALLBACK_SCHEDULED", "CLOSED",
                                    "SATISFACTION_SURVEY"]
    told = notices(seen, case_id)
    assert len({e.envelope.event_id for e in told}) == len(told)
    assert [e.payload.round for e in told] == [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]

    # 意见征集: the gateway turns the customer's reply "1" into the rating the survey names, sent
    # twice (the customer replied twice); escalation counts it once for the bulletins' satisfaction
    survey = told[-1].payload
    choice = next(c for c in survey.survey_choices if c.reply == "1")
    answer = F.ServiceRating(rating_id=survey.survey_rating_id, case_id=case_id, result=choice.result,
                             score=choice.score, comment="满意", rated_at=to_timestamp(service_now(stack)))
    for _ in range(2):
        publisher.publish(SERVICE_RATINGS, answer, key=case_id,
                          headers=[("event-id", survey.survey_rating_id.encode())])
    publisher.flush()
    cases = pymongo.MongoClient(stack.mongodb_uri)["complaints_escalation"]["case_states"]
    deadline = clock.monotonic() + 30
    while (cases.find_one({"_id": case_id}) or {}).get("state", {}).get("satisfied_ratings", 0) < 1:
        assert clock.monotonic() < deadline, "escalation never counted the survey's answer"
        clock.sleep(0.3)
    seen.extend(listener.events(3.0))
    assert cases.find_one({"_id": case_id})["state"]["satisfied_ratings"] == 1


def distinct(events, case_id):
    """The notifications by event id, in the order first seen: a copy re-published after a crash
    carries the same id (the gateways drop it), a second notification for a step would not."""
    first = {}
    for event in notices(events, case_id):
        first.setdefault(event.envelope.event_id, event)
    return list(first.values())


def wait_distinct(listener, case_id, count, seen, timeout_s=90):
    collect_case(listener, case_id, lambda got: len(distinct(got, case_id)) >= count, seen=seen, timeout_s=timeout_s)
    return [N.NotificationStep.Name(e.payload.step).removeprefix("NOTIFICATION_STEP_") for e in distinct(seen, case_id)]


def kill_and_restart_dispatch(stack):
    stack.stop_service("dispatch", signal.SIGKILL)
    stack.start_service("dispatch")
    stack.wait_healthy("dispatch")


def test_dispatch_killed_twice_mid_loop_still_tells_each_step_once(stack, publisher, listener):
    seen: list = []
    _, case_id, order = submit(stack, publisher, listener, common_pb2.CHANNEL_WECHAT, seen)
    report(stack, publisher, case_id, order, F.FEEDBACK_KIND_ACCEPTED, "已接单")
    assert wait_distinct(listener, case_id, 2, seen) == ["ACKNOWLEDGED", "WORK_TAKEN"]

    # killed with the department's reports in flight: some handled, some not, none committed to Kafka
    report(stack, publisher, case_id, order, F.FEEDBACK_KIND_AWAITING_CUSTOMER, "请提供光猫背面的照片")
    report(stack, publisher, case_id, order, F.FEEDBACK_KIND_CUSTOMER_RESPONDED, "客户已提供照片")
    stack.stop_service("dispatch", signal.SIGKILL)
    report(stack, publisher, case_id, order, F.FEEDBACK_KIND_REPLIED, "更换光猫")
    report(stack, publisher, case_id, order, F.FEEDBACK_KIND_CUSTOMER_REPLIED, "已为您更换光猫，网络已恢复")
    stack.start_service("dispatch")
    stack.wait_healthy("dispatch")
    assert wait_distinct(listener, case_id, 5, seen)[2:] == ["AWAITING_CUSTOMER", "RESOLVED", "CALLBACK_SCHEDULED"]

    capa(stack, publisher, case_id, F.CAPA_KIND_RESPONSIBILITY, responsible_unit="guangzhou-broadband-ops",
         root_cause_class="faulty_modem_batch", company_at_fault=common_pb2.COMPANY_FAULT_YES)
    capa(stack, publisher, case_id, F.CAPA_KIND_CORRECTIVE_ACTION,
         action=F.CapaAction(action_id="CA-2", owner="guangzhou-broadband-ops", description="replace the batch",
                             due_at=to_timestamp(service_now(stack) + timedelta(days=7))))
    capa(stack, publisher, case_id, F.CAPA_KIND_ACTION_COMPLETED, action=F.CapaAction(action_id="CA-2", evidence="ok"))
    capa(stack, publisher, case_id, F.CAPA_KIND_ACTION_VERIFIED, action=F.CapaAction(action_id="CA-2"))
    collect_case(listener, case_id, lambda got: "ActionVerified" in names(got), seen=seen)
    publisher.publish(CALLBACK_RESULTS, callback(case_id, F.CALLBACK_OUTCOME_UNSATISFIED, "还是经常断网",
                                                 now=service_now(stack)), key=case_id)
    publisher.flush()
    # killed again the moment verification's reopen is out: dispatch is handling it or about to
    collect_case(listener, case_id, lambda got: "CaseReopened" in names(got), seen=seen)
    kill_and_restart_dispatch(stack)
    assert wait_distinct(listener, case_id, 6, seen)[-1] == "REOPENED"
    events = collect_case(listener, case_id, lambda got: names(got).count("WorkOrderDispatched") >= 2, seen=seen)
    second = [e.payload for e in events if e.name == "WorkOrderDispatched"][-1]
    report(stack, publisher, case_id, second, F.FEEDBACK_KIND_REPLIED, "更换入户光纤")
    report(stack, publisher, case_id, second, F.FEEDBACK_KIND_CUSTOMER_REPLIED, "已更换入户光纤")
    assert wait_distinct(listener, case_id, 8, seen)[-2:] == ["RESOLVED", "CALLBACK_SCHEDULED"]
    publisher.publish(CALLBACK_RESULTS, callback(case_id, F.CALLBACK_OUTCOME_SATISFIED, now=service_now(stack)),
                      key=case_id)
    publisher.flush()
    close_after_the_window(stack, listener, case_id, seen)
    wait_distinct(listener, case_id, 10, seen)
    seen.extend(listener.events(3.0))
    told = distinct(seen, case_id)
    assert [N.NotificationStep.Name(e.payload.step).removeprefix("NOTIFICATION_STEP_") for e in told] == [
        "ACKNOWLEDGED", "WORK_TAKEN", "AWAITING_CUSTOMER", "RESOLVED", "CALLBACK_SCHEDULED", "REOPENED", "RESOLVED",
        "CALLBACK_SCHEDULED", "CLOSED", "SATISFACTION_SURVEY"]
    # a copy is byte for byte its original (same id, same text): the customer gets one message per step
    for event in notices(seen, case_id):
        original = next(e for e in told if e.envelope.event_id == event.envelope.event_id)
        assert event.payload == original.payload


def _next_local(stack, at: time) -> timedelta:
    """How far to move the clock for the services' local (Shanghai) time to reach ``at``."""
    now = service_now(stack).astimezone(SHANGHAI)
    target = datetime.combine(now.date(), at, tzinfo=SHANGHAI)
    if target <= now:
        target += timedelta(days=1)
    return target - now


def test_an_sms_decided_at_night_waits_for_the_morning_and_goes_once(stack, publisher, listener):
    seen: list = []
    move_clock(stack, _next_local(stack, time(22, 30)))
    _, case_id, order = submit(stack, publisher, listener, common_pb2.CHANNEL_HOTLINE, seen,
                               summary="话费账单多扣了二十元")
    report(stack, publisher, case_id, order, F.FEEDBACK_KIND_ACCEPTED, "已接单")
    collect_case(listener, case_id, lambda got: "WorkOrderAccepted" in names(got), seen=seen)
    seen.extend(listener.events(12.0))   # longer than the release timer's period: nothing may leak out at night
    assert notices(seen, case_id) == []

    move_clock(stack, _next_local(stack, time(8, 0, 5)))
    assert wait_steps(listener, case_id, 2, seen, timeout_s=40) == ["ACKNOWLEDGED", "WORK_TAKEN"]
    seen.extend(listener.events(12.0))
    told = notices(seen, case_id)
    assert steps(seen, case_id) == ["ACKNOWLEDGED", "WORK_TAKEN"]   # released once, in the order decided
    assert all(e.payload.channel == N.NOTIFICATION_CHANNEL_SMS and e.payload.phone for e in told)
    decided = [e.payload.decided_at.ToDatetime(tzinfo=timezone.utc).astimezone(SHANGHAI) for e in told]
    assert all(moment.hour >= 22 for moment in decided)   # decided at night, published in the morning
