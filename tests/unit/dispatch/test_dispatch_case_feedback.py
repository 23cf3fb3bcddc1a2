"""Department feedback: acceptance, progress, replies, returns, rejections, duplicates, out-of-order."""

from __future__ import annotations

import pytest
from dispatch_builders import feedback, later

from services.dispatch.domain import events as ev
from services.dispatch.domain import inputs


def rejection(events):
    assert len(events) == 1 and isinstance(events[0], ev.FeedbackRejected), events
    return events[0].reason


def test_accept_progress_reply(new_case):
    case = new_case()
    assert case.on_feedback(feedback("f1", "ACCEPTED", minutes=5), later(6)) == [
        ev.WorkOrderAccepted("C1", "C1-WO1", "guangzhou-wireless-ops", later(5))]
    assert case.on_feedback(feedback("f2", "PROGRESS", text="engineer on site", minutes=7), later(7)) == [
        ev.WorkOrderProgressNoted("C1", "C1-WO1", "guangzhou-wireless-ops", "engineer on site", "dept-user", later(7))]
    events = case.on_feedback(feedback("f3", "REPLIED", text="antenna fixed", fault="YES", minutes=9), later(9))
    assert events == [ev.WorkOrderReplied("C1", "C1-WO1", "guangzhou-wireless-ops", "antenna fixed", "YES", later(9))]
    assert case.status == "ASSIGNED"   # departments done, the owner still has to answer the customer


def test_exact_duplicate_feedback_is_a_no_op(new_case):
    case = new_case()
    case.on_feedback(feedback("f1", "REPLIED", text="done", fault="NO"), later(1))
    before = case.to_dict()
    assert case.on_feedback(feedback("f1", "REPLIED", text="done", fault="NO"), later(2)) == []
    assert case.to_dict() == before


def test_reply_before_acceptance_implies_acceptance(new_case):
    case = new_case()
    events = case.on_feedback(feedback("f1", "REPLIED", text="done", fault="UNCLEAR", minutes=3), later(4))
    assert events[0] == ev.WorkOrderAccepted("C1", "C1-WO1", "guangzhou-wireless-ops", later(3), implied=True)
    assert isinstance(events[1], ev.WorkOrderReplied)
    # the late acceptance changes nothing and is not dead-lettered
    assert case.on_feedback(feedback("f0", "ACCEPTED", minutes=1), later(5)) == []
    assert case.work_orders[0].accepted_at == later(3)


def test_progress_before_acceptance_implies_acceptance(new_case):
    case = new_case()
    events = case.on_feedback(feedback("f1", "PROGRESS", text="queued for tomorrow", minutes=2), later(2))
    assert [type(e) for e in events] == [ev.WorkOrderAccepted, ev.WorkOrderProgressNoted]
    assert events[0].implied is True
    assert case.on_feedback(feedback("f0", "ACCEPTED"), later(3)) == []   # a second acceptance says nothing new


def test_return_dispatches_the_next_candidate(new_case):
    case = new_case()
    events = case.on_feedback(feedback("f1", "RETURNED", text="province handles macro cells", minutes=5), later(5))
    assert events[0] == ev.WorkOrderReturned("C1", "C1-WO1", "guangzhou-wireless-ops",
                                             "province handles macro cells", later(5), "C1-WO2")
    assert (events[1].work_order_id, events[1].department, events[1].level, events[1].replaces_work_order_id) == (
        "C1-WO2", "province-wireless-centre", "province", "C1-WO1")
    assert case.status == "DISPATCHED"


def test_return_with_no_candidate_left_asks_the_owner(new_case):
    case = new_case()
    case.on_feedback(feedback("f1", "RETURNED", text="not ours"), later(1))
    events = case.on_feedback(feedback("f2", "RETURNED", "C1-WO2", text="not ours either"), later(2))
    assert events == [
        ev.WorkOrderReturned("C1", "C1-WO2", "province-wireless-centre", "not ours either", later(10)),
        ev.OwnerDecisionRequired("C1", "agent-007", "C1-WO2", "province-wireless-centre", "not ours either", later(2)),
    ]
    assert case.status == "ASSIGNED" and len(case.work_orders) == 2


