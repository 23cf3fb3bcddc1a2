"""A replica's share of the partitions: where each is read from, and what the owner keeps for it.

Keeps batches and rebalances apart. On revocation the batch in hand is finished (stored,
published, committed) before the partitions go, and ``generation`` moves on so a batch polled
earlier is dropped, not handled after the new owner started.

On assignment the partitions are paused until the share is restored: each partition is sought to
the earlier of the database's stored position and Kafka's committed offset (positions.py), and the
partition owner (e.g. escalation's clocks) loads its share. aiokafka heartbeats during
``on_partitions_revoked`` but not during ``on_partitions_assigned``: reading the database there
(waiting for the handler thread, then every live clock) could outlast the session timeout, get the
member evicted and start the next rebalance. So the restore runs in a task the consume loop waits
for (``ready``), on the handler thread, before any later batch or tick.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor

from aiokafka import ConsumerRebalanceListener

from .handling import BatchHandler, PartitionOwner
from .positions import Partition, describe, lost_writes, resume_position, rewind_position

log = logging.getLogger(__name__)
RETRY_DELAYS = (0.2, 0.5, 1.0, 2.0, 5.0)


class PartitionShare(ConsumerRebalanceListener):
    def __init__(self, handler: BatchHandler, owner: PartitionOwner | None, executor: ThreadPoolExecutor,
                 republish: Callable[[list], Awaitable[None]] | None = None) -> None:
        self._handler = handler
        self._republish = republish
        self._owner = owner
        self._executor = executor
        self.consumer = None
        self.generation = 0
        self.batch_lock = asyncio.Lock()
        self._loading: asyncio.Task | None = None
        self.expected: dict[Partition, int] = {}  # the positions this replica stored last
        self._origin: dict[Partition, int | None] = {}  # where this assignment started reading

    async def on_partitions_revoked(self, revoked) -> None:
        log.info("partitions revoked: %s", sorted(f"{p.topic}[{p.partition}]" for p in revoked))
        async with self.batch_lock:
            self.generation += 1
        await self.stop()  # a share still restoring: the next assignment restores its whole share
        for partition in revoked:
            self.expected.pop((partition.topic, partition.partition), None)
            self._origin.pop((partition.topic, partition.partition), None)
        if self._owner is not None:
            mine = {partition.partition for partition in revoked if partition.topic == self._owner.topic}
            await self._on_handler_thread(self._owner.revoked, mine)
        # what the handler holds in memory may be changed by the partitions' next owner
        await self._on_handler_thread(self._forget_held)

    async def on_partitions_assigned(self, assigned) -> None:
        log.info("partitions assigned: %s", sorted(f"{p.topic}[{p.partition}]" for p in assigned))
        if not assigned:
            return
        self.consumer.pause(*assigned)
        self._loading = asyncio.get_running_loop().create_task(self._restore(set(assigned), lost=[]))

    async def ready(self, stopping: asyncio.Event | None = None) -> bool:
        """Wait until the current assignment's positions and share are restored; False if
        ``stopping`` was set first (a restore can wait minutes for a database that is down)."""
        while (loading := self._loading) is not None and not loading.done():
            stopped = asyncio.ensure_future(stopping.wait()) if stopping is not None else None
            await asyncio.wait([loading, *([stopped] if stopped else [])], return_when=asyncio.FIRST_COMPLETED)
            if stopped is not None:
                stopped.cancel()
            if stopping is not None and stopping.is_set():
                return False
        return True

    async def stop(self) -> None:
        loading, self._loading = self._loading, None
        if loading is not None and not loading.done():
            loading.cancel()
            await asyncio.wait([loading])

    def stored(self, positions: dict[Partition, int]) -> None:
        """A batch is stored up to these positions."""
        self.expected.update(positions)

    async def check(self, partitions) -> bool:
        """False if the database lost writes of these partitions; the whole share is then read
        again from what it still has (call under ``batch_lock``; drop the batch in hand)."""
        partitions = [partition for partition in partitions if partition in self.expected]
        if not partitions:
            return True
        stored = await self._on_handler_thread(self._handler.stored_positions, partitions)
        lost = lost_writes(self.expected, stored, partitions)
        if not lost:
            return True
        log.error("the database lost acknowledged writes: stored positions %s are behind %s; reading the "
                  "assignment again from the stored positions",
                  {describe(p): stored.get(p) for p in lost}, {describe(p): self.expected[p] for p in lost})
        self.generation += 1  # the rest of this poll is dropped and read again
        assigned = set(self.consumer.assignment())
        self.consumer.pause(*assigned)
        self._loading = asyncio.get_running_loop().create_task(self._restore(assigned, lost))
        return False

    def watched(self) -> list[Partition]:
        return sorted(self.expected)

    def _forget_held(self) -> None:
        forget = getattr(self._handler, "forget", None)
        if forget is not None:
            forget()

    async def _restore(self, assigned: set, lost: list[Partition]) -> None:
        attempt = 0
        while True:
            try:
                if lost:  # what the handler holds in memory is ahead of the database
                    await self._on_handler_thread(self._forget_held)
                await self._seek(assigned, lost)
                if self._owner is not None:
                    mine = {partition.partition for partition in assigned if partition.topic == self._owner.topic}
                    count = len(self.consumer.partitions_for_topic(self._owner.topic) or ())
                    if lost:  # the clocks in memory may be ahead of the database too
                        await self._on_handler_thread(self._owner.revoked, mine)
                    await self._on_handler_thread(self._owner.assigned, mine, count)
                self.consumer.resume(*assigned)
                return
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 - without its share restored the replica must not go on
                attempt += 1
                log.warning("restoring the share of %s failed (attempt %d): %s",
                            sorted(f"{p.topic}[{p.partition}]" for p in assigned), attempt, error)
                await asyncio.sleep(RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)])

    async def _seek(self, assigned: set, lost: list[Partition]) -> None:
        by_key = {(partition.topic, partition.partition): partition for partition in assigned}
        stored = await self._on_handler_thread(self._handler.stored_positions, sorted(by_key))
        committed_offsets = {key: await self.consumer.committed(partition) for key, partition in by_key.items()}
        # stored but maybe never acknowledged: the replica stopped between storing a batch and committing it
        unacknowledged = [key for key in sorted(by_key) if stored.get(key) is not None
                          and (committed_offsets[key] is None or stored[key] > committed_offsets[key])]
        if unacknowledged and self._republish is not None:
            outputs = await self._on_handler_thread(self._handler.stored_outputs, unacknowledged)
            pending = [item for key in unacknowledged for item in outputs.get(key, [])]
            if pending:
                log.info("re-publishing %d outputs of batches stored but not committed in %s", len(pending),
                         [describe(key) for key in unacknowledged])
                await self._republish(pending)
        for key, partition in sorted(by_key.items()):
            committed = committed_offsets[key]
            if lost:
                target = rewind_position(key, lost, stored, committed, self._origin)
            else:
                target = resume_position(stored.get(key), committed)
                self._origin[key] = target
            if stored.get(key) is not None and committed is not None and stored[key] < committed:
                log.warning("%s: the database's position %d is behind Kafka's committed offset %d (it lost "
                            "acknowledged writes); reading %d records again", describe(key), stored[key],
                            committed, committed - stored[key])
            if target is None:
                await self.consumer.seek_to_beginning(partition)
            else:
                self.consumer.seek(partition, target)
            # checked against what the database holds, never against Kafka's offset alone
            if key in stored:
                self.expected[key] = stored[key]
            else:
                self.expected.pop(key, None)

    async def _on_handler_thread(self, call: Callable, *args):
        return await asyncio.get_running_loop().run_in_executor(self._executor, call, *args)


__all__ = ["PartitionShare", "RETRY_DELAYS"]
