"""Consultation, promised replies, customer closure, reopen, management closure and due times."""

from __future__ import annotations

import pytest
from dispatch_builders import NOW, feedback, later

from services.dispatch.domain import events as ev
from services.dispatch.domain import inputs
from services.dispatch.domain.errors import (CaseClosed, IllegalCaseTransition, InvalidDestination, InvalidPromise,
                                             ReasonRequired, ReplyRequired, UnknownWorkOrder)


def reply(command_id: str = "cmd-reply", text: str = "we fixed the antenna", minutes: int = 30):
    return inputs.RecordCustomerReply(command_id, text, replied_at=later(minutes), by="agent-007")


def resolved_case(new_case):
    case = new_case()
    case.on_feedback(feedback("f1", "REPLIED", text="antenna fixed", fault="YES", minutes=20), later(20))
    case.record_customer_reply(reply(), later(31))
    assert case.status == "RESOLVED"
    return case


def test_resolved_when_every_order_replied_and_the_owner_answered(new_case):
    case = new_case()
    events = case.record_customer_reply(reply(), later(31))
    assert events == [ev.CustomerReplyRecorded("C1", "agent-007", "we fixed the antenna", later(30), 0)]
    assert case.status == "DISPATCHED"     # the department has not replied yet
    events = case.on_feedback(feedback("f1", "REPLIED", text="antenna fixed", fault="YES", minutes=40), later(40))
    assert events[-1] == ev.CaseResolved("C1", "agent-007", "we fixed the antenna", later(30),
                                         "guangzhou-wireless-ops", "YES", 0, later(40))
    assert case.status == "RESOLVED"


def test_not_resolved_while_one_of_several_orders_is_open(new_case):
    case = new_case(category="value_added_charges")   # two work orders
    case.on_feedback(feedback("f1", "REPLIED", "C1-WO1", text="refunded", fault="YES"), later(10))
    assert case.record_customer_reply(reply(), later(31)) == [
        ev.CustomerReplyRecorded("C1", "agent-007", "we fixed the antenna", later(30), 0)]
    assert case.status == "DISPATCHED"
    events = case.on_feedback(feedback("f2", "REPLIED", "C1-WO2", text="bill corrected", fault="NO", minutes=50),
                              later(50))
    assert isinstance(events[-1], ev.CaseResolved)
    assert (events[-1].department, events[-1].company_at_fault) == ("guangzhou-billing", "NO")


def test_returned_orders_do_not_block_resolution(new_case):
    case = new_case(category="service_attitude")
    case.on_feedback(feedback("f1", "RETURNED", text="not ours"), later(1))
    events = case.on_feedback(feedback("f2", "CUSTOMER_REPLIED", "", text="apologised and explained"), later(15))
    assert events == [ev.CustomerReplyRecorded("C1", "agent-007", "apologised and explained", later(10), 0),
                      ev.CaseResolved("C1", "agent-007", "apologised and explained", later(10), "", "", 0, later(15))]


def test_a_second_reply_after_resolution_is_refused(new_case):
    case = resolved_case(new_case)
    with pytest.raises(IllegalCaseTransition, match="case C1 is already RESOLVED"):
        case.record_customer_reply(reply("cmd-2"), later(40))
    assert case.record_customer_reply(reply(), later(41)) == []   # the same command again is a no-op


def test_an_empty_reply_is_refused(new_case):
    with pytest.raises(ReplyRequired, match="case C1: the reply to the customer is empty"):
        new_case().record_customer_reply(reply(text="  "), later(1))


