"""Waiting on the customer stops the clock, through the real stack: a department reports that it
waits on the customer, escalation pauses the work order's reply clock, the reply clock's original
due time passes with no breach, and when the customer responds the clock runs again, due later by
the time spent waiting.

The services share one clock (``stack.clock_file``); this test moves it forward by at most five
hours (past a regulator case's 4 h reply clock) and never back. Files run in alphabetical order, so
every later file runs on the moved clock: their tests start their own cases and clocks at the
services' "now" and read the services' clock where they need absolute time, so only this test's
own case sees the jump, and it is resolved at the end so its clocks stop."""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timedelta, timezone

import grpc

from complaints.v1 import (
    case_events_pb2,
    common_pb2,
    escalation_service_pb2,
    escalation_service_pb2_grpc,
    inbound_pb2,
    intake_service_pb2,
    intake_service_pb2_grpc,
)
from complaint_platform.topics import COMPLAINTS_SUBMITTED, WORKORDER_FEEDBACK
from helpers import collect_case, move_clock, names, service_now, wait_for
from tools.traffic import department_feedback, sample_complaint

F = inbound_pb2
REPLY = case_events_pb2.DEADLINE_KIND_WORK_ORDER_REPLY
MOST_THE_CLOCK_MOVES = timedelta(hours=5)
MILLISECOND = timedelta(milliseconds=1)


def open_case(stack, tail, publisher, summary: str, seen: list):
    import random

    complaint = sample_complaint(random.Random(), service_now(stack), channel=common_pb2.CHANNEL_REGULATOR,
                                 summary=summary, customer_id=f"C-{uuid.uuid4().hex[:10]}")
    publisher.publish(COMPLAINTS_SUBMITTED, complaint, key=complaint.customer.id)
    publisher.flush()
    registered = wait_for(tail, lambda e: e.name == "CaseRegistered"
                          and e.payload.submission_id == complaint.submission_id, seen=seen)
    events = collect_case(tail, registered.case_id, lambda got: "WorkOrderDispatched" in names(got), seen=seen)
    order = next(e.payload for e in events if e.name == "WorkOrderDispatched")
    return complaint, registered.case_id, order


def feedback(stack, publisher, case_id, order, kind, text, feedback_id=None):
    publisher.publish(WORKORDER_FEEDBACK, department_feedback(case_id, order.work_order_id, order.department, kind,
                                                              text, feedback_id=feedback_id, now=service_now(stack)),
                      key=case_id)
    publisher.flush()


def as_time(stamp) -> datetime:
    return stamp.ToDatetime(tzinfo=timezone.utc)


def supervision_of(stack, case_id: str, deadline_id: str, until, timeout_s: float = 15):
    stub = escalation_service_pb2_grpc.EscalationServiceStub(
        grpc.insecure_channel(f"127.0.0.1:{stack.ports.grpc['escalation']}"))
    deadline = time.monotonic() + timeout_s
    while True:
        response = stub.GetCaseSupervision(escalation_service_pb2.GetCaseSupervisionRequest(case_id=case_id),
                                           timeout=5)
        view = next((d for d in response.deadlines if d.deadline_id == deadline_id), None)
        if (view is not None and until(view)) or time.monotonic() > deadline:
            return view
        time.sleep(0.2)


