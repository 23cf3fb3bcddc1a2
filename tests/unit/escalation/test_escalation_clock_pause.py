"""The escalation adapter pauses a work order's reply clock while its department waits on the
customer and resumes it when the customer responds (protobuf events in and out, no database:
the batches' loading and storing are played by hand)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest

from complaints.v1 import case_events_pb2, common_pb2
from complaint_platform.envelope import Received, to_timestamp, wrap
from complaint_platform.handling import Incoming
from services.escalation import wire
from services.escalation.domain.calendar import HOTLINE
from services.escalation.domain.deadlines import BREACHED, MET, OPEN, PAUSED, WARNED, Deadline
from services.escalation.handler import EscalationHandler

from escalation_testkit import utc

T0 = utc(2026, 11, 2, 1)   # a Monday, 09:00 in the centre's zone
H = timedelta(hours=1)
CASE, ORDER, DEPT = "C-77", "C-77-WO1", "guangzhou-wireless-ops"
REPLY = case_events_pb2.DEADLINE_KIND_WORK_ORDER_REPLY


class _Empty:
    def find(self, *args, **kwargs):
        return []


class _NoDatabase(dict):
    def __missing__(self, name):
        return _Empty()


class _Unit:
    """A unit of work that stores nothing."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


class Harness:
    """One handler, with what a stored batch would leave behind carried over by hand."""

    def __init__(self, policy) -> None:
        self.tracked: list[tuple[Deadline, int]] = []
        self.handler = EscalationHandler(_NoDatabase(), policy, on_stored=lambda d, v: self.tracked.append((d, v)))
        self.handler.load([])

    def send(self, payload, at: datetime) -> list:
        envelope = wrap(payload, event_id=str(uuid.uuid4()), case_id=CASE, producer="dispatch", occurred_at=at)
        incoming = Incoming(Received("cases.dispatch.v1", 0, 0, None, b"", {}), envelope)
        outputs = self.handler.apply(incoming, at)
        return [getattr(out, out.WhichOneof("payload")) for out in outputs]

    def commit(self) -> None:
        """What save + commit + the next batch's load do (the handler holds its cases between
        batches: new clocks stored at version 0, changed ones one up)."""
        handler = self.handler
        self.tracked.clear()
        handler.save(_Unit())
        handler.committed()
        envelope = wrap(case_events_pb2.OwnerAssigned(case_id=CASE, owner="agent-7"), event_id=str(uuid.uuid4()),
                        case_id=CASE, producer="dispatch", occurred_at=T0)
        handler.load([Incoming(Received("cases.dispatch.v1", 0, 0, None, b"", {}), envelope)])

    def clock(self, kind: str) -> Deadline:
        return next(d for d, _ in self.handler.deadlines.values() if d.kind == kind)


def registered() -> case_events_pb2.CaseRegistered:
    message = case_events_pb2.CaseRegistered(case_id=CASE, submission_id="S-1", channel=common_pb2.CHANNEL_HOTLINE,
                                             customer=common_pb2.Customer(id="CU-1", tier=3, region="guangzhou"),
                                             category="billing_dispute", severity=2, first_contact="agent-7")
    message.received_at.CopyFrom(to_timestamp(T0))
    return message


def dispatched(kind=case_events_pb2.WORK_ORDER_KIND_DEPARTMENT, promised: datetime | None = None):
    message = case_events_pb2.WorkOrderDispatched(case_id=CASE, work_order_id=ORDER, department=DEPT, level="city",
                                                  kind=kind, category="billing_dispute", tier=3,
                                                  channel=common_pb2.CHANNEL_HOTLINE, region="guangzhou")
    if promised is not None:
        message.promised_reply_at.CopyFrom(to_timestamp(promised))
    return message


def awaiting(at: datetime):
    return case_events_pb2.WorkOrderAwaitingCustomer(case_id=CASE, work_order_id=ORDER, department=DEPT,
                                                     since=to_timestamp(at), reason="appointment on Friday")


def responded(at: datetime):
    return case_events_pb2.WorkOrderCustomerResponded(case_id=CASE, work_order_id=ORDER, department=DEPT,
                                                      responded_at=to_timestamp(at))


def as_utc(stamp) -> datetime:
    return stamp.ToDatetime().replace(tzinfo=T0.tzinfo)


@pytest.fixture
def harness(policy) -> Harness:
    subject = Harness(policy)
    subject.send(registered(), T0)
    subject.send(dispatched(), T0)
    subject.send(case_events_pb2.WorkOrderAccepted(case_id=CASE, work_order_id=ORDER, department=DEPT), T0 + H / 2)
    subject.commit()
    return subject


