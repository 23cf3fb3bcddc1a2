"""The hop-latency histogram and the channel counter recorded around a service's batch handler."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader

from complaint_platform.envelope import Received, wrap
from complaint_platform.handling import BatchResult, Incoming
from complaint_platform.hop_metrics import MeasuredHandler
from complaints.v1 import case_events_pb2, common_pb2, envelope_pb2, inbound_pb2

NOW = datetime(2026, 12, 3, 8, 0, tzinfo=timezone.utc)


class Handler:
    acts_on = None
    held_cases = 7

    def __init__(self):
        self.batches = []

    def handle_batch(self, batch, now, positions=None, maybe_stored=False):
        self.batches.append((batch, now, positions, maybe_stored))
        return BatchResult()


def incoming(topic: str, envelope: envelope_pb2.Envelope) -> Incoming:
    return Incoming(Received(topic, 0, 1, b"k", b"", {}), envelope)


def figures(reader: InMemoryMetricReader) -> dict[str, list]:
    found = {}
    for resource in reader.get_metrics_data().resource_metrics:
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                found[metric.name] = list(metric.data.data_points)
    return found


def test_hops_are_timed_from_the_upstream_event_and_complaints_counted_by_channel():
    reader = InMemoryMetricReader()
    inner = Handler()
    handler = MeasuredHandler(inner, MeterProvider(metric_readers=[reader]).get_meter("test"))
    registered = wrap(case_events_pb2.CaseRegistered(case_id="K-1"), event_id="e1", case_id="K-1",
                      producer="intake", occurred_at=NOW - timedelta(seconds=2))
    submitted = envelope_pb2.Envelope(complaint_submitted=inbound_pb2.ComplaintSubmitted(
        submission_id="S-1", channel=common_pb2.CHANNEL_WEIBO))
    batch = [incoming("cases.intake.v1", registered), incoming("complaints.submitted.v1", submitted),
             incoming("complaints.submitted.v1", submitted)]
    assert isinstance(handler.handle_batch(batch, NOW, {("cases.intake.v1", 0): 2}), BatchResult)
    assert inner.batches == [(batch, NOW, {("cases.intake.v1", 0): 2}, False)]
    points = figures(reader)
    (hop,) = points["complaints_hop_latency"]
    assert hop.attributes == {"topic": "cases.intake.v1"} and hop.count == 1 and hop.sum == 2.0
    assert 2.0 <= hop.explicit_bounds[hop.bucket_counts.index(1)]
    (weibo,) = points["complaints_submissions_received"]
    assert weibo.attributes == {"channel": "WEIBO"} and weibo.value == 2


def test_everything_else_is_the_handlers_own():
    handler = MeasuredHandler(Handler(), MeterProvider().get_meter("test"))
    assert handler.held_cases == 7 and handler.acts_on is None
