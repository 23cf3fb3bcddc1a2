"""The timer that fires due deadlines: on time, and once, even with several replicas running.

The clocks of the cases this replica consumes are held in an in-memory timetable
(loaded from their cases' documents at every rebalance, kept up to date by the handler), so
finding what is due costs nothing. Each tick fires what is due and stores the
firings (inserts with ids unique per clock, version and step), the cases they
move and their timeline in one transaction; only then are the events
published. If another replica stored any of those firings first, the tick rolls
back and the clocks are reloaded from storage.

Each tick also stores one relay entry naming its firings, removed once the
broker has acknowledged them; a replica given partitions re-publishes what any
leftover entry names (consumers dedupe by id), so a crash between storing and
publishing loses nothing.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from complaints.v1 import case_events_pb2
from complaint_platform.envelope import event_id_for, wrap
from complaint_platform.handling import Outgoing
from complaint_platform.kafka_clients import partition_for
from complaint_platform.mongo import ConcurrentUpdate, UnitOfWork, event_from_store, stored_event
from complaint_platform.streaming import outgoing
from complaint_platform.topics import CASES_INTAKE, CASES_SUPERVISION

from . import outcomes, store
from .domain.deadlines import Deadline
from .domain.policy import EscalationPolicy
from .domain.schedule import Entry, Timetable

log = logging.getLogger(__name__)
BATCH = 2000  # firings stored per transaction at most


@dataclass
class _Stored:
    """A tick's events, committed but not yet acknowledged by the broker."""

    relay_id: str
    outputs: list[Outgoing]


