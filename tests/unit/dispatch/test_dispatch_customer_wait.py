"""Waiting on the customer: AWAITING_CUSTOMER and CUSTOMER_RESPONDED feedback on a work order
(the reply clock pauses in between), duplicates, illegal reports, and their contract messages."""

from __future__ import annotations

import pytest
from dispatch_builders import feedback, later

from complaints.v1 import case_events_pb2, envelope_pb2, inbound_pb2
from services.dispatch import handler
from services.dispatch.domain import events as ev
from services.dispatch.domain import inputs

DEPT = "guangzhou-wireless-ops"


def rejection(events):
    assert len(events) == 1 and isinstance(events[0], ev.FeedbackRejected), events
    return events[0].reason


def accepted(new_case):
    case = new_case()
    case.on_feedback(feedback("f-acc", "ACCEPTED", minutes=5), later(5))
    return case


def test_awaiting_customer_on_an_accepted_order_marks_it_waiting(new_case):
    case = accepted(new_case)
    events = case.on_feedback(feedback("f1", "AWAITING_CUSTOMER", text="appointment on Friday", minutes=20), later(21))
    assert events == [ev.WorkOrderAwaitingCustomer("C1", "C1-WO1", DEPT, "appointment on Friday", later(20))]
    order = case.work_orders[0]
    assert order.state == "ACCEPTED" and order.awaiting_customer
    assert (order.awaiting_customer_since, order.awaiting_reason) == (later(20), "appointment on Friday")
    assert case.status == "DISPATCHED"   # still open work: waiting is an attribute, not a state
    assert case.history[-1]["what"] == "work order awaiting customer"


def test_customer_responded_ends_the_wait(new_case):
    case = accepted(new_case)
    case.on_feedback(feedback("f1", "AWAITING_CUSTOMER", text="documents", minutes=20), later(21))
    events = case.on_feedback(feedback("f2", "CUSTOMER_RESPONDED", minutes=200), later(201))
    assert events == [ev.WorkOrderCustomerResponded("C1", "C1-WO1", DEPT, later(200))]
    order = case.work_orders[0]
    assert not order.awaiting_customer and order.awaiting_reason == ""
    assert order.customer_waits == [{"since": later(20), "until": later(200), "reason": "documents"}]
    # the order can wait again later, and be replied as usual
    assert [type(e) for e in case.on_feedback(feedback("f3", "AWAITING_CUSTOMER", text="access", minutes=300),
                                              later(300))] == [ev.WorkOrderAwaitingCustomer]
    replied = case.on_feedback(feedback("f4", "REPLIED", text="fixed", fault="NO", minutes=400), later(400))
    assert [type(e) for e in replied] == [ev.WorkOrderReplied]
    assert not case.work_orders[0].awaiting_customer   # a reply ends the wait
    assert [w["reason"] for w in case.work_orders[0].customer_waits] == ["documents", "access"]


def test_awaiting_customer_before_acceptance_implies_it(new_case):
    case = new_case()
    events = case.on_feedback(feedback("f1", "AWAITING_CUSTOMER", text="access to the roof", minutes=3), later(4))
    assert events == [ev.WorkOrderAccepted("C1", "C1-WO1", DEPT, later(3), implied=True),
                      ev.WorkOrderAwaitingCustomer("C1", "C1-WO1", DEPT, "access to the roof", later(3))]
    assert case.work_orders[0].state == "ACCEPTED"
    assert case.on_feedback(feedback("f0", "ACCEPTED", minutes=1), later(5)) == []   # the late acceptance: nothing new


def test_duplicates_change_nothing(new_case):
    case = accepted(new_case)
    case.on_feedback(feedback("f1", "AWAITING_CUSTOMER", text="appointment", minutes=20), later(21))
    before = case.to_dict()
    # the same feedback again
    assert case.on_feedback(feedback("f1", "AWAITING_CUSTOMER", text="appointment", minutes=20), later(22)) == []
    assert case.to_dict() == before
    # another report of the same wait: the first one's time and reason stand
    assert case.on_feedback(feedback("f2", "AWAITING_CUSTOMER", text="still waiting", minutes=40), later(41)) == []
    after = case.to_dict()
    assert after.pop("applied_event_ids") == before.pop("applied_event_ids") + ["f2"]
    assert after == before
    case.on_feedback(feedback("f3", "CUSTOMER_RESPONDED", minutes=60), later(61))
    settled = case.to_dict()
    # the customer responded twice (another report), or for an order that was not waiting at all
    assert case.on_feedback(feedback("f4", "CUSTOMER_RESPONDED", minutes=70), later(71)) == []
    after = case.to_dict()
    assert after.pop("applied_event_ids") == settled.pop("applied_event_ids") + ["f4"]
    assert after == settled


def test_customer_responded_on_an_order_never_waiting_is_a_no_op(new_case):
    case = new_case()
    assert case.on_feedback(feedback("f1", "CUSTOMER_RESPONDED"), later(1)) == []
    assert case.work_orders[0].state == "DISPATCHED"


