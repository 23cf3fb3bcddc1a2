"""Reading and writing topics from outside the services (kafka-python).

Used by ``make dev`` to show a complaint travelling through the services, by
the simulator that plays the other systems, and by the integration tests.
"""

from __future__ import annotations

import asyncio
import json
import queue
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from google.protobuf import json_format
from google.protobuf.message import Message
from aiokafka import AIOKafkaConsumer, TopicPartition
from kafka import KafkaProducer
from tenacity import AsyncRetrying, RetryError, retry_if_result, stop_after_attempt, wait_fixed

from complaints.v1 import envelope_pb2
from complaint_platform.envelope import payload_of
from complaint_platform.topics import DEADLETTER, INTERNAL_TOPICS


@dataclass(frozen=True)
class SeenEvent:
    topic: str
    partition: int
    offset: int
    envelope: envelope_pb2.Envelope | None
    dead_letter: envelope_pb2.DeadLetter | None

    @property
    def name(self) -> str:
        if self.envelope is not None:
            return self.envelope.event_type.rsplit(".", 1)[-1]
        return "DeadLetter"

    @property
    def payload(self) -> Message:
        return payload_of(self.envelope) if self.envelope is not None else self.dead_letter

    @property
    def case_id(self) -> str:
        return self.envelope.case_id if self.envelope is not None else ""


class Publisher:
    """Plays the other systems: publishes inbound events as protobuf or protobuf-JSON."""

    def __init__(self, bootstrap: str) -> None:
        self._producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5,
                                       client_id="complaints-simulator")

    def publish(self, topic: str, message: Message, key: str, as_json: bool = False,
                headers: list[tuple[str, bytes]] | None = None) -> None:
        if as_json:
            value = json_format.MessageToJson(message, indent=None).encode()
            content_type = b"application/json"
        else:
            value = message.SerializeToString()
            content_type = b"application/x-protobuf"
        self.publish_raw(topic, value, key, [("content-type", content_type), *(headers or [])])

    def publish_raw(self, topic: str, value: bytes, key: str, headers: list[tuple[str, bytes]]) -> None:
        self._producer.send(topic, value=value, key=key.encode(), headers=headers)

    def flush(self) -> None:
        self._producer.flush(30)

    def close(self) -> None:
        self._producer.close(10)


async def partitions_of(consumer, topics: Iterable[str], attempts: int = 150) -> list[TopicPartition]:
    """Every partition of ``topics``, waiting (0.2 s per attempt) for topics still being created."""
    async def partitions_for(topic: str) -> set[int] | None:
        found = consumer.partitions_for_topic(topic)
        if not found:
            await consumer._client.force_metadata_update()
        return found

    waiting = AsyncRetrying(retry=retry_if_result(lambda found: not found), stop=stop_after_attempt(attempts),
                            wait=wait_fixed(0.2))
    partitions = []
    for topic in topics:
        try:
            found = await waiting(partitions_for, topic)
        except RetryError:
            raise RuntimeError(f"topic {topic} does not exist") from None
        partitions += [TopicPartition(topic, partition) for partition in sorted(found)]
    return partitions


class EventTail:
    """Follows the internal topics and the dead-letter topic from their current end.

    aiokafka in a background thread: kafka-python's fetcher skipped records on
    partitions that were empty when it started following them (seen against Tansu).
    """

    def __init__(self, bootstrap: str, topics: Iterable[str] = (*INTERNAL_TOPICS, DEADLETTER),
                 from_beginning: bool = False) -> None:
        self._records: queue.Queue = queue.Queue()
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=asyncio.run, daemon=True, name="event-tail",
                                        args=(self._follow(bootstrap, tuple(topics), from_beginning),))
        self._thread.start()
        if not self._ready.wait(60) or self._error is not None:
            raise RuntimeError(f"cannot follow topics: {self._error}")

    async def _follow(self, bootstrap: str, topics: tuple[str, ...], from_beginning: bool) -> None:
        consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                                    auto_offset_reset="earliest", fetch_max_wait_ms=50, client_id="complaints-tail")
        try:
            await consumer.start()
            partitions = await partitions_of(consumer, topics)
            consumer.assign(partitions)
            starts = await (consumer.beginning_offsets(partitions) if from_beginning
                            else consumer.end_offsets(partitions))
            for partition in partitions:
                consumer.seek(partition, starts[partition])
        except BaseException as error:  # noqa: BLE001 - reported to the constructor
            self._error = error
            self._ready.set()
            await consumer.stop()
            return
        self._ready.set()
        try:
            while not self._stop.is_set():
                batches = await consumer.getmany(timeout_ms=100)
                for records in batches.values():
                    for record in records:
                        self._records.put(_decode(record))
        finally:
            await consumer.stop()

    def poll(self, timeout_s: float = 0.2) -> list[SeenEvent]:
        seen = []
        try:
            seen.append(self._records.get(timeout=timeout_s))
            while True:
                seen.append(self._records.get_nowait())
        except queue.Empty:
            pass
        return seen

    def events(self, timeout_s: float) -> Iterator[SeenEvent]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            yield from self.poll()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(10)


def _decode(record) -> SeenEvent:
    if record.topic == DEADLETTER:
        letter = envelope_pb2.DeadLetter()
        letter.ParseFromString(record.value)
        return SeenEvent(record.topic, record.partition, record.offset, None, letter)
    envelope = envelope_pb2.Envelope()
    envelope.ParseFromString(record.value)
    return SeenEvent(record.topic, record.partition, record.offset, envelope, None)


def describe(event: SeenEvent) -> str:
    """One line for people watching: who did what to which case."""
    if event.dead_letter is not None:
        letter = event.dead_letter
        return f"dead letter from {letter.source_topic}@{letter.source_offset}: {letter.reason}"
    fields = json_format.MessageToDict(event.payload, preserving_proto_field_name=True)
    fields.pop("case_id", None)
    for bulky in ("customer", "summary", "attributes"):
        fields.pop(bulky, None)
    detail = ", ".join(f"{key}={json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value}"
                       for key, value in list(fields.items())[:6])
    return f"{event.envelope.producer:<12} {event.name:<24} case={event.case_id[:13]} {detail}"
