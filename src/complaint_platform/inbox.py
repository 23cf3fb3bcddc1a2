"""The idempotent batch handler every service builds on.

A service says how to load the state a batch needs, how one event changes it,
and how to write it back; this class makes the batch idempotent: events seen
before are not applied again, and their recorded outputs are re-published so
a crash between storing and publishing loses nothing.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from datetime import datetime
from typing import Any

from google.protobuf.message import Message

from complaints.v1 import envelope_pb2

from .envelope import event_id_for, wrap
from .handling import BatchResult, Incoming, Outgoing, Rejected
from .mongo import INBOX, UnitOfWork, event_from_store, stored_positions
from .streaming import outgoing
from .topics import INBOUND_TOPICS


class RejectEvent(Exception):
    """Raised by ``apply`` for a well-formed event the rules refuse; it is dead-lettered."""


class InboxHandler(ABC):
    producer: str
    output_topic: str

    def __init__(self, database: Any) -> None:
        self.database = database

    # what a service provides -------------------------------------------------
    @abstractmethod
    def load(self, batch: list[Incoming]) -> None:
        """Fetch the state the batch touches (one query per collection, not per event)."""

    @abstractmethod
    def apply(self, incoming: Incoming, now: datetime) -> list[envelope_pb2.Envelope]:
        """Apply one event to the loaded state; return the events it causes."""

    @abstractmethod
    def save(self, unit: UnitOfWork) -> None:
        """Queue the changed state into the unit of work."""

    def committed(self) -> None:
        """The batch's state is stored; e.g. let in-memory timetables follow it."""

    # the idempotent batch ------------------------------------------------------
    def handle_batch(self, batch: list[Incoming], now: datetime,
                     positions: dict[tuple[str, int], int] | None = None) -> BatchResult:
        result = BatchResult()
        seen = self._inbox([item.event_id for item in batch])
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
                if previous["rejected"]:
                    result.rejected.append(Rejected(item, previous["rejected"]))
            elif first is None:
                firsts[item.event_id] = item
        fresh = list(firsts.values())
        if not fresh:
            if positions:
                unit = UnitOfWork(self.database)
                unit.record_positions(positions, now)
                unit.commit()
            return result
        self.load(fresh)
        unit = UnitOfWork(self.database)
        for item in fresh:
            try:
                events = self.apply(item, now)
                outputs = [outgoing(self.output_topic, event) for event in events]
                unit.record_handled(item.event_id, outputs, now, marks[id(item)])
                result.outgoing.extend(outputs)
            except RejectEvent as refusal:
                unit.inbox.append({"_id": item.event_id, "at": now, "outputs": [], "rejected": str(refusal),
                                   "fingerprint": marks[id(item)]})
                result.rejected.append(Rejected(item, str(refusal)))
        self.save(unit)
        unit.record_positions(positions or {}, now)
        unit.commit()
        self.committed()
        return result

    def stored_positions(self, partitions: list[tuple[str, int]]) -> dict[tuple[str, int], int]:
        return stored_positions(self.database, partitions)

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


__all__ = ["InboxHandler", "RejectEvent", "Outgoing"]
