from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from services.escalation.domain.calendar import HOTLINE
from services.escalation.domain.deadlines import (BREACHED, CANCELLED, MET, OPEN, PAUSED, WARNED, Breached, Climbed,
                                                  Deadline, Warned, deadline_id_for)
from services.escalation.domain.errors import (DeadlineNotPausedError, DeadlineSpecError, DeadlineStoppedError,
                                               DomainError)

from escalation_testkit import local, utc

T0 = utc(2026, 11, 2, 1)
TICK = timedelta(microseconds=1)


def reply_clock(policy, kind="CASE_REPLY", allowed=timedelta(hours=10), calendar=HOTLINE, **extra) -> Deadline:
    return Deadline.start("C-1", kind, "C-1", T0, calendar, policy, allowed=allowed, region="guangzhou",
                          department="guangzhou-billing", **extra)


def test_ids_are_deterministic_and_differ_by_generation_kind_and_subject():
    first = deadline_id_for("C-1", "CASE_REPLY", "C-1", 0)
    assert first == deadline_id_for("C-1", "CASE_REPLY", "C-1", 0)
    assert len({first, deadline_id_for("C-1", "CASE_REPLY", "C-1", 1), deadline_id_for("C-1", "PROMISED_REPLY", "C-1"),
                deadline_id_for("C-1", "CASE_REPLY", "WO-1"), deadline_id_for("C-2", "CASE_REPLY", "C-1")}) == 5


def test_due_and_warning_from_allowed_time(policy):
    clock = reply_clock(policy)
    assert (clock.due_at, clock.warn_at, clock.state) == (T0 + timedelta(hours=10), T0 + timedelta(hours=8), OPEN)
    assert clock.next_fire_at() == clock.warn_at


def test_absolute_due_time_warns_at_the_fraction_of_the_wall_time(policy):
    clock = Deadline.start("C-1", "PROMISED_REPLY", "C-1", T0, HOTLINE, policy, due_at=T0 + timedelta(hours=5))
    assert clock.warn_at == T0 + timedelta(hours=4)


def test_absolute_due_time_already_past_is_due_at_once(policy):
    clock = Deadline.start("C-1", "CORRECTIVE_ACTION", "A-1", T0, HOTLINE, policy, due_at=T0 - timedelta(hours=1))
    assert clock.warn_at == clock.due_at
    assert [type(e) for e in clock.fire(T0, policy)] == [Breached, Climbed]


@pytest.mark.parametrize("extra, words", [
    ({}, "exactly one"),
    ({"allowed": timedelta(hours=1), "due_at": T0}, "exactly one"),
])
def test_start_needs_exactly_one_of_allowed_or_due(policy, extra, words):
    with pytest.raises(DeadlineSpecError, match=words):
        Deadline.start("C-1", "CASE_REPLY", "C-1", T0, HOTLINE, policy, **extra)


def test_start_refuses_unknown_kind_and_naive_times(policy):
    with pytest.raises(DeadlineSpecError, match="unknown deadline kind 'CASE_CLOSE'"):
        Deadline.start("C-1", "CASE_CLOSE", "C-1", T0, HOTLINE, policy, allowed=timedelta(hours=1))
    with pytest.raises(DeadlineSpecError, match="timezone-aware"):
        Deadline.start("C-1", "CASE_REPLY", "C-1", datetime(2026, 11, 2), HOTLINE, policy, allowed=timedelta(hours=1))
    assert issubclass(DeadlineSpecError, DomainError)


def test_warning_fires_exactly_at_the_fraction_and_once(policy):
    clock = reply_clock(policy)
    assert clock.fire(clock.warn_at - TICK, policy) == []
    fired = clock.fire(clock.warn_at, policy)
    assert [type(e) for e in fired] == [Warned] and clock.state == WARNED
    assert clock.fire(clock.warn_at, policy) == []
    assert clock.next_fire_at() == clock.due_at


def test_breach_fires_exactly_at_due_and_the_shift_leader_gets_it_at_once(policy):
    clock = reply_clock(policy)
    clock.fire(clock.warn_at, policy)
    assert clock.fire(clock.due_at - TICK, policy) == []
    fired = clock.fire(clock.due_at, policy)
    assert [type(e) for e in fired] == [Breached, Climbed]
    assert (fired[1].level, fired[1].role, fired[1].unit) == (1, "shift_leader", "guangzhou shift leader (值班长)")
    assert (clock.state, clock.breached_at, clock.ladder_level) == (BREACHED, clock.due_at, 1)
    assert clock.fire(clock.due_at, policy) == []


def test_ladder_climbs_at_each_levels_own_limit(policy):
    clock = reply_clock(policy)
    due = clock.due_at
    clock.fire(due, policy)
    assert clock.next_fire_at() == due + timedelta(hours=2)
    assert clock.fire(due + timedelta(hours=2) - TICK, policy) == []
    level2 = clock.fire(due + timedelta(hours=2), policy)
    assert [(e.level, e.unit) for e in level2] == [(2, "guangzhou-billing head")]
    assert clock.fire(due + timedelta(hours=6) - TICK, policy) == []
    assert [e.level for e in clock.fire(due + timedelta(hours=6), policy)] == [3]
    assert [e.unit for e in clock.fire(due + timedelta(hours=14), policy)] == ["headquarters complaint office"]
    assert clock.next_fire_at() is None
    assert clock.fire(due + timedelta(days=30), policy) == []


