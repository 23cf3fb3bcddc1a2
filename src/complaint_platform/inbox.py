"""The idempotent batch handler every service builds on.

A service says how to load the state a batch needs, how one event changes it,
and how to write it back; this class makes the batch idempotent: events seen
before are not applied again, and their recorded outputs are re-published so
a crash between storing and publishing loses nothing.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime
from typing import Any

from google.protobuf.message import Message

from complaints.v1 import envelope_pb2

from .envelope import event_id_for, wrap
from .handling import BatchResult, Incoming, Outgoing, Rejected
from .mongo import INBOX, UnitOfWork, event_from_store, stored_positions
from .streaming import outgoing


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
        fresh: list[Incoming] = []
        for item in batch:
            if item.event_id in seen:
                previous = seen[item.event_id]
                result.outgoing.extend(previous["outputs"])
                if previous["rejected"]:
                    result.rejected.append(Rejected(item, previous["rejected"]))
            elif item.event_id not in {f.event_id for f in fresh}:
                fresh.append(item)
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
                unit.record_handled(item.event_id, outputs, now)
                result.outgoing.extend(outputs)
            except RejectEvent as refusal:
                unit.inbox.append({"_id": item.event_id, "at": now, "outputs": [], "rejected": str(refusal)})
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
                             "rejected": doc.get("rejected", "")} for doc in found}


__all__ = ["InboxHandler", "RejectEvent", "Outgoing"]
