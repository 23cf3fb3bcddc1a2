"""Registration, first-contact ownership, reassignment, idempotency and storage of a DispatchCase."""

from __future__ import annotations

import pytest
from dispatch_builders import NOW, feedback, later, registration

from services.dispatch.domain import events as ev
from services.dispatch.domain import inputs
from services.dispatch.domain.case import DispatchCase
from services.dispatch.domain.errors import (CaseAlreadyRegistered, InvalidCase, OwnerRequired, OwnerUnchanged,
                                             ReasonRequired)


def test_registration_assigns_the_first_contact_and_dispatches(policy):
    case, events = DispatchCase.register(registration(), policy, NOW)
    assert events == [
        ev.OwnerAssigned("C1", "agent-007", "first_contact", NOW),
        ev.WorkOrderDispatched("C1", "C1-WO1", "DEPARTMENT", "guangzhou-wireless-ops", "city", 6, "network_signal",
                               "guangzhou", "HOTLINE", 2, 0, NOW),
        ev.CaseOpened("C1", None),   # the customer is acknowledged
    ]
    assert (case.owner, case.status, case.applied_event_ids) == ("agent-007", "DISPATCHED", ["evt-reg-1"])


@pytest.mark.parametrize("channel, region, owner", [
    ("HOTLINE", "guangzhou", "hotline-duty-desk"),
    ("REGULATOR", "shenzhen", "regulator-liaison-desk"),
    ("EMAIL", "foshan", "complaint-centre-duty-desk"),
])
def test_without_first_contact_the_policy_default_owner_applies(policy, channel, region, owner):
    case, events = DispatchCase.register(registration(first_contact="  ", channel=channel, region=region), policy, NOW)
    assert case.owner == owner
    assert events[0] == ev.OwnerAssigned("C1", owner, f"default:{channel}/{region}", NOW)


def test_several_work_orders_for_one_case(policy):
    case, events = DispatchCase.register(
        registration(category="billing_dispute", summary="国际漫游扣费", attributes={"contract": "K-1"}), policy, NOW)
    dispatched = [e for e in events if isinstance(e, ev.WorkOrderDispatched)]
    assert [(e.work_order_id, e.department) for e in dispatched] == [
        ("C1-WO1", "guangzhou-billing"), ("C1-WO2", "province-roaming-settlement"),
        ("C1-WO3", "guangzhou-business-office")]


def test_tier_one_orders_carry_top_priority(policy):
    _, events = DispatchCase.register(registration(tier=1, severity=1), policy, NOW)
    assert events[1].priority == 1


def test_proxy_case_goes_to_network_operations(policy):
    _, events = DispatchCase.register(registration(channel="PROXY", is_proxy=True, first_contact="",
                                                   region="shenzhen"), policy, NOW)
    assert events[0].owner == "network-complaint-desk"
    assert [e.department for e in events[1:-1]] == ["shenzhen-network-ops"]


def test_a_promised_reply_time_at_intake_is_its_own_item(policy):
    _, events = DispatchCase.register(registration(promised_reply_at=later(240)), policy, NOW)
    assert events[-2:] == [ev.PromisedReplyRecorded("C1", later(240), NOW, "asked at intake"),
                           ev.CaseOpened("C1", later(240))]


@pytest.mark.parametrize("overrides, message", [
    ({"tier": 0}, "tier must be 1, 2 or 3"), ({"severity": 5}, "severity must be 1..4"),
    ({"case_id": " "}, "case_id is empty"),
])
def test_registrations_the_rules_cannot_use_are_refused(policy, overrides, message):
    with pytest.raises(InvalidCase, match=message):
        DispatchCase.register(registration(**overrides), policy, NOW)


def test_redelivered_registration_is_a_no_op_and_another_is_refused(policy, new_case):
    case = new_case()
    before = case.to_dict()
    assert case.on_case_registered(registration(), policy, later(1)) == []
    assert case.to_dict() == before
    with pytest.raises(CaseAlreadyRegistered, match="case C1 is already registered .event evt-reg-2."):
        case.on_case_registered(registration(event_id="evt-reg-2"), policy, later(1))


def test_merged_submissions_never_change_the_owner(new_case):
    case = new_case()
    linked = inputs.SubmissionLinked("evt-link-1", "S2", "WECHAT", first_contact="agent-999", contact_count=2)
    assert case.on_submission_linked(linked, later(5)) == []
    assert case.owner == "agent-007"
    assert case.history[-1] == {"at": later(5), "what": "submission linked", "by": "", "submission": "S2",
                                "channel": "WECHAT", "first_contact": "agent-999", "contacts": 2}
    assert case.on_submission_linked(linked, later(6)) == []
    assert len([h for h in case.history if h["what"] == "submission linked"]) == 1


def test_reassignment_by_command_with_reason_is_recorded(new_case):
    case = new_case()
    events = case.reassign(inputs.ReassignOwner("cmd-1", "agent-100", "agent left the shift", by="lead"), later(3))
    assert events == [ev.OwnerReassigned("C1", "agent-100", "agent-007", "agent left the shift", "lead", later(3))]
    assert case.owner == "agent-100"
    assert case.history[-1]["what"] == "owner reassigned" and case.history[-1]["reason"] == "agent left the shift"
    assert case.reassign(inputs.ReassignOwner("cmd-1", "agent-100", "agent left the shift"), later(4)) == []


@pytest.mark.parametrize("new_owner, reason, error, message", [
    ("", "why", OwnerRequired, "new_owner is empty"),
    ("   ", "why", OwnerRequired, "a case must always have an owner"),
    ("agent-100", " ", ReasonRequired, "a reassignment needs a reason"),
    ("agent-007", "why", OwnerUnchanged, "agent-007 already owns it"),
])
def test_reassignment_refusals_change_nothing(new_case, new_owner, reason, error, message):
    case = new_case()
    before = case.to_dict()
    with pytest.raises(error, match=message):
        case.reassign(inputs.ReassignOwner("cmd-1", new_owner, reason), later(1))
    assert case.to_dict() == before
    # the refused command id was not consumed: a corrected retry with the same id works
    assert case.reassign(inputs.ReassignOwner("cmd-1", "agent-100", "fixed"), later(2))[0].owner == "agent-100"


def test_an_input_without_id_cannot_be_deduplicated(new_case):
    with pytest.raises(InvalidCase, match="without an event or command id"):
        new_case().on_feedback(feedback("", "ACCEPTED"), later(1))


def test_the_case_survives_a_round_trip_through_a_dict(new_case):
    case = new_case(category="billing_dispute", summary="漫游", attributes={"cell_id": "GZ-0042"}, customer_id="U9")
    assert (case.attributes, case.customer_id) == ({"cell_id": "GZ-0042"}, "U9")
    case.on_feedback(feedback("f1", "ACCEPTED"), later(1))
    case.on_feedback(feedback("f2", "RETURNED", "C1-WO2", text="wrong desk"), later(2))
    copy = DispatchCase.from_dict(case.to_dict())
    assert copy == case
    assert copy.on_feedback(feedback("f1", "ACCEPTED"), later(3)) == []   # applied ids survive storage
    copy.work_orders[0].notes.append({"x": 1})
    copy.attributes["cell_id"] = "changed"
    assert case.work_orders[0].notes == [] and case.attributes == {"cell_id": "GZ-0042"}