def test_a_late_timer_fires_everything_due_in_order_without_a_stale_warning(policy):
    clock = reply_clock(policy)
    fired = clock.fire(clock.due_at + timedelta(hours=6), policy)
    assert [type(e).__name__ for e in fired] == ["Breached", "Climbed", "Climbed", "Climbed"]
    assert [e.level for e in fired[1:]] == [1, 2, 3]


def test_missed_explanation_goes_to_the_shift_leader_and_no_further(policy):
    clock = Deadline.start("C-1", "EXPLANATION", "R-1", T0, HOTLINE, policy, due_at=T0 + timedelta(minutes=30),
                           region="shenzhen", owner="agent-7")
    fired = clock.fire(T0 + timedelta(minutes=30), policy)
    assert [(type(e).__name__, getattr(e, "unit", "")) for e in fired] == [
        ("Breached", ""), ("Climbed", "shenzhen shift leader (值班长)")]
    assert clock.next_fire_at() is None
    assert clock.fire(T0 + timedelta(days=2), policy) == []


def test_stop_meets_or_cancels_once(policy):
    clock = reply_clock(policy)
    assert clock.stop(True, T0 + timedelta(hours=10)) is True
    assert (clock.state, clock.late) == (MET, False)  # exactly at due is in time
    assert clock.stop(False, T0 + timedelta(hours=11)) is False
    assert clock.state == MET and clock.next_fire_at() is None
    cancelled = reply_clock(policy)
    cancelled.stop(False, T0)
    assert cancelled.state == CANCELLED and cancelled.fire(T0 + timedelta(days=3), policy) == []


def test_met_after_the_breach_is_late(policy):
    clock = reply_clock(policy)
    clock.fire(clock.due_at, policy)
    clock.stop(True, clock.due_at + TICK)
    assert (clock.state, clock.late, clock.next_fire_at()) == (MET, True, None)


def test_pause_and_resume_on_the_hotline_shift_the_due_time_by_the_pause(policy):
    clock = reply_clock(policy)
    clock.pause(T0 + timedelta(hours=1))
    assert clock.state == PAUSED and clock.next_fire_at() is None
    assert clock.fire(T0 + timedelta(days=5), policy) == []
    clock.resume(T0 + timedelta(hours=4), HOTLINE)
    assert (clock.state, clock.due_at, clock.warn_at) == (OPEN, T0 + timedelta(hours=13), T0 + timedelta(hours=11))


def test_pause_spanning_a_night_shifts_by_working_time_only(policy):
    office = policy.calendars["office_hours"]
    clock = Deadline.start("C-1", "WORK_ORDER_REPLY", "WO-1", local(2026, 11, 2, 10), office, policy,
                           allowed=timedelta(hours=9), department="province-porting-desk")
    assert (clock.due_at, clock.warn_at) == (local(2026, 11, 3, 10), local(2026, 11, 2, 17, 12))
    clock.pause(local(2026, 11, 2, 17))           # 2 working hours left: 17-18 today, 09-10 tomorrow
    clock.resume(local(2026, 11, 3, 10), office)  # the night does not count, the paused hours do
    assert (clock.due_at, clock.warn_at, clock.state) == (local(2026, 11, 3, 12), local(2026, 11, 3, 10, 12), OPEN)


def test_resume_after_the_warning_passed_stays_warned(policy):
    office = policy.calendars["office_hours"]
    clock = Deadline.start("C-1", "WORK_ORDER_REPLY", "WO-1", local(2026, 11, 2, 10), office, policy,
                           allowed=timedelta(hours=9))
    clock.fire(local(2026, 11, 2, 17, 12), policy)
    clock.pause(local(2026, 11, 2, 17, 30))
    clock.resume(local(2026, 11, 3, 9), office)
    assert (clock.state, clock.due_at) == (WARNED, local(2026, 11, 3, 10, 30))


@pytest.mark.parametrize("state", [BREACHED, MET, CANCELLED, PAUSED])
def test_only_running_clocks_pause(policy, state):
    clock = reply_clock(policy)
    clock.state = state
    with pytest.raises(DeadlineStoppedError, match=f"is {state}"):
        clock.pause(T0)


def test_an_overdue_clock_cannot_pause(policy):
    clock = reply_clock(policy)
    with pytest.raises(DeadlineStoppedError, match="overdue"):
        clock.pause(clock.due_at)


def test_resume_needs_a_paused_clock(policy):
    with pytest.raises(DeadlineNotPausedError, match="OPEN, not paused"):
        reply_clock(policy).resume(T0, HOTLINE)


def test_round_trip_through_a_dict_and_naive_store_times(policy):
    clock = reply_clock(policy, owner="agent-1")
    clock.fire(clock.due_at, policy)
    data = clock.to_dict()
    assert Deadline.from_dict(data) == clock
    naive = {**data, "due_at": data["due_at"].replace(tzinfo=None), "stray": 1}
    assert Deadline.from_dict(naive).due_at == clock.due_at
