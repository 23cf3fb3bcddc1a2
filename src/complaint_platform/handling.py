"""The contract between the Kafka runtime and a service's batch handler."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from complaints.v1 import envelope_pb2

from .envelope import Received


@dataclass(frozen=True)
class Incoming:
    """A decoded, validated event and the record it came in."""

    record: Received
    envelope: envelope_pb2.Envelope

    @property
    def event_id(self) -> str:
        return self.envelope.event_id


@dataclass(frozen=True)
class Outgoing:
    """An event to publish; ``key`` keeps one case's events on one partition."""

    topic: str
    key: str
    value: bytes
    event_id: str
    event_type: str
    case_id: str
    causation_id: str


@dataclass(frozen=True)
class Rejected:
    """A well-formed event the rules refuse (e.g. feedback for an unknown work order)."""

    incoming: Incoming
    reason: str


@dataclass
class BatchResult:
    outgoing: list[Outgoing] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)

    def extend(self, other: BatchResult) -> None:
        self.outgoing.extend(other.outgoing)
        self.rejected.extend(other.rejected)


class BatchHandler(Protocol):
    """Runs in a worker thread; must store its effects before returning.

    It must be idempotent: the runtime may hand it the same events again after
    a crash, and it must then return the same outgoing events (same ids).
    ``positions`` (topic, partition) -> next offset are stored with the batch's effects, also
    when the batch is empty (all of it dead-lettered); ``stored_positions`` reads them back
    (see positions.py), ``stored_outputs`` the outputs of each partition's last stored batch.
    ``acts_on``: message names of the internal events it handles (None: all).
    """

    acts_on: frozenset[str] | None

    def handle_batch(self, batch: list[Incoming], now: datetime,
                     positions: dict[tuple[str, int], int] | None = None, maybe_stored: bool = False) -> BatchResult: ...

    def stored_positions(self, partitions: list[tuple[str, int]]) -> dict[tuple[str, int], int]: ...

    def stored_outputs(self, partitions: list[tuple[str, int]]) -> dict[tuple[str, int], list[Outgoing]]: ...


class PartitionOwner(Protocol):
    """Keeps per-partition work (e.g. a timetable of clocks) in step with the consumer's share.

    Called on the handler thread, so it never interleaves with a batch. ``topic`` names the
    topic whose partition numbers define the share (keyed by case id)."""

    topic: str

    def revoked(self, partitions: set[int]) -> None: ...

    def assigned(self, partitions: set[int], partition_count: int) -> None: ...