@pytest.mark.parametrize("kind, setup_kind, reason", [
    ("AWAITING_CUSTOMER", "REPLIED", "work order C1-WO1 is already REPLIED; AWAITING_CUSTOMER feedback does not apply"),
    ("CUSTOMER_RESPONDED", "REPLIED",
     "work order C1-WO1 is already REPLIED; CUSTOMER_RESPONDED feedback does not apply"),
    ("AWAITING_CUSTOMER", "RETURNED",
     "work order C1-WO1 is already RETURNED; AWAITING_CUSTOMER feedback does not apply"),
    ("CUSTOMER_RESPONDED", "RETURNED",
     "work order C1-WO1 is already RETURNED; CUSTOMER_RESPONDED feedback does not apply"),
])
def test_waiting_feedback_for_a_closed_order_is_rejected_naming_its_state(new_case, kind, setup_kind, reason):
    case = new_case()
    case.on_feedback(feedback("f1", setup_kind, text="first", fault="NO"), later(1))
    before = case.to_dict()
    events = case.on_feedback(feedback("f2", kind, text="customer away"), later(2))
    assert rejection(events) == f"work_order_id: {reason}"
    after = case.to_dict()
    assert after.pop("applied_event_ids") == before.pop("applied_event_ids") + ["f2"]
    assert after == before


def test_waiting_feedback_after_closure_is_rejected(new_case):
    case = accepted(new_case)
    case.on_feedback(feedback("f1", "AWAITING_CUSTOMER", text="appointment"), later(11))
    case.on_case_closed(inputs.CaseClosed("evt-close"), later(12))
    assert not case.work_orders[0].awaiting_customer   # cancelled: the wait ended with it
    assert case.work_orders[0].customer_waits[0]["until"] == later(12)
    assert rejection(case.on_feedback(feedback("f2", "CUSTOMER_RESPONDED"), later(13))) == "case C1 is closed"


@pytest.mark.parametrize("item, reason", [
    (feedback("f1", "AWAITING_CUSTOMER", text="  "), "text: waiting on the customer needs a reason"),
    (feedback("f1", "AWAITING_CUSTOMER", "C1-WO9", text="x"), "work_order_id: unknown work order 'C1-WO9' on case C1"),
    (feedback("f1", "CUSTOMER_RESPONDED", "C1-WO9"), "work_order_id: unknown work order 'C1-WO9' on case C1"),
])
def test_unusable_waiting_feedback_is_rejected_and_changes_nothing(new_case, item, reason):
    case = new_case()
    before = case.to_dict()
    assert reason in rejection(case.on_feedback(item, later(1)))
    after = case.to_dict()
    after.pop("applied_event_ids")
    before.pop("applied_event_ids")
    assert after == before   # in particular, no implied acceptance is left behind


def test_a_return_ends_the_wait(new_case):
    case = accepted(new_case)
    case.on_feedback(feedback("f1", "AWAITING_CUSTOMER", text="appointment"), later(11))
    events = case.on_feedback(feedback("f2", "RETURNED", text="province handles macro cells", minutes=30), later(30))
    assert isinstance(events[0], ev.WorkOrderReturned)
    assert not case.work_orders[0].awaiting_customer and len(case.work_orders[0].customer_waits) == 1


def test_the_wait_survives_storage(new_case):
    from services.dispatch.domain.case import DispatchCase

    case = accepted(new_case)
    case.on_feedback(feedback("f1", "AWAITING_CUSTOMER", text="appointment", minutes=20), later(21))
    stored = DispatchCase.from_dict(case.to_dict())
    assert stored.to_dict() == case.to_dict() and stored.work_orders[0].awaiting_customer
    assert [type(e) for e in stored.on_feedback(feedback("f2", "CUSTOMER_RESPONDED", minutes=50), later(50))] == [
        ev.WorkOrderCustomerResponded]


# --- the adapter's translation ----------------------------------------------------------------

def test_inbound_kinds_reach_the_rules_by_name():
    for value in (inbound_pb2.FEEDBACK_KIND_AWAITING_CUSTOMER, inbound_pb2.FEEDBACK_KIND_CUSTOMER_RESPONDED):
        name = inbound_pb2.FeedbackKind.Name(value).removeprefix("FEEDBACK_KIND_")
        assert name in inputs.FEEDBACK_KINDS
    assert {inbound_pb2.FeedbackKind.Name(v).removeprefix("FEEDBACK_KIND_")
            for v in inbound_pb2.FeedbackKind.values() if v} == set(inputs.FEEDBACK_KINDS)


def test_waiting_events_become_contract_messages(new_case):
    case = accepted(new_case)
    waiting = case.on_feedback(feedback("f1", "AWAITING_CUSTOMER", text="appointment", minutes=20), later(21))
    responded = case.on_feedback(feedback("f2", "CUSTOMER_RESPONDED", minutes=90), later(91))
    (paused_msg, tag1), (resumed_msg, tag2) = handler.to_messages(case, waiting + responded)
    assert isinstance(paused_msg, case_events_pb2.WorkOrderAwaitingCustomer)
    assert (paused_msg.case_id, paused_msg.work_order_id, paused_msg.department, paused_msg.reason) == (
        "C1", "C1-WO1", DEPT, "appointment")
    assert paused_msg.since.ToDatetime().replace(tzinfo=later(0).tzinfo) == later(20)
    assert isinstance(resumed_msg, case_events_pb2.WorkOrderCustomerResponded)
    assert resumed_msg.responded_at.ToDatetime().replace(tzinfo=later(0).tzinfo) == later(90)
    assert tag1 == tag2 == "C1-WO1"
    payload = envelope_pb2.Envelope.DESCRIPTOR.oneofs_by_name["payload"]
    envelope_fields = {f.message_type.name: f.name for f in payload.fields}
    assert envelope_fields["WorkOrderAwaitingCustomer"] == "work_order_awaiting_customer"
    assert envelope_fields["WorkOrderCustomerResponded"] == "work_order_customer_responded"