def test_consultation_goes_to_the_expert_group_with_the_promised_time(new_case):
    case = new_case()
    events = case.request_consult(inputs.RequestConsult("cmd-c", "is 5G coverage planned here?", later(24 * 60),
                                                        by="agent-007"), _policy(), later(5))
    dispatched, requested = events
    assert (dispatched.work_order_id, dispatched.kind, dispatched.department, dispatched.promised_reply_at) == (
        "C1-WO2", "CONSULT", "expert-group", later(24 * 60))
    assert requested == ev.ConsultRequested("C1", "C1-WO2", "expert-group", "is 5G coverage planned here?",
                                            later(24 * 60), "agent-007", later(5))
    # the consultation must be answered before the case resolves
    case.on_feedback(feedback("f1", "REPLIED", text="fixed", fault="YES"), later(10))
    case.record_customer_reply(reply(), later(31))
    assert case.status == "DISPATCHED"
    events = case.on_feedback(feedback("f2", "REPLIED", "C1-WO2", text="planned for Q2", fault="UNCLEAR"), later(60))
    assert isinstance(events[-1], ev.CaseResolved) and events[-1].department == "guangzhou-wireless-ops"


def test_a_returned_consultation_goes_back_to_the_owner(new_case):
    case = new_case()
    case.request_consult(inputs.RequestConsult("cmd-c", "q", later(60)), _policy(), NOW)
    assert isinstance(case.on_feedback(feedback("f1", "RETURNED", "C1-WO2", text="ask billing"), later(2))[-1],
                      ev.OwnerDecisionRequired)


@pytest.mark.parametrize("question, promised_minutes, error, message", [
    ("q", 0, InvalidPromise, "is not after now"),            # exactly now: refused
    ("q", -1, InvalidPromise, "is not after now"),
    ("", 60, ReasonRequired, "a consultation needs a question"),
])
def test_consultation_refusals(new_case, question, promised_minutes, error, message):
    case = new_case()
    with pytest.raises(error, match=message):
        case.request_consult(inputs.RequestConsult("cmd-c", question, later(promised_minutes)), _policy(), NOW)
    assert len(case.work_orders) == 1


def test_consultation_one_second_ahead_is_accepted(new_case):
    from datetime import timedelta
    case = new_case()
    assert len(case.request_consult(inputs.RequestConsult("c", "q", NOW + timedelta(seconds=1)), _policy(), NOW)) == 2


def test_promised_reply_is_kept_for_escalation(new_case):
    case = new_case()
    events = case.record_promised_reply(inputs.RecordPromisedReply("cmd-p", later(120), "before 11:00"), later(1))
    assert events == [ev.PromisedReplyRecorded("C1", later(120), later(1), "before 11:00")]
    assert case.promised_reply_at == later(120)
    with pytest.raises(InvalidPromise):
        case.record_promised_reply(inputs.RecordPromisedReply("cmd-q", later(1), ""), later(1))


def test_reopen_returns_to_the_same_owner_and_the_department_that_replied_last(new_case):
    case = new_case(category="value_added_charges")
    case.on_feedback(feedback("f1", "REPLIED", "C1-WO2", text="bill corrected", fault="NO", minutes=10), later(10))
    case.on_feedback(feedback("f2", "REPLIED", "C1-WO1", text="vas cancelled", fault="YES", minutes=20), later(20))
    case.record_customer_reply(reply(), later(31))
    case.reassign(inputs.ReassignOwner("cmd-r", "agent-100", "shift change"), later(32))
    events = case.on_reopen(inputs.CaseReopened("evt-reopen", "charged again next month"), later(100))
    assert events[0] == ev.CaseReturnedToOwner("C1", "agent-100", "charged again next month", 1, later(100))
    assert (events[1].work_order_id, events[1].department, events[1].round) == ("C1-WO3", "province-vas-management", 1)
    assert case.status == "REOPENED" and len(case.history) > 5
    assert case.on_reopen(inputs.CaseReopened("evt-reopen", "again"), later(101)) == []


def test_after_reopen_both_new_work_and_a_new_reply_are_needed(new_case):
    case = resolved_case(new_case)
    case.on_reopen(inputs.CaseReopened("evt-reopen", "signal dropped again"), later(100))
    case.on_feedback(feedback("f9", "REPLIED", "C1-WO2", text="replaced the unit", fault="YES"), later(120))
    assert case.status == "REOPENED"          # the old reply (round 0) does not count
    events = case.record_customer_reply(reply("cmd-reply-2", text="unit replaced", minutes=130), later(130))
    assert events[-1] == ev.CaseResolved("C1", "agent-007", "unit replaced", later(130), "guangzhou-wireless-ops",
                                         "YES", 1, later(130))


