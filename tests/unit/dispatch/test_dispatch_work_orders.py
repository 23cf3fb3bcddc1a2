"""The work-order state machine: every legal move, every illegal one."""

from __future__ import annotations

import pytest
from dispatch_builders import NOW, later

from services.dispatch.domain import work_orders as wo
from services.dispatch.domain.errors import IllegalTransition, InvalidFinding, ReasonRequired


def order(state: str = wo.DISPATCHED) -> wo.WorkOrder:
    made = wo.WorkOrder("C1-WO1", "C1", wo.DEPARTMENT, "gz-billing", "city", 4, "billing_dispute", "guangzhou", NOW)
    made.state = state
    return made


def test_accept_then_progress_then_reply():
    work = order()
    work.accept(later(1))
    work.note_progress("checking the bill", later(2), by="li")
    implied = work.reply("refunded 20 yuan", "YES", later(3))
    assert (work.state, implied, work.accepted_at, work.closed_at) == (wo.REPLIED, False, later(1), later(3))
    assert work.notes == [{"at": later(2), "text": "checking the bill", "by": "li"}]
    assert (work.resolution, work.company_at_fault) == ("refunded 20 yuan", "YES")


def test_reply_straight_from_dispatched_implies_acceptance():
    work = order()
    assert work.reply("explained the tariff", "NO", later(5)) is True
    assert work.accepted_at == later(5) and work.state == wo.REPLIED


@pytest.mark.parametrize("state", [wo.DISPATCHED, wo.ACCEPTED])
def test_return_from_dispatched_or_accepted(state):
    work = order(state)
    work.return_to_owner("not our area", later(1))
    assert (work.state, work.return_reason, work.closed_at) == (wo.RETURNED, "not our area", later(1))


@pytest.mark.parametrize("state, action, name", [
    (wo.ACCEPTED, lambda w: w.accept(NOW), "accepted"),
    (wo.REPLIED, lambda w: w.accept(NOW), "accepted"),
    (wo.RETURNED, lambda w: w.accept(NOW), "accepted"),
    (wo.CANCELLED, lambda w: w.accept(NOW), "accepted"),
    (wo.DISPATCHED, lambda w: w.note_progress("x", NOW), "given a progress note"),
    (wo.REPLIED, lambda w: w.note_progress("x", NOW), "given a progress note"),
    (wo.RETURNED, lambda w: w.note_progress("x", NOW), "given a progress note"),
    (wo.REPLIED, lambda w: w.reply("x", "NO", NOW), "replied"),
    (wo.RETURNED, lambda w: w.reply("x", "NO", NOW), "replied"),
    (wo.CANCELLED, lambda w: w.reply("x", "NO", NOW), "replied"),
    (wo.REPLIED, lambda w: w.return_to_owner("x", NOW), "returned"),
    (wo.RETURNED, lambda w: w.return_to_owner("x", NOW), "returned"),
    (wo.CANCELLED, lambda w: w.return_to_owner("x", NOW), "returned"),
    (wo.REPLIED, lambda w: w.cancel(NOW), "cancelled"),
    (wo.RETURNED, lambda w: w.cancel(NOW), "cancelled"),
    (wo.CANCELLED, lambda w: w.cancel(NOW), "cancelled"),
])
def test_illegal_transitions_are_named(state, action, name):
    work = order(state)
    with pytest.raises(IllegalTransition) as raised:
        action(work)
    assert str(raised.value) == f"work order C1-WO1 is {state}; it cannot be {name}"
    assert work.state == state


@pytest.mark.parametrize("resolution, fault, message", [
    ("", "YES", "needs resolution text"), ("  ", "NO", "needs resolution text"),
    ("fixed", "", "company_at_fault must be YES, NO or UNCLEAR, got ''"),
    ("fixed", "yes", "got 'yes'"), ("fixed", "MAYBE", "got 'MAYBE'"),
])
def test_a_reply_needs_text_and_a_fault_finding(resolution, fault, message):
    work = order(wo.ACCEPTED)
    with pytest.raises(InvalidFinding, match=message):
        work.reply(resolution, fault, NOW)
    assert work.state == wo.ACCEPTED and work.closed_at is None


def test_a_return_needs_a_reason():
    work = order()
    with pytest.raises(ReasonRequired, match="C1-WO1: a return needs a reason"):
        work.return_to_owner(" ", NOW)
    assert work.state == wo.DISPATCHED


def test_due_times_newest_report_wins_even_out_of_order():
    work = order()
    assert work.record_due(later(120), reported_at=later(2)) is True
    assert work.record_due(later(60), reported_at=later(1)) is False     # older report, ignored
    assert work.due_at == later(120)
    assert work.record_due(later(120), reported_at=later(2)) is False    # same again
    assert work.record_due(later(240), reported_at=later(2)) is True     # same instant, newer value wins
    assert work.due_at == later(240)


def test_round_trip_through_a_dict():
    work = order()
    work.accept(later(1))
    work.note_progress("on site", later(2))
    copy = wo.WorkOrder.from_dict(work.to_dict())
    assert copy == work
    copy.notes.append({"at": NOW, "text": "x", "by": ""})
    assert len(work.notes) == 1
