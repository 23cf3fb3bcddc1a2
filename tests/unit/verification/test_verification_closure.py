from dataclasses import replace
from datetime import timedelta

from services.verification.domain.closure import closure_blockers
from services.verification.domain.events import CaseClosed
from services.verification.domain.record import VerificationRecord
from verification_builders import (CLOSES_AT, DAY, POLICY, T0, WINDOW_END, callback, evidence, finding, fulfilled,
                                   new_case, opened, planned, resolved, verdict)

US = timedelta(microseconds=1)


def test_every_missing_condition_is_named():
    record = opened(category="service_attitude")
    record.on_capa_report(planned(action_id="CA-1"), T0)
    record.on_capa_report(planned(action_id="CA-2"), T0)
    record.on_action_evidence(evidence(action_id="CA-2"), T0)
    assert closure_blockers(record, T0) == [
        "responsibility not determined",
        "corrective action CA-1 not verified (no completion evidence)",
        "corrective action CA-2 not verified",
        "preventive action required (0 of 1 planned)",
        "callback pending",
        "recurrence window open until 2026-03-31T08:00:00Z"]


def test_only_the_window_and_grace_keep_a_fulfilled_record_open():
    record = fulfilled()
    assert closure_blockers(record, WINDOW_END - US) == ["recurrence window open until 2026-03-31T08:00:00Z"]
    assert closure_blockers(record, WINDOW_END) == ["late reports awaited until 2026-03-31T09:00:00Z"]
    assert closure_blockers(record, CLOSES_AT - US) == ["late reports awaited until 2026-03-31T09:00:00Z"]
    assert closure_blockers(record, CLOSES_AT) == []


def test_management_closure_comes_on_the_tick_at_the_edge_not_before():
    record = fulfilled()
    assert record.tick(CLOSES_AT - US) == [] and record.status == "VERIFYING"
    assert record.tick(CLOSES_AT) == [CaseClosed("C1", 1, T0, CLOSES_AT)]
    assert (record.status, record.customer_closed_at, record.management_closed_at) == ("CLOSED", T0, CLOSES_AT)
    assert record.tick(CLOSES_AT + DAY) == []


def test_without_grace_closure_is_at_the_window_end():
    record = VerificationRecord("C1")
    record.on_case_resolved(resolved(), replace(POLICY, late_report_grace=timedelta(0)), T0)
    for report in (finding(), planned()):
        record.on_capa_report(report, T0)
    record.on_action_evidence(evidence(), T0)
    record.verify_action(verdict(), T0)
    record.on_callback(callback(), T0)
    assert record.tick(WINDOW_END - US) == []
    assert record.tick(WINDOW_END)[0].management_closed_at == WINDOW_END


def test_an_input_after_the_window_closes_at_once():
    record = opened()
    for report in (finding(), planned()):
        record.on_capa_report(report, T0)
    record.on_action_evidence(evidence(), T0)
    record.verify_action(verdict(), T0)
    events = record.on_callback(callback(called_at=CLOSES_AT), CLOSES_AT)
    assert type(events[-1]) is CaseClosed and record.status == "CLOSED"


def test_responsibility_and_actions_can_be_waived_by_policy():
    rules = replace(POLICY.default, responsibility=False, corrective_actions=0, callback=False)
    record = VerificationRecord("C1")
    record.on_case_resolved(resolved(), replace(POLICY, default=rules, categories={}), T0)
    assert closure_blockers(record, T0) == ["recurrence window open until 2026-03-31T08:00:00Z"]


def test_a_recurrence_needs_a_new_corrective_action_in_the_next_loop():
    record = fulfilled()
    record.on_new_case_observed(new_case("C2", T0 + 3 * DAY), T0 + 3 * DAY)
    assert closure_blockers(record, T0) == ["case reopened: waiting for the next customer closure"]
    second = T0 + 4 * DAY
    record.on_case_resolved(resolved(closed_at=second), POLICY, second)
    record.on_callback(callback(called_at=second + DAY), second + DAY)
    later = second + timedelta(days=31, hours=1)
    assert closure_blockers(record, later) == ["new corrective action required after recurrence C2"]
    record.on_capa_report(planned(action_id="CA-2"), second)
    record.on_action_evidence(evidence(action_id="CA-2"), second)
    assert record.verify_action(verdict(action_id="CA-2"), later)[-1] == CaseClosed("C1", 2, second, later)


def test_a_new_action_planned_while_reopened_counts_for_the_next_loop():
    record = fulfilled()
    record.on_new_case_observed(new_case("C2", T0 + 3 * DAY), T0 + 3 * DAY)
    record.on_capa_report(planned(action_id="CA-2"), T0 + 3 * DAY)
    assert record.actions["CA-2"].planned_in_loop == 2
    record.on_case_resolved(resolved(closed_at=T0 + 4 * DAY), POLICY, T0 + 4 * DAY)
    assert "new corrective action required after recurrence C2" not in closure_blockers(record, T0 + 4 * DAY)


def test_unresolved_record_cannot_close():
    record = VerificationRecord("C1")
    assert closure_blockers(record, T0) == ["case not resolved (no customer closure yet)"]
    assert record.tick(T0 + 100 * DAY) == []