def test_owner_decides_with_a_manual_dispatch(new_case):
    case = new_case(category="service_attitude")   # one candidate only
    case.on_feedback(feedback("f1", "RETURNED", text="store staff, not call centre"), later(1))
    events = case.dispatch_work_order(
        inputs.DispatchWorkOrder("cmd-1", "guangzhou-retail-stores", "city", "store staff"), later(2))
    assert [(e.work_order_id, e.department) for e in events] == [("C1-WO2", "guangzhou-retail-stores")]
    assert case.status == "DISPATCHED"
    # a return of the owner's choice comes straight back to the owner
    back = case.on_feedback(feedback("f2", "RETURNED", "C1-WO2", text="no"), later(3))
    assert isinstance(back[-1], ev.OwnerDecisionRequired)


@pytest.mark.parametrize("kind, setup_kind, reason", [
    ("PROGRESS", "REPLIED", "work order C1-WO1 is already REPLIED; PROGRESS feedback does not apply"),
    ("REPLIED", "REPLIED", "work order C1-WO1 is already REPLIED; REPLIED feedback does not apply"),
    ("RETURNED", "REPLIED", "work order C1-WO1 is already REPLIED; RETURNED feedback does not apply"),
    ("ACCEPTED", "RETURNED", "work order C1-WO1 is already RETURNED; ACCEPTED feedback does not apply"),
    ("REPLIED", "RETURNED", "work order C1-WO1 is already RETURNED; REPLIED feedback does not apply"),
    ("PROGRESS", "RETURNED", "work order C1-WO1 is already RETURNED; PROGRESS feedback does not apply"),
])
def test_feedback_for_a_closed_work_order_is_rejected(new_case, kind, setup_kind, reason):
    case = new_case()
    case.on_feedback(feedback("f1", setup_kind, text="first", fault="NO"), later(1))
    before = case.to_dict()
    events = case.on_feedback(feedback("f2", kind, text="again", fault="NO"), later(2))
    assert rejection(events) == f"work_order_id: {reason}"
    assert events[0].feedback_event_id == "f2" and events[0].work_order_id == "C1-WO1"
    after = case.to_dict()
    assert after.pop("applied_event_ids") == before.pop("applied_event_ids") + ["f2"]
    assert after == before


@pytest.mark.parametrize("item, reason", [
    (feedback("f1", "ACCEPTED", "C1-WO9"), "work_order_id: unknown work order 'C1-WO9' on case C1"),
    (feedback("f1", "ACCEPTED", ""), "work_order_id: unknown work order '' on case C1"),
    (feedback("f1", "CLOSED"), "kind: unknown feedback kind 'CLOSED'"),
    (feedback("f1", "REPLIED", text="", fault="YES"), "work order C1-WO1: a reply needs resolution text"),
    (feedback("f1", "REPLIED", text="ok", fault="MAYBE"), "company_at_fault must be YES, NO or UNCLEAR, got 'MAYBE'"),
    (feedback("f1", "RETURNED", text=""), "work order C1-WO1: a return needs a reason"),
    (feedback("f1", "PROGRESS", text=""), "text: a progress note needs text"),
    (feedback("f1", "CUSTOMER_REPLIED", "", text=""), "case C1: the reply to the customer is empty"),
])
def test_unusable_feedback_is_rejected_with_a_reason_and_changes_nothing(new_case, item, reason):
    case = new_case()
    before = case.to_dict()
    assert reason in rejection(case.on_feedback(item, later(1)))
    after = case.to_dict()
    after.pop("applied_event_ids")
    before.pop("applied_event_ids")
    assert after == before
    assert case.on_feedback(item, later(2)) == []   # a redelivered reject is not dead-lettered twice


def test_feedback_after_closure_is_rejected(new_case):
    case = new_case()
    case.on_case_closed(inputs.CaseClosed("evt-close"), later(1))
    assert rejection(case.on_feedback(feedback("f1", "ACCEPTED"), later(2))) == "case C1 is closed"
