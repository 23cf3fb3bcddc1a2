"""Publishing an inbound event the way another system would: a protobuf-JSON document to its topic,
with the key and headers the services expect.

The document is checked first with the services' own decoder and validation, so a message they
would dead-letter is refused here with the same reason (naming the field). The command line
(``complaints publish`` calls ``publish_document``) and ``python -m complaint_platform.publishing
FILE`` use it; the topic comes from ``--topic`` or from a file named after it
(``docs/examples/complaints.submitted.v1.json``).

Key: the case id when the message has one, else the customer id, else the message's own id, so
one case's (or customer's) events stay in order on one partition.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from google.protobuf import json_format
from google.protobuf.message import Message

from . import kafka_clients
from .config import ConfigError, KafkaSettings, load_kafka_settings
from .envelope import JSON, PROTOBUF, Received, decode, payload_of
from .topics import INBOUND_MESSAGE, INBOUND_TOPICS
from .validation import InvalidEvent


class PublishError(ValueError):
    """The document or the topic is wrong; the message says what to change."""


@dataclass(frozen=True)
class Outbound:
    """One record ready to send: what goes on the wire, exactly."""

    topic: str
    key: str
    value: bytes
    headers: list[tuple[str, bytes]]


@dataclass(frozen=True)
class Published:
    topic: str
    partition: int
    offset: int
    key: str


def topic_for_file(path: str | Path) -> str | None:
    """The inbound topic a file is named after (``complaints.submitted.v1.json``), if any."""
    name = Path(path).name.removesuffix(".json")
    return name if name in INBOUND_MESSAGE else None


def prepare(topic: str, document: str | bytes, *, key: str = "", binary: bool = False, event_id: str = "",
            traceparent: str = "", now: datetime | None = None) -> Outbound:
    """Check ``document`` (protobuf-JSON of the topic's message) as the services would and build the
    record: sent as JSON with ``content-type: application/json``, or as binary protobuf."""
    if topic not in INBOUND_MESSAGE:
        raise PublishError(f"topic: {topic!r} is not an inbound topic; one of {', '.join(INBOUND_TOPICS)}")
    value = document.encode("utf-8") if isinstance(document, str) else document
    headers = [("content-type", JSON.encode())]
    headers += [("event-id", event_id.encode())] if event_id else []
    headers += [("traceparent", traceparent.encode())] if traceparent else []
    try:
        message = payload_of(decode(Received(topic, 0, 0, None, value, dict(headers)), now or _now()))
    except InvalidEvent as error:
        raise PublishError(f"{INBOUND_MESSAGE[topic]} would be dead-lettered: {error}") from None
    if binary:
        value = message.SerializeToString()
        headers[0] = ("content-type", PROTOBUF.encode())
    return Outbound(topic, key or key_of(message), value, headers)


def key_of(message: Message) -> str:
    if getattr(message, "case_id", ""):
        return message.case_id
    customer = getattr(message, "customer", None)
    if customer is not None and customer.id:
        return customer.id
    return str(getattr(message, message.DESCRIPTOR.fields[0].name))  # each inbound message starts with its id


async def send(kafka: KafkaSettings, records: Sequence[Outbound], client_id: str = "complaints-publisher"
               ) -> list[Published]:
    """Send in order and wait for the brokers' acknowledgement of each (acks=all)."""
    producer = kafka_clients.producer(kafka, client_id)
    await producer.start()
    try:
        sent = []
        for record in records:
            metadata = await producer.send_and_wait(record.topic, record.value, key=record.key.encode(),
                                                    headers=record.headers)
            sent.append(Published(record.topic, metadata.partition, metadata.offset, record.key))
        return sent
    finally:
        await producer.stop()


def publish_document(kafka: KafkaSettings, topic: str, document: str | bytes, **options) -> Published:
    """Check, build and send one document (``options``: key, binary, event_id, traceparent)."""
    return asyncio.run(send(kafka, [prepare(topic, document, **options)]))[0]


def publish_file(kafka: KafkaSettings, path: str | Path, topic: str = "", **options) -> Published:
    """Publish a protobuf-JSON file; the topic defaults to the one the file is named after."""
    chosen = topic or topic_for_file(path)
    if not chosen:
        raise PublishError(f"topic: {Path(path).name} is not named after an inbound topic; pass the topic "
                           f"({', '.join(INBOUND_TOPICS)})")
    return publish_document(kafka, chosen, Path(path).read_bytes(), **options)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def main(argv: list[str] | None = None) -> int:
    top = argparse.ArgumentParser(
        prog="python -m complaint_platform.publishing",
        description="Publish protobuf-JSON files to inbound topics as another system would (KAFKA_* variables "
                    "as for the services). Each is checked with the services' own validation first.")
    top.add_argument("files", nargs="+", metavar="FILE", help="protobuf-JSON document; '-' reads stdin")
    top.add_argument("--topic", default="", help="default: the inbound topic each file is named after")
    top.add_argument("--key", default="", help="default: case id, else customer id, else the message's id")
    top.add_argument("--binary", action="store_true", help="send binary protobuf instead of JSON")
    args = top.parse_args(argv)
    try:
        kafka = load_kafka_settings()
        records = []
        for name in args.files:
            topic = args.topic or ("" if name == "-" else topic_for_file(name) or "")
            if not topic:
                raise PublishError(f"topic: cannot tell the topic of {name}; pass --topic")
            document = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
            records.append(prepare(topic, document, key=args.key, binary=args.binary))
    except (PublishError, ConfigError, OSError) as error:
        print(f"publish: {error}", file=sys.stderr)
        return 2
    try:
        for done in asyncio.run(send(kafka, records)):
            print(json.dumps({"topic": done.topic, "partition": done.partition, "offset": done.offset,
                              "key": done.key}, ensure_ascii=False))
    except Exception as error:  # noqa: BLE001 - the broker's answer, in one line
        print(f"publish: Kafka at {kafka.bootstrap_servers} refused or did not answer: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
