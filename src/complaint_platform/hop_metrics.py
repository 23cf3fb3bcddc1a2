"""What the runtime's counters leave out: how long each hop took, and which channels complaints come from.

A service's batch handler is wrapped in ``MeasuredHandler`` where the service is wired (its app.py):

- ``complaints_hop_latency_seconds`` (histogram, by ``topic``): for each internal event handled, the time
  from the upstream service's event (``Envelope.occurred_at``) to this service handling it; with
  Prometheus's ``job`` label, one histogram per hop (intake -> dispatch on ``cases.intake.v1`` ...).
- ``complaints_submissions_received_total`` (counter, by ``channel``): inbound complaints handled by intake.

Both count a batch once it is stored; a batch handled again after a lost commit answer counts again
(rare, and only these two figures).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from complaints.v1 import common_pb2

from .topics import COMPLAINTS_SUBMITTED, INTERNAL_TOPICS

# seconds: a hop on the embedded broker takes tens of milliseconds, a backlog minutes
HOP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)


class MeasuredHandler:
    """The service's handler, unchanged, with the two figures recorded after each stored batch."""

    def __init__(self, handler: Any, meter: Any) -> None:
        self._handler = handler
        self._hops = meter.create_histogram(
            "complaints_hop_latency", unit="s", explicit_bucket_boundaries_advisory=HOP_BUCKETS,
            description="from the upstream service's event to this service handling it, by topic")
        self._submissions = meter.create_counter(
            "complaints_submissions_received", description="inbound complaints handled by intake, by channel")

    def handle_batch(self, batch: list, now: datetime, positions: dict | None = None, maybe_stored: bool = False):
        result = self._handler.handle_batch(batch, now, positions, maybe_stored)
        for incoming in batch:
            topic, envelope = incoming.record.topic, incoming.envelope
            if topic in INTERNAL_TOPICS and envelope.HasField("occurred_at"):
                waited = now - envelope.occurred_at.ToDatetime(tzinfo=timezone.utc)
                self._hops.record(max(waited.total_seconds(), 0.0), {"topic": topic})
            elif topic == COMPLAINTS_SUBMITTED and envelope.WhichOneof("payload") == "complaint_submitted":
                channel = envelope.complaint_submitted.channel
                self._submissions.add(1, {"channel": common_pb2.Channel.Name(channel).removeprefix("CHANNEL_")
                                          if channel in common_pb2.Channel.values() else str(channel)})
        return result

    def __getattr__(self, name: str) -> Any:
        # everything else (stored positions and outputs, acts_on, held, release ...) is the handler's own
        return getattr(self._handler, name)
