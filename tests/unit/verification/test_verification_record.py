import copy
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from services.verification.domain.errors import (DomainError, IllegalTransition, InvalidFinding, InvalidInput,
                                                 RecordClosed)
from services.verification.domain.events import (ActionPlanned, CorrectiveActionDue, ResponsibilityDetermined,
                                                 VerificationOpened, audit_payload)
from services.verification.domain.inputs import CapaReport, ResponsibilityFinding
from services.verification.domain.record import VerificationRecord
from verification_builders import (CLOSES_AT, DAY, POLICY, T0, WINDOW_END, callback, evidence, finding, fulfilled,
                                   new_case, opened, planned, resolved, verdict)


def test_customer_closure_opens_verification_with_every_condition_listed():
    record = VerificationRecord("C1")
    events = record.on_case_resolved(resolved(), POLICY, T0)
    assert events == [VerificationOpened("C1", 1, T0, "agent-1", WINDOW_END, (
        "responsibility not determined", "corrective action required (0 of 1 planned)", "callback pending",
        "recurrence window open until 2026-03-31T08:00:00Z"))]
    assert (record.status, record.loop, record.customer_closed_at, record.opened_at) == ("VERIFYING", 1, T0, T0)
    assert record.signature == "GZ|network_signal|cell_id=CELL-7"
    assert record.closes_at == CLOSES_AT


def test_same_input_event_twice_changes_nothing():
    record = opened()
    report = finding()
    first = record.on_capa_report(report, T0)
    snapshot = copy.deepcopy(record.to_dict())
    assert first and record.on_capa_report(report, T0 + DAY) == []
    assert record.to_dict() == snapshot
    for step in (resolved(event_id=record.applied_event_ids[0]),):
        assert record.on_case_resolved(step, POLICY, T0) == []
    assert record.to_dict() == snapshot


def test_duplicate_of_every_input_kind_returns_nothing():
    record = opened()
    inputs = [(record.on_capa_report, planned()), (record.on_action_evidence, evidence()),
              (record.verify_action, verdict()), (record.on_callback, callback()),
              (record.on_new_case_observed, new_case(customer="U9", cell="OTHER"))]
    for method, item in inputs:
        method(item, T0 + DAY)
    snapshot = copy.deepcopy(record.to_dict())
    for method, item in inputs:
        assert method(item, T0 + 2 * DAY) == []
    assert record.to_dict() == snapshot


def test_the_same_closure_told_again_under_another_id_is_ignored():
    record = opened()
    assert record.on_case_resolved(resolved(), POLICY, T0 + DAY) == []
    assert record.loop == 1


def test_a_second_different_closure_while_verifying_is_illegal():
    record = opened()
    with pytest.raises(IllegalTransition, match="C1 is VERIFYING; it cannot be resolved again"):
        record.on_case_resolved(resolved(closed_at=T0 + DAY), POLICY, T0 + DAY)


def test_nothing_changes_a_closed_record():
    record = fulfilled()
    assert record.tick(CLOSES_AT) and record.status == "CLOSED"
    attempts = [(lambda: record.on_case_resolved(resolved(closed_at=CLOSES_AT), POLICY, CLOSES_AT), "resolved"),
                (lambda: record.on_capa_report(finding(), CLOSES_AT), "CAPA report"),
                (lambda: record.on_action_evidence(evidence(), CLOSES_AT), "action evidence"),
                (lambda: record.verify_action(verdict(), CLOSES_AT), "verify an action"),
                (lambda: record.on_callback(callback(called_at=CLOSES_AT), CLOSES_AT), "callback")]
    for attempt, words in attempts:
        with pytest.raises(RecordClosed, match=words):
            attempt()


def test_reclosure_must_be_later_than_the_previous_one():
    record = opened()
    record.on_callback(callback("UNSATISFIED", reason="still no signal"), T0 + DAY)
    with pytest.raises(InvalidInput, match="not after the previous closure"):
        record.on_case_resolved(resolved(closed_at=T0), POLICY, T0 + DAY)


@pytest.mark.parametrize("report, problem", [
    (ResponsibilityFinding("", "cell_capacity", "YES"), "responsible unit"),
    (ResponsibilityFinding("ops", " ", "YES"), "root-cause class"),
    (ResponsibilityFinding("ops", "cell_capacity", "MAYBE"), "company_at_fault"),
])
def test_a_finding_needs_unit_class_and_fault(report, problem):
    with pytest.raises(InvalidFinding, match=problem):
        opened().on_capa_report(CapaReport("x", "C1", report), T0)


def test_finding_revised_is_marked_and_the_same_finding_again_is_silent():
    record = opened()
    record.on_capa_report(finding(), T0)
    assert record.on_capa_report(finding(), T0) == []
    revised = record.on_capa_report(finding(cause="transmission"), T0)
    assert revised == [ResponsibilityDetermined("C1", "gz-wireless-ops", "transmission", "YES", "qa-1", True)]
    assert record.root_cause_class == "transmission"


def test_capa_before_customer_closure_is_kept_and_counts_after_opening():
    record = VerificationRecord("C1")
    events = record.on_capa_report(planned(), T0 - DAY)
    assert [type(e) for e in events] == [ActionPlanned, CorrectiveActionDue]
    assert record.status == "AWAITING_RESOLUTION"
    assert record.closure_blockers(T0) == ["case not resolved (no customer closure yet)"]
    record.on_case_resolved(resolved(), POLICY, T0)
    assert "corrective action CA-1 not verified (no completion evidence)" in record.closure_blockers(T0)


@pytest.mark.parametrize("bad, problem", [
    (resolved(event_id="x", case_id="C9"), "input is for case 'C9'"),
    (replace(resolved(), event_id=""), "event_id"),
    (resolved(event_id="y", closed_at=datetime(2026, 3, 1)), "timezone-aware"),
])
def test_inputs_are_checked(bad, problem):
    with pytest.raises(InvalidInput, match=problem):
        VerificationRecord("C1").on_case_resolved(bad, POLICY, T0)


def test_every_refusal_is_a_domain_error():
    with pytest.raises(DomainError):
        opened().on_action_evidence(evidence(action_id="CA-404"), T0)


def test_record_round_trips_through_a_dict():
    record = fulfilled()
    record.on_new_case_observed(new_case("C3", customer="U1"), T0 + 3 * DAY)
    data = record.to_dict()
    assert VerificationRecord.from_dict(copy.deepcopy(data)) == record
    naive = {**data, "opened_at": data["opened_at"].replace(tzinfo=None), "_id": "C1"}
    assert VerificationRecord.from_dict(naive).opened_at == T0


def test_every_event_makes_a_json_friendly_audit_payload():
    record = fulfilled()
    entry_type, payload = audit_payload(record.tick(CLOSES_AT)[0])
    assert entry_type == "CaseClosed"
    assert payload == {"case_id": "C1", "loop": 1, "customer_closed_at": T0, "management_closed_at": CLOSES_AT}
    opened_type, opened_payload = audit_payload(VerificationRecord("C2").on_case_resolved(
        resolved("C2"), POLICY, T0)[0])
    assert opened_type == "VerificationOpened" and isinstance(opened_payload["blockers"], list)


def test_window_ends_exactly_thirty_days_after_customer_closure():
    assert opened().window_ends_at - T0 == timedelta(days=30)
