"""OTLP as the OpenTelemetry specification configures it: OTEL_METRICS_EXPORTER=otlp pushes metrics,
OTEL_EXPORTER_OTLP_PROTOCOL=grpc (or the signal's own _TRACES_/_METRICS_PROTOCOL) sends traces and
metrics over gRPC to OTEL_EXPORTER_OTLP_ENDPOINT. Checked against a collector on loopback."""

from __future__ import annotations

from concurrent import futures

import grpc
import pytest
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter as GrpcSpans
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter as HttpSpans
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2, metrics_service_pb2_grpc
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc

from complaint_platform.config import ConfigError, load_settings
from complaint_platform.telemetry import Telemetry, otlp_span_exporter


class Collector(trace_service_pb2_grpc.TraceServiceServicer, metrics_service_pb2_grpc.MetricsServiceServicer):
    def __init__(self) -> None:
        self.spans: list[str] = []
        self.metrics: list[str] = []

    def Export(self, request, context):  # both services name their method Export
        if isinstance(request, trace_service_pb2.ExportTraceServiceRequest):
            self.spans += [span.name for resource in request.resource_spans for scope in resource.scope_spans
                           for span in scope.spans]
            return trace_service_pb2.ExportTraceServiceResponse()
        self.metrics += [metric.name for resource in request.resource_metrics for scope in resource.scope_metrics
                         for metric in scope.metrics]
        return metrics_service_pb2.ExportMetricsServiceResponse()


@pytest.fixture()
def collector():
    received = Collector()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    trace_service_pb2_grpc.add_TraceServiceServicer_to_server(received, server)
    metrics_service_pb2_grpc.add_MetricsServiceServicer_to_server(received, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    yield received, f"http://127.0.0.1:{port}"
    server.stop(None)


def test_traces_and_metrics_reach_an_otlp_grpc_collector(collector, monkeypatch):
    received, endpoint = collector
    env = {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_METRICS_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc",
           "METRICS_PORT": "0"}
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)  # read by the exporters themselves
    telemetry = Telemetry(load_settings("dispatch", env))
    with telemetry.span("cases.intake.v1 batch"):
        telemetry.meter.create_counter("complaints_events_processed_total").add(3)
    telemetry.shutdown()  # flushes both
    assert "cases.intake.v1 batch" in received.spans
    assert "complaints_events_processed_total" in received.metrics


def test_the_protocol_picks_the_exporter_and_a_signal_may_override_it():
    assert isinstance(otlp_span_exporter("grpc"), GrpcSpans)
    assert isinstance(otlp_span_exporter("http/protobuf"), HttpSpans)
    settings = load_settings("intake", {"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc",
                                        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/protobuf"})
    assert (settings.otlp_protocol, settings.otlp_traces_protocol) == ("grpc", "http/protobuf")
    assert load_settings("intake", {}).otlp_protocol == "http/protobuf"  # the specification's default


@pytest.mark.parametrize("variable, value, says", [
    ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json", "http/json is not supported"),
    ("OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "thrift", "expected grpc or http/protobuf"),
    ("OTEL_METRICS_EXPORTER", "otlp,statsd", "unsupported exporter 'statsd'")])
def test_bad_otel_variables_are_named(variable, value, says):
    with pytest.raises(ConfigError, match=f"{variable}: .*{says}"):
        load_settings("intake", {variable: value})


def test_metrics_exporters_are_a_list_as_the_specification_says():
    assert load_settings("intake", {"OTEL_METRICS_EXPORTER": "prometheus,otlp"}).metrics_exporter == (
        "prometheus", "otlp")
    assert load_settings("intake", {"OTEL_METRICS_EXPORTER": "none"}).metrics_exporter == ()
