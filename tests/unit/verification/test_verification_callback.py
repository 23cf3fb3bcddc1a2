from dataclasses import replace

import pytest

from services.verification.domain.errors import InvalidInput
from services.verification.domain.events import CallbackFallbackApplied, CallbackRecorded, CaseReopened
from services.verification.domain.policy import VerificationPolicy
from services.verification.domain.record import VerificationRecord
from verification_builders import DAY, POLICY, T0, callback, opened, resolved


def policy_with(fallback: str, attempts: int = 3) -> VerificationPolicy:
    rules = replace(POLICY.default, callback_fallback=fallback, unreachable_attempts=attempts)
    return replace(POLICY, default=rules, categories={})


def opened_with(policy: VerificationPolicy) -> VerificationRecord:
    record = VerificationRecord("C1")
    record.on_case_resolved(resolved(), policy, T0)
    return record


def test_satisfied_meets_the_callback_condition():
    record = opened()
    events = record.on_callback(callback("SATISFIED"), T0 + DAY)
    assert events == [CallbackRecorded("C1", "SATISFIED", T0 + DAY, "", 0)]
    assert not any(b.startswith("callback") for b in record.closure_blockers(T0 + DAY))


def test_unsatisfied_reopens_to_the_original_owner_with_the_reason():
    record = opened()
    events = record.on_callback(callback("UNSATISFIED", reason="still dropping calls"), T0 + 2 * DAY)
    assert events[-1] == CaseReopened("C1", "CALLBACK_UNSATISFIED", "callback unsatisfied: still dropping calls",
                                      "agent-1", 1, T0 + 2 * DAY)
    assert record.status == "REOPENED"


def test_unsatisfied_needs_a_reason_and_outcomes_are_checked():
    with pytest.raises(InvalidInput, match="must say why"):
        opened().on_callback(callback("UNSATISFIED"), T0)
    with pytest.raises(InvalidInput, match="outcome: expected one of"):
        opened().on_callback(callback("MAYBE"), T0)


@pytest.mark.parametrize("fallback, met", [("treat_as_satisfied", True), ("close_without_callback", True),
                                            ("keep_open", False)])
def test_fallback_applies_at_the_nth_unreachable_attempt_not_before(fallback, met):
    record = opened_with(policy_with(fallback))
    for attempt in (1, 2):
        events = record.on_callback(callback("UNREACHABLE", T0 + attempt * DAY), T0 + attempt * DAY)
        assert events == [CallbackRecorded("C1", "UNREACHABLE", T0 + attempt * DAY, "", attempt)]
    assert "callback pending (2 of 3 unreachable attempts)" in record.closure_blockers(T0 + 2 * DAY)
    third = record.on_callback(callback("UNREACHABLE", T0 + 3 * DAY), T0 + 3 * DAY)
    assert third[-1] == CallbackFallbackApplied("C1", fallback, 3)
    assert record.callback_status().met() is met
    blockers = record.closure_blockers(T0 + 3 * DAY)
    if met:
        assert not any(b.startswith("callback") for b in blockers)
    else:
        assert "callback pending (3 unreachable attempts; policy keeps it open)" in blockers
    assert record.on_callback(callback("UNREACHABLE", T0 + 4 * DAY), T0 + 4 * DAY)[-1].__class__ is CallbackRecorded


def test_a_reached_customer_after_the_fallback_still_counts():
    record = opened_with(policy_with("treat_as_satisfied", attempts=1))
    record.on_callback(callback("UNREACHABLE", T0 + DAY), T0 + DAY)
    assert record.callback_status().state == "FALLBACK"
    record.on_callback(callback("UNSATISFIED", T0 + 2 * DAY, reason="no"), T0 + 2 * DAY)
    assert record.status == "REOPENED"


def test_calls_are_judged_in_call_order_not_arrival_order():
    record = opened()
    record.on_callback(callback("SATISFIED", T0 + 2 * DAY), T0 + 2 * DAY)
    late_earlier_call = record.on_callback(callback("UNSATISFIED", T0 + DAY, reason="slow"), T0 + 3 * DAY)
    assert [type(e) for e in late_earlier_call] == [CallbackRecorded]
    assert record.status == "VERIFYING" and record.callback_status().state == "SATISFIED"


def test_calls_before_this_loops_closure_do_not_count():
    record = opened()
    record.on_callback(callback("UNSATISFIED", T0 + DAY, reason="no"), T0 + DAY)
    record.on_case_resolved(resolved(closed_at=T0 + 5 * DAY), POLICY, T0 + 5 * DAY)
    assert record.loop == 2 and record.callback_status().state == "PENDING"
    assert "callback pending" in record.closure_blockers(T0 + 5 * DAY)


def test_a_call_that_arrives_before_the_closure_event_counts_once_opened():
    record = VerificationRecord("C1")
    assert [type(e) for e in record.on_callback(callback("UNSATISFIED", T0 + DAY, reason="no"), T0 + DAY)] == [
        CallbackRecorded]
    events = record.on_case_resolved(resolved(), POLICY, T0 + DAY)
    assert events[-1].cause == "CALLBACK_UNSATISFIED" and record.status == "REOPENED"


def test_callback_not_required_by_policy_is_no_blocker():
    rules = replace(POLICY.default, callback=False)
    record = opened_with(replace(POLICY, default=rules, categories={}))
    assert not any(b.startswith("callback") for b in record.closure_blockers(T0))
