"""The in-memory timetable: what is due, in order, within the replica's share of the cases."""

from __future__ import annotations

from datetime import timedelta

from escalation_testkit import utc

from services.escalation.domain.calendar import HOTLINE
from services.escalation.domain.deadlines import Deadline
from services.escalation.domain.schedule import Entry, Timetable

START = utc(2026, 3, 2, 8, 0)


def clock(policy, case_id: str, due_in_minutes: float, subject: str = "WO-1") -> Deadline:
    return Deadline.start(case_id, "WORK_ORDER_REPLY", subject, START, HOTLINE, policy,
                          due_at=START + timedelta(minutes=due_in_minutes))


def entry(deadline: Deadline, partition: int = 0, version: int = 0, fired: int = 0) -> Entry:
    return Entry(deadline, version, fired, partition)


def ids(entries) -> list[str]:
    return [e.deadline.case_id for e in entries]


def test_due_clocks_come_out_earliest_first_and_only_when_due(policy):
    table = Timetable()
    table.reassign({0})
    clocks = [clock(policy, case_id, minutes) for case_id, minutes in (("C-3", 30), ("C-1", 10), ("C-2", 20))]
    for deadline in clocks:
        table.put(entry(deadline))
    assert table.next_due_at() == min(deadline.warn_at for deadline in clocks)
    assert table.due(START, 10) == []
    assert ids(table.due(START + timedelta(minutes=30), 10)) == ["C-1", "C-2", "C-3"]


def test_the_limit_leaves_the_rest_for_the_next_tick(policy):
    table = Timetable()
    table.reassign({0})
    for n in range(5):
        table.put(entry(clock(policy, f"C-{n}", 10 + n)))
    later = START + timedelta(hours=1)
    assert ids(table.due(later, 2)) == ["C-0", "C-1"]
    assert ids(table.due(later, 10)) == ["C-2", "C-3", "C-4"]


def test_a_taken_clock_is_not_handed_out_again_until_put_back(policy):
    table = Timetable()
    table.reassign({0})
    deadline = clock(policy, "C-1", 10)
    table.put(entry(deadline))
    later = START + timedelta(hours=1)
    taken = table.due(later, 10)
    assert ids(taken) == ["C-1"]
    assert table.due(later, 10) == []
    table.put(taken[0])  # a failed tick puts it back unchanged
    assert ids(table.due(later, 10)) == ["C-1"]


def test_putting_a_clock_again_replaces_its_slot(policy):
    table = Timetable()
    table.reassign({0})
    deadline = clock(policy, "C-1", 10)
    table.put(entry(deadline))
    moved = clock(policy, "C-1", 600)
    table.put(entry(moved, version=1))
    assert table.due(START + timedelta(minutes=20), 10) == []
    assert len(table) == 1
    assert table.get(moved.deadline_id).version == 1


def test_a_stopped_clock_is_forgotten(policy):
    table = Timetable()
    table.reassign({0})
    deadline = clock(policy, "C-1", 10)
    table.put(entry(deadline))
    deadline.stop(True, START + timedelta(minutes=1))
    table.put(entry(deadline, version=1))
    assert len(table) == 0
    assert table.due(START + timedelta(hours=1), 10) == []
    assert table.next_due_at() is None


def test_suspended_partitions_fire_nothing_until_confirmed(policy):
    table = Timetable()
    table.reassign({0, 1})
    table.put(entry(clock(policy, "C-0", 10), partition=0))
    table.put(entry(clock(policy, "C-1", 10), partition=1))
    table.suspend({1})
    later = START + timedelta(hours=1)
    assert ids(table.due(later, 10)) == ["C-0"]
    assert table.reassign({1}) == set()  # still ours: nothing to load, and it fires again
    assert ids(table.due(later, 10)) == ["C-1"]


def test_reassignment_drops_clocks_of_partitions_no_longer_held(policy):
    table = Timetable()
    assert table.reassign({0, 1}) == {0, 1}
    table.put(entry(clock(policy, "C-0", 10), partition=0))
    table.put(entry(clock(policy, "C-1", 10), partition=1))
    table.put(entry(clock(policy, "C-9", 10), partition=5))  # started here for a case held elsewhere
    assert table.reassign({1, 2}) == {2}
    assert table.partitions == {1, 2}
    assert ids(table.due(START + timedelta(hours=1), 10)) == ["C-1"]
