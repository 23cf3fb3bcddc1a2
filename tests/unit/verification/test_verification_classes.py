from dataclasses import replace
from datetime import timedelta

import pytest

from services.verification.domain.classes import (ClassRecurrenceRate, apply_class_actions, apply_class_evidence,
                                                  apply_class_verdict, inherit_class_actions, recurrence_rates)
from services.verification.domain.errors import InvalidInput
from services.verification.domain.events import ActionPlanned
from services.verification.domain.inputs import ActionEvidence, ActionVerdict, CapaReport, PlannedAction
from verification_builders import CLOSES_AT, DAY, T0, finding, fulfilled, new_case, opened

CLASS_FIX = CapaReport("class-1", "", actions=(PlannedAction("CLS-1", "CORRECTIVE", "network-planning",
                                                             T0 + 10 * DAY, "add carrier"),),
                       root_cause_class="cell_capacity", reported_by="qa-1")


def records_of_class():
    a, b, c = opened("A", customer="UA"), opened("B", customer="UB"), opened("C", customer="UC")
    a.on_capa_report(finding("A"), T0)
    b.on_capa_report(finding("B"), T0)
    c.on_capa_report(finding("C", cause="billing_rule"), T0)
    return a, b, c


def test_one_action_covers_every_open_record_of_the_class():
    a, b, c = records_of_class()
    events = apply_class_actions([c, b, a], CLASS_FIX, T0)
    assert list(events) == ["A", "B"]
    assert events["A"][0] == ActionPlanned("A", "CLS-1", "CORRECTIVE", "network-planning", T0 + 10 * DAY,
                                           "add carrier", "cell_capacity")
    assert "CLS-1" in a.actions and "CLS-1" in b.actions and "CLS-1" not in c.actions
    assert apply_class_actions([a, b, c], CLASS_FIX, T0) == {"A": [], "B": []}   # redelivery


def test_closed_records_are_not_members():
    closed = fulfilled("D")
    closed.tick(CLOSES_AT)
    assert apply_class_actions([closed], CLASS_FIX, CLOSES_AT) == {}


def test_class_evidence_and_verdict_reach_every_carrier():
    a, b, c = records_of_class()
    apply_class_actions([a, b, c], CLASS_FIX, T0)
    done = apply_class_evidence([a, b, c], "cell_capacity",
                                ActionEvidence("e-1", "", "CLS-1", "carrier live", "np-1", T0 + DAY), T0 + DAY)
    assert sorted(done) == ["A", "B"] and a.actions["CLS-1"].state == "DONE"
    apply_class_verdict([a, b, c], "cell_capacity", ActionVerdict("v-1", "", "CLS-1", True, "qa-2"), T0 + DAY)
    assert a.actions["CLS-1"].state == b.actions["CLS-1"].state == "VERIFIED"


def test_a_class_report_must_name_the_class_and_no_case():
    with pytest.raises(InvalidInput, match="names a root_cause_class and no case_id"):
        apply_class_actions([], replace(CLASS_FIX, case_id="A"), T0)
    with pytest.raises(InvalidInput, match="made per case"):
        apply_class_actions([], replace(CLASS_FIX, finding=finding().finding), T0)


def test_a_record_joining_the_class_later_inherits_its_actions():
    a, _, _ = records_of_class()
    apply_class_actions([a], CLASS_FIX, T0)
    late = opened("E", customer="UE")
    late.on_capa_report(finding("E"), T0)
    events = inherit_class_actions(late, a.actions.values(), "inherit-E-1")
    assert [e.action_id for e in events] == ["CLS-1"] and late.actions["CLS-1"].class_level == "cell_capacity"
    assert inherit_class_actions(late, a.actions.values(), "inherit-E-1") == []


def test_recurrence_rate_per_class_over_a_period():
    a, b, c = records_of_class()
    a.on_new_case_observed(new_case("X1", T0 + DAY, customer="UA"), T0 + DAY)
    rates = recurrence_rates([a, b, c], T0, T0 + DAY)
    assert rates == [ClassRecurrenceRate("billing_rule", 1, 0, 0.0), ClassRecurrenceRate("cell_capacity", 2, 1, 0.5)]
    assert recurrence_rates([a, b, c], T0 + timedelta(microseconds=1), T0 + DAY) == []   # closures at T0 only


def test_recurrence_rate_needs_a_real_period():
    with pytest.raises(InvalidInput, match="is empty"):
        recurrence_rates([], T0, T0)
