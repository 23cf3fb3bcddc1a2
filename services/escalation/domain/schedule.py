"""The in-memory timetable of the clocks one replica fires.

Which clock fires next is a heap lookup, not a database query, so breaches fire
on time however many clocks are open. The database stays the durable copy: the
timetable is rebuilt from it whenever the replica is given a share of the cases
(start-up and every rebalance), and every firing is stored before it is
published.

A case belongs to one partition of the case topics; the replica consuming that
partition fires the case's clocks, so two replicas never race for the same clock
in normal operation (a compare-and-set in storage settles the rare overlap).
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from .deadlines import Deadline


@dataclass
class Entry:
    """A clock as last stored: ``version`` of its document and ``fired`` firings applied since."""

    deadline: Deadline
    version: int
    fired: int
    partition: int


class Timetable:
    def __init__(self) -> None:
        self._entries: dict[str, Entry] = {}
        self._heap: list[tuple[datetime, int, str]] = []
        self._stamp: dict[str, int] = {}
        self._counter = itertools.count()
        self._held: set[int] = set()
        self._suspended: set[int] = set()

    # what the replica holds -----------------------------------------------------
    @property
    def partitions(self) -> set[int]:
        return set(self._held)

    def suspend(self, partitions: Iterable[int]) -> None:
        """A rebalance is under way: fire nothing of these until they are confirmed ours."""
        self._suspended |= set(partitions)

    def reassign(self, partitions: Iterable[int]) -> set[int]:
        """Keep the clocks of partitions still ours, drop the rest (including clocks this replica
        started for cases it does not hold: their owner loads them); returns the partitions to load."""
        now_held = set(partitions)
        for deadline_id in [key for key, entry in self._entries.items() if entry.partition not in now_held]:
            self.forget(deadline_id)
        added = now_held - self._held
        self._held = now_held
        self._suspended.clear()
        return added

    # clocks ---------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._entries)

    def get(self, deadline_id: str) -> Entry | None:
        return self._entries.get(deadline_id)

    def put(self, entry: Entry) -> None:
        """Track a clock as stored; a clock that will never fire again is forgotten."""
        deadline_id = entry.deadline.deadline_id
        fire_at = entry.deadline.next_fire_at()
        if fire_at is None:
            self.forget(deadline_id)
            return
        stamp = next(self._counter)
        self._entries[deadline_id] = entry
        self._stamp[deadline_id] = stamp
        heapq.heappush(self._heap, (fire_at, stamp, deadline_id))

    def forget(self, deadline_id: str) -> None:
        self._entries.pop(deadline_id, None)
        self._stamp.pop(deadline_id, None)  # its heap item is now stale and skipped

    def next_due_at(self) -> datetime | None:
        self._drop_stale()
        return self._heap[0][0] if self._heap else None

    def due(self, now: datetime, limit: int) -> list[Entry]:
        """Up to ``limit`` clocks due at ``now``, earliest first; they stay tracked until put back."""
        found: list[Entry] = []
        skipped: list[tuple[datetime, int, str]] = []
        while self._heap and len(found) < limit:
            fire_at, stamp, deadline_id = self._heap[0]
            if fire_at > now:
                break
            heapq.heappop(self._heap)
            if self._stamp.get(deadline_id) != stamp:
                continue
            entry = self._entries[deadline_id]
            if entry.partition in self._suspended:
                skipped.append((fire_at, stamp, deadline_id))
                continue
            found.append(entry)
            del self._stamp[deadline_id]  # until it is put back after firing
        for item in skipped:
            heapq.heappush(self._heap, item)
        return found

    def _drop_stale(self) -> None:
        while self._heap and self._stamp.get(self._heap[0][2]) != self._heap[0][1]:
            heapq.heappop(self._heap)
