"""An event that overtakes its case's registration (the case topics share no order) is kept and
applied when the registration arrives, so no clock is lost (no database: batches played by hand)."""

from __future__ import annotations

from test_escalation_clock_pause import T0, Harness, dispatched, registered

from complaints.v1 import case_events_pb2

ALL_THREE = ["DEADLINE_KIND_CASE_REPLY", "DEADLINE_KIND_WORK_ORDER_ACCEPT", "DEADLINE_KIND_WORK_ORDER_REPLY"]


def clocks_set(messages) -> list[str]:
    return sorted(case_events_pb2.DeadlineKind.Name(m.kind) for m in messages
                  if isinstance(m, case_events_pb2.DeadlineSet))


def test_a_dispatch_before_the_registration_starts_its_clocks_when_the_case_arrives(policy):
    harness = Harness(policy)
    assert harness.send(dispatched(), T0) == []  # nothing to supervise yet
    parked = list(harness.handler.to_park)
    assert [e.work_order_dispatched.work_order_id for e in parked] == [dispatched().work_order_id]
    harness.commit()
    harness.handler.parked = {parked[0].case_id: parked}  # what the next batch's load finds in storage
    assert clocks_set(harness.send(registered(), T0)) == ALL_THREE
    assert harness.handler.unparked == [parked[0].event_id]  # deleted with that batch
    assert harness.handler.parked == {}


def test_within_one_batch_the_early_event_is_applied_and_never_stored(policy):
    harness = Harness(policy)
    harness.send(dispatched(), T0)
    assert clocks_set(harness.send(registered(), T0)) == ALL_THREE
    parked = {e.event_id for e in harness.handler.to_park}
    assert parked and parked <= set(harness.handler.unparked)


def test_a_registration_without_early_events_sets_only_the_case_clock(policy):
    harness = Harness(policy)
    assert clocks_set(harness.send(registered(), T0)) == ["DEADLINE_KIND_CASE_REPLY"]
    assert harness.handler.unparked == []