def test_a_reopened_order_returned_moves_down_the_original_candidates(new_case):
    case = resolved_case(new_case)
    case.on_reopen(inputs.CaseReopened("evt-reopen", "again"), later(100))
    events = case.on_feedback(feedback("f9", "RETURNED", "C1-WO2", text="province job"), later(110))
    assert events[1].department == "province-wireless-centre"


def test_only_a_resolved_case_can_be_reopened(new_case):
    case = new_case()
    with pytest.raises(IllegalCaseTransition, match="case C1 is DISPATCHED; only a RESOLVED case can be reopened"):
        case.on_reopen(inputs.CaseReopened("evt-reopen", "x"), later(1))
    assert case.round == 0 and len(case.work_orders) == 1


def test_closure_cancels_open_work_and_ends_every_command(new_case):
    case = new_case()
    events = case.on_case_closed(inputs.CaseClosed("evt-close"), later(5))
    assert events == [ev.WorkOrderCancelled("C1", "C1-WO1", "case closed", later(5)), ev.CaseEnded("C1", later(5))]
    assert case.status == "CLOSED"
    assert case.on_case_closed(inputs.CaseClosed("evt-close-2"), later(6)) == []
    refusals = [
        lambda: case.reassign(inputs.ReassignOwner("c1", "agent-2", "why"), later(7)),
        lambda: case.request_consult(inputs.RequestConsult("c2", "q", later(90)), _policy(), later(7)),
        lambda: case.record_customer_reply(reply("c3"), later(7)),
        lambda: case.record_promised_reply(inputs.RecordPromisedReply("c4", later(90)), later(7)),
        lambda: case.dispatch_work_order(inputs.DispatchWorkOrder("c5", "d", "city", "r"), later(7)),
        lambda: case.on_reopen(inputs.CaseReopened("c6", "r"), later(7)),
    ]
    for refuse in refusals:
        with pytest.raises(CaseClosed, match="case C1 is closed"):
            refuse()


def test_a_resolved_case_takes_no_new_work_until_reopened(new_case):
    case = resolved_case(new_case)
    with pytest.raises(IllegalCaseTransition, match="must be reopened to consult experts"):
        case.request_consult(inputs.RequestConsult("c", "q", later(900)), _policy(), later(40))
    with pytest.raises(IllegalCaseTransition, match="must be reopened to dispatch work"):
        case.dispatch_work_order(inputs.DispatchWorkOrder("c", "d", "city", "r"), later(40))


@pytest.mark.parametrize("department, level, reason, error, message", [
    ("", "city", "r", InvalidDestination, "department is empty"),
    ("d", "county", "r", InvalidDestination, "level must be one of city, province, headquarters, got 'county'"),
    ("d", "city", "", ReasonRequired, "a manual dispatch needs a reason"),
])
def test_manual_dispatch_refusals(new_case, department, level, reason, error, message):
    case = new_case()
    with pytest.raises(error, match=message):
        case.dispatch_work_order(inputs.DispatchWorkOrder("c", department, level, reason), later(1))
    assert len(case.work_orders) == 1 and len(case.lanes) == 1


def test_due_times_come_from_escalation(new_case):
    case = new_case()
    assert case.record_deadline(inputs.DeadlineSet("evt-d1", "C1-WO1", later(24 * 60), later(1)), later(1)) == []
    assert case.work_orders[0].due_at == later(24 * 60)
    case.record_deadline(inputs.DeadlineSet("evt-d0", "C1-WO1", later(60), NOW), later(2))   # older, arrives late
    assert case.work_orders[0].due_at == later(24 * 60)
    with pytest.raises(UnknownWorkOrder, match="unknown work order 'C1-WO7' on case C1"):
        case.record_deadline(inputs.DeadlineSet("evt-d2", "C1-WO7", later(60), later(3)), later(3))


def _policy():
    from services.dispatch.domain.policy import default_policy
    return default_policy()
