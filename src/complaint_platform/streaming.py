"""Faust runtime: consume a batch, decode, hand to the service, publish, then ack.

At-least-once: Faust commits an offset only after the agent has finished the
batch that held it, and the batch is finished only after the handler stored
its effects and every output (and dead letter) was acknowledged by the broker.
Bad input is dead-lettered with a reason and never stops a partition.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import faust
from faust.transport import drivers
from faust.transport.drivers import aiokafka as faust_aiokafka

from complaints.v1 import envelope_pb2

from .clock import Clock
from .config import Settings
from .envelope import Received, decode, headers_for, to_timestamp
from .handling import BatchHandler, BatchResult, Incoming, Outgoing
from .masking import mask_text
from .telemetry import Telemetry, header_dict, inject_trace
from .topics import DEADLETTER
from .validation import InvalidEvent

log = logging.getLogger(__name__)
_RETRY_DELAYS = (0.2, 0.5, 1.0, 2.0, 5.0)


class _TunedConsumerThread(faust_aiokafka.AIOKafkaConsumerThread):
    def _create_worker_consumer(self, transport):
        consumer = super()._create_worker_consumer(transport)
        # Faust hard-codes 1.5 s; Tansu holds every fetch that long (DESIGN.md s.8).
        consumer._fetch_max_wait_ms = getattr(self.app, "fetch_max_wait_ms", 1500)
        return consumer


class _TunedConsumer(faust_aiokafka.Consumer):
    def _new_consumer_thread(self):
        return _TunedConsumerThread(self, loop=self.loop, beacon=self.beacon)


class TunedTransport(faust_aiokafka.Transport):
    Consumer = _TunedConsumer


drivers.TRANSPORTS.aliases["complaints-kafka"] = "complaint_platform.streaming:TunedTransport"


def create_app(settings: Settings) -> faust.App:
    servers = [f"complaints-kafka://{host.strip()}" for host in settings.kafka.bootstrap_servers.split(",")]
    kafka = settings.kafka
    app = faust.App(
        f"complaints-{settings.service}",
        broker=servers,
        broker_credentials=_credentials(settings),
        web_enabled=False,
        autodiscover=False,
        store="memory://",
        consumer_auto_offset_reset="earliest",
        broker_session_timeout=kafka.session_timeout_s,
        broker_heartbeat_interval=max(kafka.session_timeout_s / 5, 0.3),
        broker_request_timeout=max(kafka.session_timeout_s * 3, 40.0),
        broker_commit_interval=kafka.commit_interval_s,
        broker_commit_every=kafka.batch_size,
        producer_acks=-1,
        producer_linger_ms=5,
        stream_wait_empty=True,
        topic_disable_leader=True,
        topic_allow_declare=False,
        topic_replication_factor=1,
        stream_buffer_maxsize=max(kafka.batch_size * 4, 1000),
    )
    app.fetch_max_wait_ms = kafka.fetch_max_wait_ms  # read by _TunedConsumerThread
    return app


def _credentials(settings: Settings):
    kafka = settings.kafka
    if kafka.security_protocol.startswith("SASL"):
        import ssl

        context = ssl.create_default_context() if kafka.security_protocol == "SASL_SSL" else None
        return faust.SASLCredentials(username=kafka.sasl_username, password=kafka.sasl_password,
                                     mechanism=kafka.sasl_mechanism or "PLAIN", ssl_context=context)
    if kafka.security_protocol == "SSL":
        import ssl

        return faust.SSLCredentials(ssl.create_default_context())
    return None


class EventProcessor:
    """One agent over the service's input topics, feeding a BatchHandler."""

    def __init__(self, app: faust.App, settings: Settings, telemetry: Telemetry,
                 handler: BatchHandler, clock: Clock, is_transient: Callable[[BaseException], bool]) -> None:
        self._app = app
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
        self._published = meter.create_counter("complaints_events_published", description="events published, by topic")

    def attach(self, topics: Sequence[str]) -> None:
        channel = self._app.topic(*topics, key_type=bytes, value_type=bytes,
                                  key_serializer="raw", value_serializer="raw")
        batch_size, within = self._settings.kafka.batch_size, self._settings.kafka.batch_within_s

        async def process_events(stream):
            self._loop = asyncio.get_running_loop()
            async for events in stream.take_events(batch_size, within=within):
                await self.process(events)

        process_events.__name__ = f"process_{self._settings.service}_events"
        self._app.agent(channel, name=f"{self._settings.service}.process_events")(process_events)

    async def process(self, events) -> None:
        now = self._clock.now()
        records = [_received(event.message) for event in events]
        good: list[Incoming] = []
        result = BatchResult()
        for record in records:
            try:
                good.append(Incoming(record, decode(record, now)))
            except InvalidEvent as error:
                await self._dead_letter(record, str(error), now)
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
            if good:
                result = await self._handle(good, now)
            for rejected in result.rejected:
                await self._dead_letter(rejected.incoming.record, rejected.reason, now)
            await self._publish(result.outgoing, contexts)
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
        with self._telemetry.span(f"{self._settings.service} job", job=getattr(job, "__name__", "job")):
            await self._publish(produced, {})
        if published is not None:
            await loop.run_in_executor(self._executor, published, [item.event_id for item in produced])

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

    async def _handle(self, batch: list[Incoming], now: datetime) -> BatchResult:
        loop = asyncio.get_running_loop()
        attempt = 0
        while True:
            try:
                return await loop.run_in_executor(self._executor, self._handler.handle_batch, batch, now)
            except Exception as error:  # noqa: BLE001 - classified below, never swallowed
                self._failed.add(1, {"topic": batch[0].record.topic})
                if self._is_transient(error):
                    delay = _RETRY_DELAYS[min(attempt, len(_RETRY_DELAYS) - 1)] * (1 + random.random() / 4)
                    log.warning("storage unavailable, retrying batch in %.1fs: %s", delay, error)
                    attempt += 1
                    await asyncio.sleep(delay)
                    continue
                if len(batch) == 1:
                    # A poison event: dead-letter it so the partition keeps flowing.
                    log.exception("handler failed on event %s", batch[0].event_id)
                    await self._dead_letter(batch[0].record, f"handler error: {type(error).__name__}: {error}", now)
                    return BatchResult()
                # Isolate the culprit: one event at a time, the rest still go through.
                result = BatchResult()
                for item in batch:
                    result.extend(await self._handle([item], now))
                return result

    async def _publish(self, outgoing: list[Outgoing], contexts) -> None:
        futures = []
        for item in outgoing:
            headers = [("content-type", b"application/x-protobuf"), ("event-id", item.event_id.encode()),
                       ("event-type", item.event_type.encode()), ("case-id", item.case_id.encode()),
                       ("producer", self._settings.service.encode())]
            cause = contexts.get(item.causation_id)
            if cause is not None:
                from opentelemetry import trace

                with trace.use_span(cause[1], end_on_exit=False):
                    headers = inject_trace(headers)
            futures.append(await self._app.producer.send(item.topic, item.key.encode(), item.value, None, None, headers))
            self._published.add(1, {"topic": item.topic})
        for future in futures:
            await future

    async def _dead_letter(self, record: Received, reason: str, now: datetime) -> None:
        reason = mask_text(reason)
        letter = envelope_pb2.DeadLetter(
            source_topic=record.topic, source_partition=record.partition, source_offset=record.offset,
            original_value=record.value or b"", original_key=record.key or b"", reason=reason,
            rejected_by=self._settings.service, content_type=record.content_type,
        )
        letter.rejected_at.CopyFrom(to_timestamp(now))
        log.warning("dead-lettered %s[%d]@%d: %s", record.topic, record.partition, record.offset, reason,
                    extra={"fields": {"topic": record.topic, "offset": record.offset, "reason": reason}})
        await self._app.producer.send_and_wait(DEADLETTER, record.key, letter.SerializeToString(), None, None,
                                               [("content-type", b"application/x-protobuf"),
                                                ("reason", reason.encode("utf-8")[:1000])])
        self._dead.add(1, {"topic": record.topic})


def _received(message) -> Received:
    return Received(topic=message.topic, partition=message.partition, offset=message.offset,
                    key=message.key, value=message.value, headers=header_dict(message.headers))


def outgoing(topic: str, envelope: envelope_pb2.Envelope) -> Outgoing:
    return Outgoing(topic=topic, key=envelope.case_id or envelope.event_id, value=envelope.SerializeToString(),
                    event_id=envelope.event_id, event_type=envelope.event_type, case_id=envelope.case_id,
                    causation_id=envelope.causation_id)


__all__ = ["EventProcessor", "create_app", "outgoing", "headers_for"]
