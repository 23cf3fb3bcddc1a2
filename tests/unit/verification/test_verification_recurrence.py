from datetime import timedelta

from services.verification.domain.events import CaseReopened, RecurrenceDetected
from services.verification.domain.recurrence import fault_signature, in_window
from services.verification.domain.record import VerificationRecord
from verification_builders import CLOSES_AT, DAY, POLICY, T0, WINDOW_END, fulfilled, new_case, opened, resolved

US = timedelta(microseconds=1)


def test_same_customer_same_category_inside_the_window_reopens():
    record = opened()
    events = record.on_new_case_observed(new_case("C2", T0 + DAY, cell="OTHER"), T0 + DAY)
    assert events == [RecurrenceDetected("C1", "C2", "same_customer_category", T0 + DAY),
                      CaseReopened("C1", "RECURRENCE", "recurrence: case C2 (same_customer_category)", "agent-1", 1,
                                   T0 + DAY)]
    assert record.status == "REOPENED"


def test_same_fault_signature_from_another_customer_reopens():
    record = opened()
    events = record.on_new_case_observed(new_case("C2", T0 + DAY, customer="U2"), T0 + DAY)
    assert events[0].matched_by == "fault_signature"


def test_window_edges_exactly():
    cases = {T0 - US: False, T0: True, WINDOW_END - US: True, WINDOW_END: False}
    for registered_at, recurs in cases.items():
        record = opened()
        events = record.on_new_case_observed(new_case("C2", registered_at), registered_at)
        assert bool(events) is recurs, registered_at
        assert (record.status == "REOPENED") is recurs


def test_in_window_is_half_open():
    assert in_window(T0, DAY, T0) and in_window(T0, DAY, T0 + DAY - US)
    assert not in_window(T0, DAY, T0 + DAY) and not in_window(T0, DAY, T0 - US)


def test_no_match_on_other_customer_other_cell_or_other_category():
    record = opened()
    assert record.on_new_case_observed(new_case("C2", customer="U2", cell="CELL-8"), T0) == []
    assert record.on_new_case_observed(new_case("C3", category="billing_dispute", customer="U2"), T0) == []
    assert record.on_new_case_observed(new_case("C4", region="SZ", customer="U2"), T0) == []
    assert record.status == "VERIFYING"


def test_a_case_does_not_recur_with_itself():
    record = opened()
    assert record.on_new_case_observed(new_case("C1", T0 + DAY), T0 + DAY) == []
    assert record.status == "VERIFYING"


def test_no_signature_without_the_listed_attributes():
    assert fault_signature("GZ", "network_signal", {}, ("cell_id",)) == ""
    assert fault_signature("GZ", "network_signal", {"cell_id": "X"}, ()) == ""
    assert fault_signature("", "network_signal", {"cell_id": "X"}, ("cell_id",)) == ""
    record = opened(cell="")
    assert record.signature == ""
    assert record.on_new_case_observed(new_case("C2", customer="U2", cell=""), T0) == []


def test_service_attitude_matches_by_customer_only():
    record = opened(category="service_attitude")
    assert record.on_new_case_observed(new_case("C2", customer="U2", category="service_attitude"), T0) == []
    assert record.on_new_case_observed(new_case("C3", category="service_attitude"), T0)


def test_reopened_record_watches_again_only_after_its_next_closure():
    record = opened()
    record.on_new_case_observed(new_case("C2", T0 + DAY), T0 + DAY)
    assert record.on_new_case_observed(new_case("C3", T0 + 2 * DAY), T0 + 2 * DAY) == []   # not watching
    second = T0 + 5 * DAY
    record.on_case_resolved(resolved(closed_at=second), POLICY, second)
    assert record.window_ends_at == second + timedelta(days=30)
    # registered between the reopen and the next closure: not a recurrence of the new loop
    assert record.on_new_case_observed(new_case("C4", second - US), second) == []
    events = record.on_new_case_observed(new_case("C5", second + DAY), second + DAY)
    assert events[0].new_case_id == "C5" and events[-1].loop == 2


def test_the_same_new_case_is_counted_once():
    record = opened()
    record.on_new_case_observed(new_case("C2", T0 + DAY), T0 + DAY)
    record.on_case_resolved(resolved(closed_at=T0 + 2 * DAY), POLICY, T0 + 2 * DAY)
    assert record.on_new_case_observed(new_case("C2", T0 + 3 * DAY), T0 + 3 * DAY) == []


def test_a_case_seen_before_the_closure_event_is_checked_at_opening():
    record = VerificationRecord("C1")
    events = record.on_case_resolved(resolved(), POLICY, T0 + DAY, later_cases=[new_case("C2", T0 + DAY)])
    assert [type(e).__name__ for e in events] == ["VerificationOpened", "RecurrenceDetected", "CaseReopened"]


def test_late_recurrence_after_management_closure_is_recorded_not_reopened():
    record = fulfilled()
    record.tick(CLOSES_AT)
    events = record.on_new_case_observed(new_case("C2", WINDOW_END - US), CLOSES_AT + DAY)
    assert events == [RecurrenceDetected("C1", "C2", "same_customer_category", WINDOW_END - US, late=True)]
    assert record.status == "CLOSED"
    assert record.on_new_case_observed(new_case("C3", WINDOW_END), CLOSES_AT + DAY) == []
