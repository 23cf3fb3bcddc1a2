from datetime import timedelta

import pytest

from services.verification.domain.errors import ActionConflict, EvidenceMissing, InvalidInput, UnknownAction
from services.verification.domain.events import (ActionCompleted, ActionEvidenceRejected, ActionPlanned,
                                                 ActionVerified, CorrectiveActionDue)
from verification_builders import DAY, T0, evidence, opened, planned, verdict


def test_planning_with_a_due_date_asks_escalation_for_a_deadline():
    record = opened()
    events = record.on_capa_report(planned(due_at=T0 + 7 * DAY), T0)
    assert events == [ActionPlanned("C1", "CA-1", "CORRECTIVE", "ops-1", T0 + 7 * DAY, "expand cell"),
                      CorrectiveActionDue("C1", "CA-1", "CORRECTIVE", "ops-1", T0 + 7 * DAY)]
    assert record.actions["CA-1"].state == "PLANNED"


def test_preventive_actions_get_deadlines_too_and_no_date_means_no_deadline():
    record = opened()
    assert [type(e) for e in record.on_capa_report(planned(action_id="PA-1", kind="PREVENTIVE"), T0)] == [
        ActionPlanned, CorrectiveActionDue]
    assert [type(e) for e in record.on_capa_report(planned(action_id="CA-2", due_at=None), T0)] == [ActionPlanned]


def test_replanning_a_new_due_date_moves_the_deadline_and_the_same_plan_is_silent():
    record = opened()
    record.on_capa_report(planned(), T0)
    assert record.on_capa_report(planned(), T0) == []
    moved = record.on_capa_report(planned(due_at=T0 + 9 * DAY), T0)
    assert moved[-1] == CorrectiveActionDue("C1", "CA-1", "CORRECTIVE", "ops-1", T0 + 9 * DAY)


def test_done_needs_evidence_and_verified_needs_done():
    record = opened()
    record.on_capa_report(planned(), T0)
    with pytest.raises(EvidenceMissing, match="CA-1: cannot be judged before completion evidence"):
        record.verify_action(verdict(), T0)
    with pytest.raises(EvidenceMissing, match="completion needs evidence"):
        record.on_action_evidence(evidence(text="  "), T0)
    done = record.on_action_evidence(evidence(), T0)
    assert done == [ActionCompleted("C1", "CA-1", "ticket NET-1 closed", "ops-1", T0 + DAY)]
    assert record.actions["CA-1"].state == "DONE"
    assert record.verify_action(verdict(), T0 + DAY) == [ActionVerified("C1", "CA-1", "verifier-1", T0 + DAY)]
    assert record.actions["CA-1"].state == "VERIFIED"


def test_rejected_evidence_sends_the_action_back_with_the_reason():
    record = opened()
    record.on_capa_report(planned(), T0)
    record.on_action_evidence(evidence(), T0)
    with pytest.raises(InvalidInput, match="rejection needs a reason"):
        record.verify_action(verdict(accepted=False), T0)
    rejected = record.verify_action(verdict(accepted=False, reason="photo unreadable"), T0)
    assert rejected == [ActionEvidenceRejected("C1", "CA-1", "photo unreadable", "verifier-1")]
    assert record.actions["CA-1"].state == "PLANNED" and record.actions["CA-1"].evidence == ""


def test_a_verified_action_is_final():
    record = opened()
    record.on_capa_report(planned(), T0)
    record.on_action_evidence(evidence(), T0)
    record.verify_action(verdict(), T0)
    assert record.verify_action(verdict(), T0 + DAY) == []   # accepted twice: nothing new
    with pytest.raises(ActionConflict, match="already verified; it cannot be rejected"):
        record.verify_action(verdict(accepted=False, reason="changed my mind"), T0)
    with pytest.raises(ActionConflict, match="its evidence cannot change"):
        record.on_action_evidence(evidence(text="other"), T0)
    with pytest.raises(ActionConflict, match="cannot be re-planned"):
        record.on_capa_report(planned(due_at=T0 + 20 * DAY), T0)


def test_an_action_id_keeps_its_kind():
    record = opened()
    record.on_capa_report(planned(), T0)
    with pytest.raises(ActionConflict, match="CA-1 is CORRECTIVE"):
        record.on_capa_report(planned(kind="PREVENTIVE"), T0)


@pytest.mark.parametrize("changes, problem", [
    ({"kind": "FIX"}, "kind must be one of"),
    ({"owner": ""}, "needs an id and an owner"),
    ({"action_id": " "}, "needs an id and an owner"),
    ({"due_at": (T0 + DAY).replace(tzinfo=None)}, "timezone-aware"),
])
def test_bad_plans_are_refused(changes, problem):
    with pytest.raises(InvalidInput, match=problem):
        opened().on_capa_report(planned(**changes), T0)


def test_unknown_action_is_named():
    with pytest.raises(UnknownAction, match="no action 'CA-9' on case C1"):
        opened().verify_action(verdict(action_id="CA-9"), T0)


def test_a_refused_input_is_not_marked_applied():
    record = opened()
    bad = verdict(action_id="CA-1")
    with pytest.raises(UnknownAction):
        record.verify_action(bad, T0)
    record.on_capa_report(planned(), T0)
    record.on_action_evidence(evidence(), T0)
    assert record.verify_action(bad, T0 + timedelta(hours=1))  # the redelivery now succeeds
