"""``complaints publish``: protobuf-JSON documents to an inbound topic, as another system would.

Checking, keys and headers are complaint_platform.publishing's (the services' own decoder and
validation): a document they would dead-letter is refused here with the same reason.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from complaint_platform.config import ConfigError, load_kafka_settings
from complaint_platform.publishing import Outbound, PublishError, prepare, send, topic_for_file
from complaint_platform.topics import INBOUND_TOPICS

from .common import FAILED, WRONG, JsonOption, RateColumn, err, fail, print_json, table

CHUNK = 500  # records per producer session: progress moves on while a large batch is sent


def publish(files: Annotated[list[str], typer.Argument(metavar="FILE...", help="protobuf-JSON; '-' reads stdin")],
            topic: Annotated[str, typer.Option(help="inbound topic (default: the one each file is named after: "
                                                    + ", ".join(INBOUND_TOPICS) + ")")] = "",
            key: Annotated[str, typer.Option(help="default: case id, else customer id, else the message's id")] = "",
            event_id: Annotated[str, typer.Option(help="the event-id header (default: derived from the content)")]
            = "",
            binary: Annotated[bool, typer.Option("--binary", help="send binary protobuf instead of JSON")] = False,
            as_json: JsonOption = False) -> None:
    """Check each document as the services would, then publish it with its key and headers (KAFKA_* settings)."""
    records: list[Outbound] = []
    for name in files:
        chosen = topic or ("" if name == "-" else topic_for_file(name) or "")
        if not chosen:
            fail(f"publish: cannot tell the topic of {name}; pass --topic (one of {', '.join(INBOUND_TOPICS)})")
        try:
            document = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
            records.append(prepare(chosen, document, key=key, binary=binary, event_id=event_id))
        except OSError as error:
            fail(f"publish: cannot read {name}: {error.strerror or error}")
        except PublishError as error:
            fail(f"publish: {name}: {error}; nothing published", WRONG)
    try:
        kafka = load_kafka_settings()
    except ConfigError as error:
        fail(f"publish: {error}")
    with Progress(TextColumn("published 已发布"), BarColumn(), MofNCompleteColumn(), RateColumn(),
                  TimeElapsedColumn(), console=err, disable=len(records) < 2) as progress:
        task = progress.add_task("publish", total=len(records))
        sent = []
        try:
            for start in range(0, len(records), CHUNK):
                sent += asyncio.run(send(kafka, records[start:start + CHUNK]))
                progress.update(task, completed=len(sent))
        except Exception as error:  # noqa: BLE001 - the broker's answer, in one line
            fail(f"publish: Kafka at {kafka.bootstrap_servers} refused or did not answer: {error}", FAILED)
    if as_json:
        print_json([{"topic": done.topic, "partition": done.partition, "offset": done.offset, "key": done.key}
                    for done in sent])
        return
    table(f"published {len(sent)}", ["topic", "partition", "offset", "key"],
          [[done.topic, done.partition, done.offset, done.key] for done in sent])
