"""Consumed positions: where a service reads each partition from, and when its database lost writes.

A position is Kafka's: the offset of the next record to read. Every batch stores the positions it
consumed up to in the same transaction as its effects; Kafka's committed offset moves only after
the batch's outputs are published. So after an assignment each partition is read from the earlier
of the two:

- the database behind Kafka: it lost acknowledged transactions (SecantusDB loses its last few
  journaled transactions on kill -9, docs/operations.md). The lost batches are read and handled
  again, and their outputs are re-derived under the same event ids;
- Kafka behind the database: the service stopped between storing a batch and committing it. The
  batch is not handled again: its outputs, stored with the position, are re-published.

While running, a stored position behind the one this replica itself stored means the database
lost writes under a live consumer (it restarted; the driver may have reconnected without an
error), so the replica reads its partitions again from what the database still has.

Pure logic: no Kafka or MongoDB here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

Partition = tuple[str, int]  # (topic, partition number)


class ConsumedRecord(Protocol):
    topic: str
    partition: int
    offset: int


def positions_after(records: Iterable[ConsumedRecord]) -> dict[Partition, int]:
    """The position of each partition once these records are handled."""
    positions: dict[Partition, int] = {}
    for record in records:
        key = (record.topic, record.partition)
        positions[key] = max(positions.get(key, 0), record.offset + 1)
    return positions


def resume_position(stored: int | None, committed: int | None) -> int | None:
    """Where to read a partition from after an assignment; None: from the beginning (nothing
    was ever handled). The database's position wins when it has one: behind Kafka, it lost
    batches that are handled again; ahead, its last batch is stored and only its outputs are
    re-published (they are kept with the position)."""
    if stored is not None:
        return stored
    return committed


def lost_writes(expected: Mapping[Partition, int], stored: Mapping[Partition, int],
                partitions: Iterable[Partition]) -> list[Partition]:
    """The partitions whose stored position is behind the one this replica stored (or gone)."""
    return sorted(partition for partition in set(partitions)
                  if partition in expected and stored.get(partition, -1) < expected[partition])


def rewind_position(partition: Partition, lost: Iterable[Partition], stored: Mapping[Partition, int],
                    committed: int | None, origin: Mapping[Partition, int | None]) -> int | None:
    """Where to read a partition from again after the database lost writes. A lost partition
    whose first stored position is gone too goes back to where this assignment started: Kafka
    may already have committed past the lost batches."""
    if partition in set(lost) and partition not in stored:
        return origin.get(partition)
    return resume_position(stored.get(partition), committed)


def describe(partition: Partition) -> str:
    topic, number = partition
    return f"{topic}[{number}]"


__all__ = ["Partition", "positions_after", "resume_position", "lost_writes", "rewind_position", "describe"]
