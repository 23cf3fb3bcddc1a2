"""Property: redelivering any input (at-least-once) never changes the record or emits anything."""

import copy

from hypothesis import given, settings, strategies as st

from services.verification.domain.errors import DomainError
from services.verification.domain.record import VerificationRecord
from verification_builders import DAY, POLICY, T0, callback, evidence, finding, new_case, planned, resolved, verdict


def inputs():
    return [
        ("resolved", resolved()), ("resolved2", resolved(closed_at=T0 + 3 * DAY)), ("finding", finding()),
        ("plan", planned()), ("evidence", evidence()), ("verdict", verdict()),
        ("reject", verdict(accepted=False, reason="blurry")), ("satisfied", callback()),
        ("unreachable", callback("UNREACHABLE")), ("unsatisfied", callback("UNSATISFIED", reason="no")),
        ("recurrence", new_case("C2", T0 + DAY)), ("other", new_case("C3", T0 + DAY, customer="U3", cell="Z")),
    ]


def apply(record: VerificationRecord, name: str, item, now):
    method = {"resolved": lambda: record.on_case_resolved(item, POLICY, now),
              "resolved2": lambda: record.on_case_resolved(item, POLICY, now),
              "finding": lambda: record.on_capa_report(item, now), "plan": lambda: record.on_capa_report(item, now),
              "evidence": lambda: record.on_action_evidence(item, now),
              "verdict": lambda: record.verify_action(item, now), "reject": lambda: record.verify_action(item, now),
              "satisfied": lambda: record.on_callback(item, now), "unreachable": lambda: record.on_callback(item, now),
              "unsatisfied": lambda: record.on_callback(item, now),
              "recurrence": lambda: record.on_new_case_observed(item, now),
              "other": lambda: record.on_new_case_observed(item, now)}[name]
    try:
        return method()
    except DomainError:
        return None


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 11), min_size=1, max_size=14), st.integers(0, 40))
def test_redelivery_changes_nothing(order, tick_days):
    available = inputs()
    record = VerificationRecord("C1")
    applied = []
    for index in order:
        name, item = available[index]
        now = T0 + DAY
        if apply(record, name, item, now) is not None:
            applied.append((name, item))
    record.tick(T0 + tick_days * DAY)
    snapshot = copy.deepcopy(record.to_dict())
    for name, item in applied:
        assert apply(record, name, item, T0 + 50 * DAY) == []
    assert record.to_dict() == snapshot
    # and the state survives storage
    assert VerificationRecord.from_dict(copy.deepcopy(snapshot)).to_dict() == snapshot
