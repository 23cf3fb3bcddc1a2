"""The dead letter of a record the service could not handle: its original bytes, where it came
from, and why (masked and capped: everything the sender controls is bounded)."""

from __future__ import annotations

import logging
from datetime import datetime

from complaints.v1 import envelope_pb2

from .envelope import Received, to_timestamp
from .masking import mask_text

log = logging.getLogger(__name__)


class DeadLetterFor:
    """The original bytes stay intact for replay; everything else the sender controls is capped (a
    reason may quote a 1 MB field name, a content-type header may be 1 MB), so a letter is at most
    its original key and value plus a few kilobytes."""

    def __init__(self, record: Received, reason: str, service: str, now: datetime) -> None:
        self.record = record
        reason = mask_text(reason)
        if len(reason) > 2000:
            reason = f"{reason[:2000]}... ({len(reason) - 2000} more characters)"
        self.reason = reason
        content_type = record.content_type
        if len(content_type) > 200:
            content_type = f"{content_type[:200]}..."
        self.letter = envelope_pb2.DeadLetter(
            source_topic=record.topic, source_partition=record.partition, source_offset=record.offset,
            original_value=record.value or b"", original_key=record.key or b"", reason=reason,
            rejected_by=service, content_type=content_type,
        )
        self.letter.rejected_at.CopyFrom(to_timestamp(now))
        log.warning("dead-lettered %s[%d]@%d: %s", record.topic, record.partition, record.offset, reason[:500],
                    extra={"fields": {"topic": record.topic, "offset": record.offset, "reason": reason[:500]}})
        self.key = record.key if record.key is None or len(record.key) <= 1024 else record.key[:1024]
        self.headers = [("content-type", b"application/x-protobuf"),
                        ("reason", reason.encode("utf-8")[:1000].decode("utf-8", "ignore").encode("utf-8"))]

    def value(self) -> bytes:
        return self.letter.SerializeToString()

    def without_original(self, error: Exception) -> bytes:
        """The letter without the original bytes, which stay in the source partition at the
        offset it names (too large for the producer or the dead-letter topic)."""
        record = self.record
        size = len(record.value or b"") + len(record.key or b"")
        self.letter.original_value, self.letter.original_key = b"", b""
        self.letter.reason = (f"{self.reason}; original key and value ({size} bytes) too large for the dead-letter "
                              f"topic ({type(error).__name__}): replay from {record.topic}[{record.partition}]"
                              f"@{record.offset}")
        log.error("dead letter for %s[%d]@%d sent without its %d original bytes: %s", record.topic,
                  record.partition, record.offset, size, error)
        return self.value()
