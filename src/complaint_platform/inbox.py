"""The idempotent batch handler every service builds on.

A service says how to load the state a batch needs, how one event changes it,
and how to write it back; this class makes the batch idempotent without a
record per event:

- a batch redelivered at the same offsets is never handled again: each
  partition's stored position moves with the batch's effects, and the outputs
  the batch caused are stored with it, to be re-published if Kafka's committed
  offset had not caught up (see ``mongo.UnitOfWork.record_positions``);
- a copy of an internal event re-published after a crash arrives at a new
  offset: each aggregate keeps the ids of the last events applied to it
  (``AppliedEvents``, stored inside the aggregate's own document by the
  service), and a copy is skipped;
- inbound events (other systems' complaints, feedback, callbacks) keep their
  inbox record: their senders may repeat them at any time, and an event id
  reused for different content is dead-lettered, not taken for a repeat.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections import OrderedDict, defaultdict
from datetime import datetime
from typing import Any

from google.protobuf.message import Message

from complaints.v1 import envelope_pb2

from .envelope import event_id_for, wrap
from .handling import BatchResult, Incoming, Outgoing, Rejected
from .mongo import INBOX, UnitOfWork, event_from_store, stored_batches, stored_positions
from .streaming import outgoing
from .topics import INBOUND_TOPICS


class RejectEvent(Exception):
    """Raised by ``apply`` for a well-formed event the rules refuse; it is dead-lettered."""


class AppliedEvents:
    """The ids of the last events applied to each aggregate, kept inside its stored document.

    Bounded per aggregate: a copy re-published after a crash follows its original within seconds,
    long before an aggregate has seen ``LIMIT`` more events. Kept between batches for the
    aggregates this replica wrote last (while it owns their partitions, what it holds is what is
    stored; ``clear`` when that may no longer be so), at most ``AGGREGATES`` of them."""

    LIMIT = 64
    AGGREGATES = 200_000
    FIELD = "applied_events"

    def __init__(self) -> None:
        self._ids: OrderedDict[str, list[str]] = OrderedDict()
        self.touched: set[str] = set()  # aggregates that applied an event in this batch

    def clear(self) -> None:
        self._ids.clear()
        self.touched.clear()

    def drop(self, aggregate_id: str) -> None:
        """Changed outside a batch (a command added its id): learnt again from its document."""
        self._ids.pop(aggregate_id, None)

    def remember(self, aggregate_id: str, document: dict | None) -> None:
        """What a loaded document says it applied (an aggregate known already keeps what it has:
        its events of this batch are not stored yet)."""
        if document is not None and aggregate_id not in self._ids:
            self._ids[aggregate_id] = list(document.get(self.FIELD) or [])
            while len(self._ids) > self.AGGREGATES:
                self._ids.popitem(last=False)

    def seen(self, aggregate_id: str, event_id: str) -> bool:
        return event_id in self._ids.get(aggregate_id, ())

    def add(self, aggregate_id: str, event_id: str) -> None:
        ids = self._ids.setdefault(aggregate_id, [])
        self._ids.move_to_end(aggregate_id)
        ids.append(event_id)
        del ids[:-self.LIMIT]
        self.touched.add(aggregate_id)

    def of(self, aggregate_id: str) -> list[str]:
        return list(self._ids.get(aggregate_id, []))


class InboxHandler(ABC):
    producer: str
    output_topic: str
    # Message names of the internal events this service acts on ("CaseRegistered", ...); the rest
    # are passed over by their event-type header before decoding. None: every event.
    acts_on: frozenset[str] | None = None

    def __init__(self, database: Any) -> None:
        self.database = database
        self.applied = AppliedEvents()

    # what a service provides -------------------------------------------------
    @abstractmethod
    def load(self, batch: list[Incoming]) -> None:
        """Fetch the state the batch touches (one query per collection, not per event); tell
        ``self.applied`` what each loaded aggregate document applied."""

    @abstractmethod
    def apply(self, incoming: Incoming, now: datetime) -> list[envelope_pb2.Envelope]:
        """Apply one event to the loaded state; return the events it causes."""

    @abstractmethod
    def save(self, unit: UnitOfWork) -> None:
        """Queue the changed state into the unit of work, with ``self.applied.of(id)`` inside
        each aggregate's document (every aggregate in ``self.applied.touched`` it holds)."""

    def committed(self) -> None:
        """The batch's state is stored; e.g. let in-memory timetables follow it."""

    def forget_state(self) -> None:
        """Drop what the service holds in memory between batches: a batch failed after changing
        it, the partitions were revoked, or the database lost writes. Read again on demand."""

    def forget(self) -> None:
        self.applied.clear()
        self.forget_state()

    def held(self) -> int:
        """How many aggregates the service holds in memory between batches (a metric)."""
        return 0

    def topic_of(self, event: envelope_pb2.Envelope) -> str:
        """Where an output goes: the service's own topic, or an outbound one it also writes."""
        return self.output_topic

    # the idempotent batch ------------------------------------------------------
    def handle_batch(self, batch: list[Incoming], now: datetime,
                     positions: dict[tuple[str, int], int] | None = None, maybe_stored: bool = False) -> BatchResult:
        """``maybe_stored``: an earlier attempt failed, possibly after the database committed it
        (a connection lost during the commit): if its positions are stored, it is not handled
        again (that would find every event applied and cause nothing); its stored outputs and
        refusals are returned instead."""
        if maybe_stored and positions:
            stored = self._stored_result(batch, positions)
            if stored is not None:
                return stored
        result = BatchResult()
        caused: dict[tuple[str, int], list[Outgoing]] = defaultdict(list)  # outputs by source partition
        refused: dict[tuple[str, int], list[tuple[int, str]]] = defaultdict(list)
        inbound = [item.event_id for item in batch if item.record.topic in INBOUND_TOPICS]
        seen = self._inbox(inbound) if inbound else {}
        firsts: dict[str, Incoming] = {}
        marks = {id(item): fingerprint(item) for item in batch}
        for item in batch:
            previous, first = seen.get(item.event_id), firsts.get(item.event_id)
            earlier = previous["fingerprint"] if previous is not None else marks[id(first)] if first else ""
            if earlier and marks[id(item)] and earlier != marks[id(item)]:
                # another sender's event under a used id: taking it for a repeat would lose it silently
                result.rejected.append(Rejected(item, f"event id {item.event_id} was already used by a different "
                                                      f"{item.envelope.event_type.rsplit('.', 1)[-1]}; not handled: "
                                                      f"send it under a new event id"))
            elif previous is not None:
                result.outgoing.extend(previous["outputs"])
                caused[_source(item)].extend(previous["outputs"])
                if previous["rejected"]:
                    result.rejected.append(Rejected(item, previous["rejected"]))
            elif first is None:
                firsts[item.event_id] = item
        fresh = list(firsts.values())
        unit = UnitOfWork(self.database)
        self._refused_by_rules = False
        try:
            if fresh:
                self.applied.touched.clear()
                self.load(fresh)
                for item in fresh:
                    self._apply_one(item, now, unit, result, caused, marks[id(item)])
                self.save(unit)
            if fresh or positions:
                for rejected in result.rejected:
                    refused[_source(rejected.incoming)].append((rejected.incoming.record.offset, rejected.reason))
                unit.record_positions(positions or {}, now, caused, refused)
                unit.commit()
        except BaseException:
            self.forget()  # what is held in memory went ahead of what is stored
            raise
        if fresh:
            self.committed()
            if self._refused_by_rules:
                # The rules refused an event, perhaps after changing what is held: the stored state
                # is the truth (rare; what is needed is read again).
                self.forget()
        return result

    def _stored_result(self, batch: list[Incoming], positions: dict[tuple[str, int], int]) -> BatchResult | None:
        stored = stored_batches(self.database, sorted(positions))
        if not all(partition in stored and stored[partition]["position"] >= position
                   for partition, position in positions.items()):
            return None
        result = BatchResult()
        for partition in sorted(positions):
            result.outgoing.extend(stored[partition]["outputs"])
        for item in batch:
            reason = stored.get(_source(item), {}).get("rejected", {}).get(item.record.offset)
            if reason is not None:
                result.rejected.append(Rejected(item, reason))
        return result

    def _apply_one(self, item: Incoming, now: datetime, unit: UnitOfWork, result: BatchResult,
                   caused: dict[tuple[str, int], list[Outgoing]], mark: str) -> None:
        case_id, inbound = item.envelope.case_id, item.record.topic in INBOUND_TOPICS
        if case_id and not inbound and self.applied.seen(case_id, item.event_id):
            return  # a copy of an event already applied, re-published after its producer's crash
        try:
            events = self.apply(item, now)
        except RejectEvent as refusal:
            self._refused_by_rules = True
            if inbound:
                unit.inbox.append({"_id": item.event_id, "at": now, "outputs": [], "rejected": str(refusal),
                                   "fingerprint": mark})
            result.rejected.append(Rejected(item, str(refusal)))
            return
        outputs = [outgoing(self.topic_of(event), event) for event in events]
        if inbound:
            unit.record_handled(item.event_id, outputs, now, mark)
        if case_id:
            self.applied.add(case_id, item.event_id)
        result.outgoing.extend(outputs)
        caused[_source(item)].extend(outputs)

    def stored_positions(self, partitions: list[tuple[str, int]]) -> dict[tuple[str, int], int]:
        return stored_positions(self.database, partitions)

    def stored_outputs(self, partitions: list[tuple[str, int]]) -> dict[tuple[str, int], list[Outgoing]]:
        return {partition: batch["outputs"] for partition, batch in stored_batches(self.database, partitions).items()}

    def emit(self, cause: Incoming, payload: Message, case_id: str, now: datetime, discriminator: str = "") -> envelope_pb2.Envelope:
        """An output event whose id is derived from its cause, so redelivery repeats it exactly."""
        event_id = event_id_for(cause.event_id, payload.DESCRIPTOR.full_name, case_id, discriminator)
        return wrap(payload, event_id=event_id, case_id=case_id, producer=self.producer,
                    occurred_at=now, causation_id=cause.event_id)

    def _inbox(self, event_ids: list[str]) -> dict[str, dict]:
        found = self.database.get_collection(INBOX).find({"_id": {"$in": event_ids}})
        return {doc["_id"]: {"outputs": [event_from_store(o) for o in doc.get("outputs", [])],
                             "rejected": doc.get("rejected", ""), "fingerprint": doc.get("fingerprint", "")}
                for doc in found}


def registered_cases(batch: list[Incoming]) -> set[str]:
    """The cases a batch registers (their CaseRegistered is in it)."""
    return {item.envelope.case_id for item in batch if item.envelope.WhichOneof("payload") == "case_registered"}


def _source(item: Incoming) -> tuple[str, int]:
    return item.record.topic, item.record.partition


def fingerprint(item: Incoming) -> str:
    """What an inbound event says, whatever its encoding; "" on internal topics, whose ids the
    services derive from their causes (an output re-derived after a database loss may carry a
    later timestamp under the same id, and is a repeat all the same)."""
    if item.record.topic not in INBOUND_TOPICS:
        return ""
    payload = getattr(item.envelope, item.envelope.WhichOneof("payload") or "", None)
    if payload is None:
        return ""
    content = type(payload)()
    content.CopyFrom(payload)
    content.DiscardUnknownFields()
    return hashlib.sha256(content.SerializeToString(deterministic=True)).hexdigest()


__all__ = ["AppliedEvents", "InboxHandler", "RejectEvent", "Outgoing", "registered_cases"]