def test_waiting_pauses_the_reply_clock_and_the_response_moves_it_on(harness, policy):
    reply = harness.clock("WORK_ORDER_REPLY")
    original_due = reply.due_at
    assert original_due == T0 + policy.allowed("work_order_reply", "billing_dispute", 3, "HOTLINE")

    out = harness.send(awaiting(T0 + 2 * H), T0 + 2 * H)
    paused = [m for m in out if isinstance(m, case_events_pb2.DeadlinePaused)]
    assert len(paused) == 1
    assert (paused[0].deadline_id, paused[0].kind, paused[0].subject_id) == (reply.deadline_id, REPLY, ORDER)
    assert as_utc(paused[0].paused_at) == T0 + 2 * H
    assert reply.state == PAUSED and reply.next_fire_at() is None
    assert harness.clock("CASE_REPLY").state == OPEN   # the case's own clock keeps counting
    harness.commit()
    assert [(d.deadline_id, v, d.state) for d, v in harness.tracked] == [(reply.deadline_id, 1, PAUSED)]

    out = harness.send(responded(T0 + 30 * H), T0 + 30 * H)   # past the original due time
    resumed = [m for m in out if isinstance(m, case_events_pb2.DeadlineResumed)]
    assert len(resumed) == 1 and resumed[0].deadline_id == reply.deadline_id and resumed[0].subject_id == ORDER
    assert as_utc(resumed[0].due_at) == original_due + 28 * H == reply.due_at   # the hotline works 7x24
    assert reply.state == OPEN and reply.next_fire_at() == reply.warn_at > T0 + 30 * H
    harness.commit()
    assert [(d.deadline_id, v, d.state) for d, v in harness.tracked] == [(reply.deadline_id, 2, OPEN)]


def test_an_overdue_clock_is_not_paused(harness):
    reply = harness.clock("WORK_ORDER_REPLY")
    late = reply.due_at + H   # the timer has not fired it yet
    out = harness.send(awaiting(late), late)
    assert not any(isinstance(m, (case_events_pb2.DeadlinePaused, case_events_pb2.DeadlineResumed)) for m in out)
    assert reply.state == OPEN and reply.deadline_id not in harness.handler.changed_deadlines
    out = harness.send(responded(late + H), late + H)
    assert not any(isinstance(m, case_events_pb2.DeadlineResumed) for m in out)


def test_a_breached_clock_stays_breached(harness, policy):
    reply = harness.clock("WORK_ORDER_REPLY")
    reply.fire(reply.due_at, policy)
    assert reply.state == BREACHED
    assert not any(isinstance(m, case_events_pb2.DeadlinePaused)
                   for m in harness.send(awaiting(reply.due_at + H), reply.due_at + H))
    assert reply.state == BREACHED


def test_a_warned_clock_pauses_and_resumes_warned(harness, policy):
    reply = harness.clock("WORK_ORDER_REPLY")
    reply.fire(reply.warn_at, policy)
    assert reply.state == WARNED
    at = reply.warn_at + H
    harness.send(awaiting(at), at)
    assert reply.state == PAUSED
    harness.send(responded(at + 5 * H), at + 5 * H)
    assert reply.state == WARNED and reply.next_fire_at() == reply.due_at


def test_a_second_wait_report_and_a_response_without_a_wait_change_nothing(harness):
    reply = harness.clock("WORK_ORDER_REPLY")
    assert not any(isinstance(m, case_events_pb2.DeadlineResumed)
                   for m in harness.send(responded(T0 + H), T0 + H))
    harness.send(awaiting(T0 + 2 * H), T0 + 2 * H)
    harness.commit()
    assert not any(isinstance(m, case_events_pb2.DeadlinePaused)
                   for m in harness.send(awaiting(T0 + 3 * H), T0 + 3 * H))
    assert reply.paused_at == T0 + 2 * H and not harness.handler.changed_deadlines


def test_a_reply_while_waiting_is_not_late_for_the_paused_time(harness):
    reply = harness.clock("WORK_ORDER_REPLY")
    original_due = reply.due_at
    harness.send(awaiting(T0 + 2 * H), T0 + 2 * H)
    harness.commit()
    done_at = original_due + 2 * H   # after the original due time, but the clock was paused since T0 + 2 h
    out = harness.send(case_events_pb2.WorkOrderReplied(case_id=CASE, work_order_id=ORDER, department=DEPT,
                                                        resolution="fixed"), done_at)
    stopped = [m for m in out if isinstance(m, case_events_pb2.DeadlineStopped) and m.kind == REPLY]
    assert len(stopped) == 1 and stopped[0].met and not stopped[0].late
    assert reply.state == MET


def test_a_consultation_clock_pauses_too(policy):
    subject = Harness(policy)
    subject.send(registered(), T0)
    subject.send(dispatched(case_events_pb2.WORK_ORDER_KIND_CONSULT, promised=T0 + 6 * H), T0)
    consult = subject.clock("CONSULT_REPLY")
    out = subject.send(awaiting(T0 + H), T0 + H)
    assert [m.kind for m in out if isinstance(m, case_events_pb2.DeadlinePaused)] == [
        case_events_pb2.DEADLINE_KIND_CONSULT_REPLY]
    out = subject.send(responded(T0 + 3 * H), T0 + 3 * H)
    assert [as_utc(m.due_at) for m in out if isinstance(m, case_events_pb2.DeadlineResumed)] == [T0 + 8 * H]
    assert consult.due_at == T0 + 8 * H


def test_messages_name_the_clock(policy):
    clock = Deadline.start(CASE, "WORK_ORDER_REPLY", ORDER, T0, HOTLINE, policy, allowed=4 * H, department=DEPT)
    clock.pause(T0 + H)
    paused = wire.deadline_paused(clock)
    assert (paused.case_id, paused.deadline_id, paused.kind, paused.subject_id) == (
        CASE, clock.deadline_id, REPLY, ORDER)
    assert as_utc(paused.paused_at) == T0 + H
    clock.resume(T0 + 2 * H, HOTLINE)
    assert as_utc(wire.deadline_resumed(clock).due_at) == T0 + 5 * H
