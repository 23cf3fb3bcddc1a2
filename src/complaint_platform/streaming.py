"""The Kafka runtime: consume a batch, decode, hand it to the service, publish, then commit.

At-least-once: offsets are committed only after the handler has stored the
batch's effects and the broker has acknowledged every output and dead letter.
Bad input is dead-lettered with a reason and never stops a partition.

Consumption uses aiokafka directly rather than Faust agents: on the embedded
broker, Faust's conductor dropped records that arrived before a partition was
indexed for the agent's channel (no error, the offset moved on), which loses
complaints. This loop has no such window and keeps exact control of commits,
fetch waits and batching.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
import random
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from aiokafka.errors import CommitFailedError, KafkaError
from opentelemetry import trace

from complaints.v1 import envelope_pb2

from . import kafka_clients
from .assignment import RETRY_DELAYS, PartitionShare
from .clock import Clock
from .config import Settings
from .dead_letters import DeadLetterFor
from .envelope import Received, decode, headers_for
from .handling import BatchHandler, BatchResult, Incoming, Outgoing, PartitionOwner
from .positions import Partition, positions_after
from .telemetry import Telemetry, header_dict, inject_trace
from .topics import DEADLETTER, INTERNAL_TOPICS
from .validation import InvalidEvent

log = logging.getLogger(__name__)
# how often an idle replica checks that the database still holds the positions it stored
_IDLE_CHECK_S = 5.0
Job = Callable[[datetime], list[Outgoing]]


class EventProcessor:
    """Consumes the service's input topics in batches and feeds a BatchHandler."""

    def __init__(self, settings: Settings, telemetry: Telemetry, handler: BatchHandler, clock: Clock,
                 is_transient: Callable[[BaseException], bool]) -> None:
        self._settings = settings
        self._telemetry = telemetry
        self._handler = handler
        self._clock = clock
        self._is_transient = is_transient
        # One thread: the handler owns its batch's state; MongoDB calls must not block the loop.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"{settings.service}-handler")
        self._loop: asyncio.AbstractEventLoop | None = None
        meter = telemetry.meter
        self._processed = meter.create_counter("complaints_events_processed", description="events handled, by topic")
        self._failed = meter.create_counter("complaints_events_failed", description="handler failures, by topic")
        self._dead = meter.create_counter("complaints_events_deadlettered", description="events sent to the dead-letter topic")
        self._published = meter.create_counter("complaints_events_published",
                                               description="events published, by topic and event type")
        self._lag: dict[tuple[str, int], int] = {}
        meter.create_observable_gauge("complaints_consumer_lag", callbacks=[self._observe_lag],
                                      description="records behind the partition's high watermark, per partition")

    async def run(self, topics: Sequence[str], jobs: Sequence[tuple[float, Job, Callable[[list[str]], None]]],
                  stopping: asyncio.Event, owner: PartitionOwner | None = None) -> None:
        """Consume until ``stopping`` is set, then finish the batch in hand, commit and close."""
        self._loop = asyncio.get_running_loop()
        consumer, listener = await self._start_clients(topics, owner)
        timers = [asyncio.create_task(self._every(interval, job, published, stopping))
                  for interval, job, published in jobs]
        try:
            await self._consume(consumer, listener, stopping)
        finally:
            for timer in timers:
                timer.cancel()
            await asyncio.gather(*timers, return_exceptions=True)
            await consumer.stop()
            await listener.stop()
            await self._producer.stop()
            self._executor.shutdown(wait=True)

    async def _start_clients(self, topics: Sequence[str], owner: PartitionOwner | None):
        service, kafka = self._settings.service, self._settings.kafka
        self._producer = kafka_clients.producer(kafka, f"complaints-{service}")
        listener = PartitionShare(self._handler, owner, self._executor, republish=self._republish)
        consumer = kafka_clients.consumer(kafka, topics, f"complaints-{service}", f"complaints-{service}", listener)
        listener.consumer = consumer
        await _start_with_retry(self._producer, "producer")
        await _start_with_retry(consumer, "consumer")
        return consumer, listener

    async def _consume(self, consumer, listener: PartitionShare, stopping: asyncio.Event) -> None:
        """Poll, and hand on what was polled in causal order, ``batch_size`` records at a time.

        Causes before effects: a case's events come from several topics (its CaseRegistered on
        cases.intake, the WorkOrderDispatched that follows on cases.dispatch) and handlers ignore
        an event of a case they have not registered yet. Kafka orders only within a partition,
        and aiokafka hands partitions back in a random order (it shuffles every fetch request),
        so whenever a poll holds both (a replica starting on a backlog: after a rebalance, a
        restart, under lag) the effect came first half the time and its clocks were lost. So
        every poll drains all that was fetched (a ``batch_size`` cut could leave a cause behind
        its effect) and hands it on merged in timestamp order, each partition in offset order,
        each batch committed once stored and published.
        """
        kafka = self._settings.kafka
        drain = 1_000_000  # max_records of a poll: everything fetched (it is in memory already)
        last_check = self._loop.time()
        while not stopping.is_set():
            batches = await consumer.getmany(timeout_ms=int(kafka.batch_within_s * 1000) or 1, max_records=drain)
            if not batches:
                if self._loop.time() - last_check > _IDLE_CHECK_S:
                    last_check = self._loop.time()
                    await self._check_quiet(listener, stopping)
                continue
            # Taken in the same step as the poll, which returns nothing while a rebalance is
            # under way: these records belong to this generation's assignment.
            generation = listener.generation
            records = list(heapq.merge(*batches.values(), key=lambda record: record.timestamp))
            for start in range(0, len(records), kafka.batch_size):
                if start and stopping.is_set():
                    break  # the rest was not committed: read again after the restart
                if not await self._consume_batch(consumer, listener, records[start:start + kafka.batch_size],
                                                 generation, stopping):
                    break

    async def _check_quiet(self, listener: PartitionShare, stopping: asyncio.Event) -> None:
        """A quiet partition's last batches may be gone from a restarted database."""
        if await listener.ready(stopping):
            async with listener.batch_lock:
                await self._checked(listener, listener.watched(), stopping)

    async def _consume_batch(self, consumer, listener: PartitionShare, batch, generation: int,
                             stopping: asyncio.Event) -> bool:
        """Store, publish and commit one batch; False if a rebalance made it stale."""
        if not await listener.ready(stopping):  # positions and the owner's share (e.g. clocks) restored
            return False  # stopping: read again after the restart
        async with listener.batch_lock:  # a rebalance waits until the batch is committed
            if listener.generation != generation:
                # Polled before the partitions were revoked: whoever owns them now (this
                # replica too) reads them again from the stored positions, as every new
                # assignment starts there. Handling them here could store a case's clocks
                # after the new owner loaded its share.
                log.info("dropping %d records polled before a rebalance", len(batch))
                return False
            positions = positions_after(batch)
            if not await self._checked(listener, positions, stopping):
                return False
            await self.process(batch, positions)
            listener.stored(positions)
            await self._commit(consumer, positions)
        return True

    async def _commit(self, consumer, positions: dict[Partition, int]) -> None:
        from aiokafka import TopicPartition
        from aiokafka.errors import IllegalStateError

        offsets = {TopicPartition(topic, partition): position for (topic, partition), position in positions.items()}
        for partition, position in offsets.items():
            highwater = consumer.highwater(partition)
            if highwater is not None:
                self._lag[(partition.topic, partition.partition)] = max(highwater - position, 0)
        try:
            await consumer.commit(offsets)
        except (CommitFailedError, IllegalStateError) as error:
            # The group moved on (the broker gave the partitions away, e.g. after a missed
            # heartbeat): the new owner re-reads them from the stored positions.
            log.warning("offset commit refused after a rebalance: %s", error)

    async def _checked(self, listener: PartitionShare, partitions, stopping: asyncio.Event) -> bool:
        """The database still holds what this replica stored for these partitions (else they are
        read again: see positions.py). False also when stopping while the database is down."""
        attempt = 0
        while True:
            try:
                return await listener.check(partitions)
            except Exception as error:  # noqa: BLE001 - classified below, never swallowed
                if not self._is_transient(error):
                    raise
                if stopping.is_set():
                    return False
                log.warning("storage unavailable, checking stored positions again: %s", error)
                await asyncio.sleep(RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)])
                attempt += 1

    def _observe_lag(self, options):
        from opentelemetry.metrics import Observation

        return [Observation(lag, {"topic": topic, "partition": partition})
                for (topic, partition), lag in sorted(self._lag.items())]

    async def _every(self, interval: float, job: Job, published, stopping: asyncio.Event) -> None:
        while not stopping.is_set():
            await self.run_job(job, self._clock.now(), published)
            try:
                await asyncio.wait_for(stopping.wait(), interval)
            except asyncio.TimeoutError:
                pass

    async def _republish(self, outputs: list[Outgoing]) -> None:
        """Outputs of a batch stored but maybe never acknowledged (the replica stopped before
        committing it): sent again, consumers take the copies for repeats."""
        with self._telemetry.span(f"{self._settings.service} republish", events=len(outputs)):
            await self._publish(outputs, {})

    async def process(self, consumed, positions: dict[Partition, int] | None = None) -> None:
        now = self._clock.now()
        records = [_received(record) for record in consumed]
        good: list[Incoming] = []
        result = BatchResult()
        invalid = []
        acts_on = getattr(self._handler, "acts_on", None)
        if acts_on is not None:  # events the service never acts on are not even decoded
            records = [record for record in records if _acted_on(record, acts_on)]
        for record in records:
            try:
                good.append(Incoming(record, decode(record, now)))
            except InvalidEvent as error:
                invalid.append(self._dead_letter(record, str(error), now))
        # sent together (the producer batches them) and all acknowledged before the offsets move
        await asyncio.gather(*invalid)
        spans = [self._telemetry.consuming(item.record.topic, item.record.headers,
                                           **{"messaging.kafka.offset": item.record.offset,
                                              "complaints.event_id": item.event_id,
                                              "complaints.event_type": item.envelope.event_type,
                                              "complaints.case_id": item.envelope.case_id or None})
                 for item in good]
        contexts = {}
        for item, manager in zip(good, spans):
            span = manager.__enter__()
            contexts[item.event_id] = (manager, span)
        try:
            if good or positions:  # positions are stored even when every record was dead-lettered
                result = await self._handle(good, now, positions, contexts)
            await self._settle(result, now, contexts)
        finally:
            for manager, _span in reversed(list(contexts.values())):
                manager.__exit__(None, None, None)
        for record in records:
            self._processed.add(1, {"topic": record.topic})

    async def run_job(self, job: Callable[[datetime], list[Outgoing]], now: datetime,
                      published: Callable[[list[str]], None] | None = None) -> None:
        """Periodic work (e.g. firing due deadlines). Its outputs were staged in the
        outbox with its state change; once the broker has them they are marked published."""
        loop = asyncio.get_running_loop()
        try:
            produced = await loop.run_in_executor(self._executor, job, now)
        except Exception as error:  # noqa: BLE001 - a failed tick is retried next tick
            if not self._is_transient(error):
                log.exception("periodic job %s failed", getattr(job, "__name__", job))
            else:
                log.warning("periodic job skipped, storage unavailable: %s", error)
            return
        if not produced:
            return
        try:
            with self._telemetry.span(f"{self._settings.service} job", job=getattr(job, "__name__", "job")):
                await self._publish(produced, {})
        except KafkaError as error:  # staged in storage: published by a later tick or the relay
            log.warning("publishing %d events of %s failed: %s", len(produced), getattr(job, "__name__", "job"), error)
            return
        if published is not None:
            try:
                await loop.run_in_executor(self._executor, published, [item.event_id for item in produced])
            except Exception as error:  # noqa: BLE001 - the relay publishes them again; consumers dedupe
                log.warning("recording %d published events failed: %s", len(produced), error)

    def execute_command(self, command: Callable[[datetime], tuple[object, list[Outgoing]]],
                        published: Callable[[list[str]], None], timeout_s: float = 30.0):
        """Run an operator command (from a gRPC thread) on the handler's thread, so it never
        interleaves with a batch; its events were staged in the outbox and are published here."""
        if self._loop is None:
            raise RuntimeError("the service is still starting; try again in a moment")
        value, produced = self._executor.submit(command, self._clock.now()).result(timeout_s)
        if produced:
            asyncio.run_coroutine_threadsafe(self._publish(produced, {}), self._loop).result(timeout_s)
            self._executor.submit(published, [item.event_id for item in produced]).result(timeout_s)
        return value

    async def _settle(self, result: BatchResult, now: datetime, contexts) -> None:
        """Dead letters and outputs of a stored batch, all acknowledged before its offsets move."""
        await asyncio.gather(*(self._dead_letter(rejected.incoming.record, rejected.reason, now)
                               for rejected in result.rejected))
        await self._publish(result.outgoing, contexts)

    async def _handle(self, batch: list[Incoming], now: datetime,
                      positions: dict[Partition, int] | None = None, contexts=None) -> BatchResult:
        loop = asyncio.get_running_loop()
        attempt = 0
        while True:
            try:
                # a retry may find the failed attempt stored after all (its commit's answer was lost)
                return await loop.run_in_executor(self._executor, self._handler.handle_batch, batch, now, positions,
                                                  attempt > 0)
            except Exception as error:  # noqa: BLE001 - classified below, never swallowed
                if batch:
                    self._failed.add(1, {"topic": batch[0].record.topic})
                if self._is_transient(error):
                    delay = RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)] * (1 + random.random() / 4)
                    log.warning("storage unavailable, retrying batch in %.1fs: %s", delay, error)
                    attempt += 1
                    await asyncio.sleep(delay)
                    continue
                if len(batch) <= 1:
                    if not batch:  # storing the positions alone failed
                        raise
                    # A poison event: dead-letter it so the partition keeps flowing.
                    log.exception("handler failed on event %s", batch[0].event_id)
                    await self._dead_letter(batch[0].record, f"handler error: {type(error).__name__}: {error}", now)
                    # its position is stored still: else the database would look as if it lost writes
                    return await self._handle([], now, positions) if positions else BatchResult()
                # Isolate the culprit: one event at a time, the rest still go through; each
                # stores its own position and is published before the next overwrites the
                # outputs kept with that position; the batch's positions are stored at the end.
                for item in batch:
                    await self._settle(await self._handle([item], now, positions_after([item.record]), contexts),
                                       now, contexts or {})
                if positions:
                    await self._handle([], now, positions)
                return BatchResult()

    async def _publish(self, outgoing: list[Outgoing], contexts) -> None:
        futures = []
        for item in outgoing:
            headers = headers_for(event_id=item.event_id, event_type=item.event_type, case_id=item.case_id,
                                  producer=self._settings.service)
            cause = contexts.get(item.causation_id)
            if cause is not None:
                with trace.use_span(cause[1], end_on_exit=False):
                    headers = inject_trace(headers)
            else:
                headers = inject_trace(headers)
            futures.append(await self._producer.send(item.topic, item.value, key=item.key.encode(), headers=headers))
            self._published.add(1, {"topic": item.topic, "event_type": item.event_type.rsplit(".", 1)[-1]})
        for future in futures:
            await future

    async def _dead_letter(self, record: Received, reason: str, now: datetime) -> None:
        from aiokafka.errors import MessageSizeTooLargeError, RecordListTooLargeError

        letter = DeadLetterFor(record, reason, self._settings.service, now)
        try:
            await self._producer.send_and_wait(DEADLETTER, letter.value(), key=letter.key, headers=letter.headers)
        except (MessageSizeTooLargeError, RecordListTooLargeError) as error:
            # Larger than this producer or the dead-letter topic accepts: a crash here would stop
            # the partition for good, so the letter goes without the bytes (see DeadLetterFor).
            await self._producer.send_and_wait(DEADLETTER, letter.without_original(error), key=letter.key,
                                               headers=letter.headers)
        self._dead.add(1, {"topic": record.topic})


def _acted_on(record: Received, acts_on: frozenset[str]) -> bool:
    """Inbound events and internal ones without an event-type header are always decoded."""
    if record.topic not in INTERNAL_TOPICS:
        return True
    event_type = record.headers.get("event-type")
    return not event_type or event_type.decode("utf-8", "replace").rsplit(".", 1)[-1] in acts_on


def _received(message) -> Received:
    return Received(topic=message.topic, partition=message.partition, offset=message.offset,
                    key=message.key, value=message.value, headers=header_dict(message.headers))


def outgoing(topic: str, envelope: envelope_pb2.Envelope) -> Outgoing:
    return Outgoing(topic=topic, key=envelope.case_id or envelope.event_id, value=envelope.SerializeToString(),
                    event_id=envelope.event_id, event_type=envelope.event_type, case_id=envelope.case_id,
                    causation_id=envelope.causation_id)


async def _start_with_retry(client, what: str, attempts: int = 60) -> None:
    for attempt in range(attempts):
        try:
            await client.start()
            return
        except KafkaError as error:
            if attempt == attempts - 1:
                raise
            log.warning("Kafka %s not ready (%s); retrying", what, error)
            await asyncio.sleep(1.0)


__all__ = ["EventProcessor", "outgoing"]