def test_waiting_on_the_customer_pauses_the_reply_clock_and_the_response_moves_it_on(stack, tail, publisher):
    seen: list = []
    _, case_id, order = open_case(stack, tail, publisher, "这个月话费乱扣费，多扣了五十元，已经向工信部申诉", seen)
    events = collect_case(tail, case_id, lambda got: any(
        e.name == "DeadlineSet" and e.payload.kind == REPLY and e.payload.subject_id == order.work_order_id
        for e in got), seen=seen)
    reply = next(e.payload for e in events if e.name == "DeadlineSet" and e.payload.kind == REPLY
                 and e.payload.subject_id == order.work_order_id)
    original_due = as_time(reply.due_at)

    feedback(stack, publisher, case_id, order, F.FEEDBACK_KIND_ACCEPTED, "已受理")
    feedback(stack, publisher, case_id, order, F.FEEDBACK_KIND_AWAITING_CUSTOMER, "约客户周五上门检查话费账单")
    events = collect_case(tail, case_id, lambda got: any(
        e.name == "DeadlinePaused" and e.payload.deadline_id == reply.deadline_id for e in got), seen=seen)
    waiting = next(e.payload for e in events if e.name == "WorkOrderAwaitingCustomer")
    assert waiting.work_order_id == order.work_order_id and waiting.reason == "约客户周五上门检查话费账单"
    paused = next(e.payload for e in events
                  if e.name == "DeadlinePaused" and e.payload.deadline_id == reply.deadline_id)
    assert (paused.kind, paused.subject_id) == (REPLY, order.work_order_id)
    paused_at = as_time(paused.paused_at)
    view = supervision_of(stack, case_id, reply.deadline_id,
                          lambda d: d.state == escalation_service_pb2.DEADLINE_STATE_PAUSED)
    assert view.state == escalation_service_pb2.DEADLINE_STATE_PAUSED

    # the reply clock's original due time passes while the customer is awaited: no warning, no breach
    jump = original_due - service_now(stack) + timedelta(minutes=30)
    assert timedelta(0) < jump <= MOST_THE_CLOCK_MOVES, jump
    move_clock(stack, jump)
    quiet_until = time.monotonic() + 3.0   # 30 firing ticks
    while time.monotonic() < quiet_until:
        seen.extend(tail.poll(0.2))
    fired = [e.name for e in seen if e.name in ("DeadlineWarned", "DeadlineBreached")
             and e.payload.deadline_id == reply.deadline_id]
    assert fired == [], "a paused clock fired"

    feedback(stack, publisher, case_id, order, F.FEEDBACK_KIND_CUSTOMER_RESPONDED, "客户已提供账单")
    resumed_event = wait_for(tail, lambda e: e.name == "DeadlineResumed" and e.payload.deadline_id == reply.deadline_id,
                             seen=seen)
    assert any(e.name == "WorkOrderCustomerResponded" and e.case_id == case_id for e in seen)
    resumed = resumed_event.payload
    resumed_at = as_time(resumed_event.envelope.occurred_at)
    new_due = as_time(resumed.due_at)
    # the hotline calendar counts every hour: due later by exactly the time spent paused
    assert abs((new_due - original_due) - (resumed_at - paused_at)) < timedelta(seconds=1)
    assert new_due - original_due >= jump
    view = supervision_of(stack, case_id, reply.deadline_id, lambda d: d.state in (
        escalation_service_pb2.DEADLINE_STATE_OPEN, escalation_service_pb2.DEADLINE_STATE_WARNED))
    assert view.state == escalation_service_pb2.DEADLINE_STATE_OPEN   # running again, its warning still ahead
    assert abs(as_time(view.due_at) - new_due) < MILLISECOND   # the database keeps milliseconds

    # intake's case view follows the new due time (the reply clock is the case's earliest one now)
    intake = intake_service_pb2_grpc.IntakeServiceStub(grpc.insecure_channel(f"127.0.0.1:{stack.ports.grpc['intake']}"))
    deadline = time.monotonic() + 15
    while True:
        case_view = intake.GetCase(intake_service_pb2.GetCaseRequest(case_id=case_id), timeout=5).case
        if abs(as_time(case_view.current_deadline) - new_due) < MILLISECOND or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert abs(as_time(case_view.current_deadline) - new_due) < MILLISECOND

    # the department replies in time for the moved due time; the case resolves and its clocks stop
    feedback(stack, publisher, case_id, order, F.FEEDBACK_KIND_REPLIED, "核实后已退还多扣话费")
    feedback(stack, publisher, case_id, order, F.FEEDBACK_KIND_CUSTOMER_REPLIED, "已告知客户处理结果")
    events = collect_case(tail, case_id, lambda got: "CaseResolved" in names(got) and any(
        e.name == "DeadlineStopped" and e.payload.deadline_id == reply.deadline_id for e in got), seen=seen)
    stopped = next(e.payload for e in events
                   if e.name == "DeadlineStopped" and e.payload.deadline_id == reply.deadline_id)
    assert stopped.met and not stopped.late