class DeadlineFiring:
    topic = CASES_INTAKE  # its partition numbers define which cases' clocks are ours

    def __init__(self, database: Any, policy: EscalationPolicy, meter=None) -> None:
        self._database = database
        self._policy = policy
        self.timetable = Timetable()
        self._partition_count = 0
        self._unacknowledged: list[_Stored] = []
        self.release = lambda case_ids: None  # the handler reads the cases a firing changed again
        self._outcome_unknown = False  # a tick failed: it may be stored though, and unpublished
        self._breaches = meter.create_counter("complaints_deadline_breaches", description="deadlines breached, by kind") if meter else None
        self._escalations = meter.create_counter("complaints_escalations", description="case escalations, by level") if meter else None

    # the replica's share of the cases (on the handler thread) ---------------------------
    def revoked(self, partitions: set[int]) -> None:
        self.timetable.suspend(partitions)

    def assigned(self, partitions: set[int], partition_count: int) -> None:
        # Read first, change the timetable after: if storage fails, the timetable stays as it was
        # (the new partitions not held) and the retry loads them again.
        fresh = partition_count != self._partition_count  # a case's partition depends on the count
        added = sorted(set(partitions) - (set() if fresh else self.timetable.partitions))
        live, unpublished = {}, []
        if added:
            live = store.live_clocks(self._database)
            unpublished = store.unpublished_firings(self._database)
        if fresh:
            self.timetable.reassign(())  # start afresh
            self._partition_count = partition_count
        self.timetable.reassign(partitions)
        if not added:
            return
        loaded = 0
        for deadline, version, fired in live.values():
            partition = self.partition_of(deadline.case_id)
            if partition in added:
                self.timetable.put(Entry(deadline, version, fired, partition))
                loaded += 1
        relay = self._take_unpublished(unpublished)
        log.info("holding clocks of partitions %s: %d loaded, %d ticks to re-publish", added, loaded, relay)

    def _take_unpublished(self, unpublished: list[tuple[str, list[dict]]]) -> int:
        """Stored ticks whose events the broker may not have: published with the next tick's."""
        waiting = {stored.relay_id for stored in self._unacknowledged}
        relay = [(relay_id, outputs) for relay_id, outputs in unpublished if relay_id not in waiting]
        self._unacknowledged.extend(_Stored(relay_id, [event_from_store(item) for item in outputs])
                                    for relay_id, outputs in relay)
        return len(relay)

    def partition_of(self, case_id: str) -> int:
        return partition_for(case_id, self._partition_count) if self._partition_count else -1

    # the handler's changes --------------------------------------------------------------
    def track(self, deadline: Deadline, version: int) -> None:
        """A clock as the handler just stored it (version 0 when new)."""
        self.timetable.put(Entry(deadline, version, 0, self.partition_of(deadline.case_id)))

    # the tick ---------------------------------------------------------------------------------
    def fire_due_deadlines(self, now: datetime) -> list[Outgoing]:
        if self._outcome_unknown:
            # A tick's commit failed on the connection: the database may have stored it all the
            # same (seen here when it was killed during the commit), and then no one publishes
            # its events. Stored ticks not yet acknowledged are published with this one.
            self._take_unpublished(store.unpublished_firings(self._database))
            self._outcome_unknown = False
        entries = self.timetable.due(now, BATCH)
        if entries:
            try:
                self._fire(entries, now)
            except ConcurrentUpdate:
                self._reload(entries)  # another replica fired some of them (or this one did): take its word
                self._outcome_unknown = True
                raise
            except Exception:
                for entry in entries:  # stored or not: fired again next tick, the duplicate firing id tells
                    self.timetable.put(entry)
                self._outcome_unknown = True
                raise
        return [item for stored in self._unacknowledged for item in stored.outputs]

    def published(self, event_ids: list[str]) -> None:
        acknowledged = set(event_ids)
        done, waiting = [], []
        for stored in self._unacknowledged:
            (done if all(item.event_id in acknowledged for item in stored.outputs) else waiting).append(stored)
        self._unacknowledged = waiting
        store.relay_done(self._database, [stored.relay_id for stored in done])

    def _fire(self, entries: list[Entry], now: datetime) -> None:
        cases = store.load_cases(self._database, sorted({entry.deadline.case_id for entry in entries}))
        unit = UnitOfWork(self._database)
        produced: list[Outgoing] = []
        fired_messages: list = []
        after: list[Entry] = []
        firing_ids: list[str] = []
        for entry in entries:
            deadline = dataclasses.replace(entry.deadline)  # the stored one stays as it was until committed
            case = cases.get(deadline.case_id)
            outputs = []
            for message, tag in outcomes.fired(case, deadline.fire(now, self._policy), self._policy, now):
                fired_messages.append(message)
                envelope = wrap(message, event_id=event_id_for("deadline", deadline.case_id, tag),
                                case_id=deadline.case_id, producer="escalation", occurred_at=now,
                                causation_id=deadline.deadline_id)
                outputs.append(outgoing(CASES_SUPERVISION, envelope))  # the timeline reads them from the firing
            if not outputs and deadline == entry.deadline:
                after.append(entry)  # nothing happened (e.g. a stale timetable slot)
                continue
            fired = entry.fired + 1
            firing_ids.append(store.record_firing(unit, deadline, entry.version, fired, now,
                                                  [stored_event(item) for item in outputs]))
            produced.extend(outputs)
            after.append(Entry(deadline, entry.version, fired, entry.partition))
        for case in cases.values():
            store.save_case(unit, case)
        # a tick that announces nothing (a clock moved on silently) leaves no relay entry: nothing
        # would ever remove it
        relay_id = f"{firing_ids[0]}+{len(firing_ids)}" if firing_ids and produced else ""
        if relay_id:
            store.record_relay(unit, relay_id, firing_ids, now)
        try:
            unit.commit()
        finally:
            self.release(sorted(cases))
        for entry in after:
            self.timetable.put(entry)
        if produced:
            self._unacknowledged.append(_Stored(relay_id, produced))
        self._count(fired_messages)

    def _reload(self, entries: list[Entry]) -> None:
        try:
            found: dict = {}
            store.load_cases(self._database, sorted({e.deadline.case_id for e in entries}), clocks=found)
        except Exception:  # noqa: BLE001 - keep the clocks; the next tick tries again
            for entry in entries:
                self.timetable.put(entry)
            raise
        for entry in entries:
            current = found.get(entry.deadline.deadline_id)
            if current is not None:
                self.timetable.put(Entry(current[0], current[1], current[2], entry.partition))

    def _count(self, messages: list) -> None:
        """Counted once committed, from the messages themselves."""
        if self._breaches is None:
            return
        for message in messages:
            if isinstance(message, case_events_pb2.DeadlineBreached):
                self._breaches.add(1, {"kind": case_events_pb2.DeadlineKind.Name(message.kind)})
            elif isinstance(message, case_events_pb2.CaseEscalated):
                self._escalations.add(1, {"level": str(message.level)})
