"""The customer's own status request: what a right phone sees, and that a wrong one sees nothing."""

from __future__ import annotations

import pytest
from dispatch_builders import NOW, feedback, later, registration

from services.dispatch.domain import inputs
from services.dispatch.domain.case import DispatchCase
from services.dispatch.domain.notifications import tell_customer
from services.dispatch.domain.status import customer_view, national_number, same_phone


@pytest.mark.parametrize("stored, given", [
    ("13800138000", "+86 138-0013-8000"), ("13800138000", "008613800138000"), ("13800138000", "86 13800138000"),
    ("+8613800138000", "１３８００１３８０００"), ("020-12345678", "+86 20 1234 5678"), ("020-12345678", "02012345678"),
])
def test_one_line_in_any_notation_is_the_same_phone(stored, given):
    assert same_phone(stored, given)


@pytest.mark.parametrize("stored, given", [
    ("13800138000", "13800138001"), ("13800138000", ""), ("13800138000", "8000"), ("", ""), ("", "13800138000"),
    ("020-12345678", "021-12345678"),
])
def test_another_or_a_partial_number_is_not(stored, given):
    assert not same_phone(stored, given)


def test_national_number_drops_country_and_trunk_prefixes():
    assert national_number("+86 (20) 1234-5678") == national_number("020 1234 5678") == "2012345678"


def test_the_right_phone_sees_status_desk_promise_and_last_step(policy):
    case, events = DispatchCase.register(registration(phone="13800138000", channel="HOTLINE",
                                                      promised_reply_at=later(240)), policy, NOW)
    tell_customer(case, events, policy.notifications, NOW)
    tell_customer(case, case.on_feedback(feedback("f1", "ACCEPTED"), later(5)), policy.notifications, later(5))
    view = customer_view(case, "+86 138 0013 8000", policy)
    assert (view.case_id, view.status, view.status_text, view.desk) == ("C1", "DISPATCHED", "处理中", "hotline-duty-desk")
    assert (view.promised_reply_at, view.last_step, view.last_step_at) == (later(240), "WORK_TAKEN", later(5))
    assert "agent-007" not in repr(view)   # the owner is a person: the customer sees the desk


def test_without_an_asked_time_the_reply_clock_is_the_promise(policy):
    case, _ = DispatchCase.register(registration(phone="13800138000"), policy, NOW)
    case.on_reply_due(inputs.ReplyDue("d1", "CASE_REPLY", inputs.SET, later(2880)), later(1))
    assert customer_view(case, "13800138000", policy).promised_reply_at == later(2880)


def test_a_wrong_phone_or_a_proxy_case_sees_nothing(policy):
    case, _ = DispatchCase.register(registration(phone="13800138000"), policy, NOW)
    assert customer_view(case, "13900139000", policy) is None
    proxy, _ = DispatchCase.register(registration(case_id="P1", is_proxy=True, channel="PROXY"), policy, NOW)
    assert customer_view(proxy, "", policy) is None
