"""OpenTelemetry wiring: one tracer per service, context in Kafka headers, JSON logs.

Consumer spans are started by hand from the W3C ``traceparent`` header (the
Kafka clients have no consumer-side instrumentation that fits batch handling);
producers inject it the same way.
One complaint is therefore one trace across all four services.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import metrics, propagate, trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import Event, ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SimpleSpanProcessor,
    SpanExporter,
    SpanExportResult,
)
from opentelemetry.trace import SpanKind, Status
from pythonjsonlogger.json import JsonFormatter

from .config import Settings
from .masking import mask_fields, mask_text, mask_value

_TRACE_HEADERS = ("traceparent", "tracestate")


class JsonLinesSpanExporter(SpanExporter):
    """Dev exporter: one JSON object per finished span, appended to a file."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._lock = threading.Lock()

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        lines = [json.dumps(_span_record(span), ensure_ascii=False) for span in spans]
        with self._lock, open(self._path, "a", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        return None


class MaskingSpanExporter(SpanExporter):
    """Masks personal data in every finished span before any exporter sees it.

    Attributes are masked when a span starts (``_clean``), but the SDK adds more later:
    exception events (``exception.message``, ``exception.stacktrace``) and the status
    description, both taken from exception texts. This wrapper masks those too, for
    OTLP and the console as well as the JSON-lines file.
    """

    def __init__(self, inner: SpanExporter) -> None:
        self._inner = inner

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        return self._inner.export([masked_span(span) for span in spans])

    def shutdown(self) -> None:
        self._inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self._inner.force_flush(timeout_millis)


def masked_span(span: ReadableSpan) -> ReadableSpan:
    status = span.status
    if status.description:
        status = Status(status.status_code, mask_text(status.description))
    return ReadableSpan(
        name=mask_text(span.name), context=span.get_span_context(), parent=span.parent, resource=span.resource,
        attributes=mask_fields(dict(span.attributes or {})),
        events=[Event(mask_text(event.name), mask_fields(dict(event.attributes or {})), event.timestamp)
                for event in span.events],
        links=span.links, kind=span.kind, status=status, start_time=span.start_time, end_time=span.end_time,
        instrumentation_scope=span.instrumentation_scope)


def _span_record(span: ReadableSpan) -> dict[str, Any]:
    context = span.get_span_context()
    record = {
        "name": mask_text(span.name),
        "trace_id": format(context.trace_id, "032x"),
        "span_id": format(context.span_id, "016x"),
        "parent_span_id": format(span.parent.span_id, "016x") if span.parent else None,
        "service": span.resource.attributes.get("service.name"),
        "kind": span.kind.name,
        "start_ns": span.start_time,
        "end_ns": span.end_time,
        "attributes": mask_fields(dict(span.attributes or {})),
        "status": span.status.status_code.name,
    }
    if span.status.description:
        record["status_description"] = mask_text(span.status.description)
    if span.events:
        record["events"] = [{"name": mask_text(event.name), "attributes": mask_fields(dict(event.attributes or {}))}
                            for event in span.events]
    return record


class Telemetry:
    """Tracer and meter for one service process."""

    def __init__(self, settings: Settings) -> None:
        resource = Resource.create({"service.name": settings.otel_service_name,
                                    "service.namespace": "complaints"})
        provider = TracerProvider(resource=resource)
        for name in settings.traces_exporter:
            if name == "otlp":
                exporter = otlp_span_exporter(settings.otlp_traces_protocol or settings.otlp_protocol)
                provider.add_span_processor(BatchSpanProcessor(MaskingSpanExporter(exporter)))
            elif name == "console":
                provider.add_span_processor(BatchSpanProcessor(MaskingSpanExporter(ConsoleSpanExporter())))
        if settings.spans_file:
            # Synchronous: each span is appended to the file when it ends (tests read it right away).
            exporter = MaskingSpanExporter(JsonLinesSpanExporter(settings.spans_file))
            provider.add_span_processor(SimpleSpanProcessor(exporter))
        self.tracer_provider = provider
        self.tracer = provider.get_tracer(f"complaints.{settings.service}")
        self.meter_provider = _meter_provider(settings, resource)
        self.meter = self.meter_provider.get_meter(f"complaints.{settings.service}")
        trace.set_tracer_provider(provider)

    def shutdown(self) -> None:
        self.tracer_provider.shutdown()
        self.meter_provider.shutdown()

    @contextmanager
    def consuming(self, topic: str, headers: dict[str, bytes], **attributes: Any):
        """A CONSUMER span whose parent is the producer's span from the headers."""
        carrier = {name: headers[name].decode("latin-1") for name in _TRACE_HEADERS if name in headers}
        parent = propagate.extract(carrier)
        token = otel_context.attach(parent)
        try:
            with self.tracer.start_as_current_span(
                f"{topic} process", kind=SpanKind.CONSUMER,
                attributes={"messaging.system": "kafka", "messaging.destination.name": topic,
                            **_clean(attributes)},
            ) as span:
                yield span
        finally:
            otel_context.detach(token)

    def span(self, name: str, **attributes: Any):
        return self.tracer.start_as_current_span(name, attributes=_clean(attributes))


def inject_trace(headers: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return headers + [(name, value.encode("latin-1")) for name, value in carrier.items()]


def _clean(attributes: dict[str, Any]) -> dict[str, Any]:
    """Span attributes, masked by key (``customer.name``) and by pattern (phone numbers in any text)."""
    return {key: mask_value(key, value) for key, value in attributes.items() if value is not None}


def otlp_span_exporter(protocol: str) -> SpanExporter:
    """OTLP over gRPC or HTTP/protobuf; endpoint, headers, certificates and timeout come from the
    standard OTEL_EXPORTER_OTLP_* variables, which the exporters read themselves."""
    if protocol == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
    else:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    return OTLPSpanExporter()


def otlp_metric_exporter(protocol: str):
    if protocol == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter
    else:
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
    return OTLPMetricExporter()


def _meter_provider(settings: Settings, resource: Resource) -> MeterProvider:
    from opentelemetry.sdk.metrics.export import ConsoleMetricExporter, PeriodicExportingMetricReader

    readers = []
    if "prometheus" in settings.metrics_exporter and settings.metrics_port:
        from opentelemetry.exporter.prometheus import PrometheusMetricReader
        from prometheus_client import start_http_server

        start_http_server(settings.metrics_port, addr=settings.grpc_host)
        readers.append(PrometheusMetricReader())
    if "otlp" in settings.metrics_exporter:  # pushed every OTEL_METRIC_EXPORT_INTERVAL (60 s by default)
        exporter = otlp_metric_exporter(settings.otlp_metrics_protocol or settings.otlp_protocol)
        readers.append(PeriodicExportingMetricReader(exporter))
    if "console" in settings.metrics_exporter:
        readers.append(PeriodicExportingMetricReader(ConsoleMetricExporter()))
    provider = MeterProvider(resource=resource, metric_readers=readers)
    metrics.set_meter_provider(provider)
    return provider


class JsonLogFormatter(JsonFormatter):
    """Structured logs (python-json-logger): one JSON object per line with the time in UTC (``ts``),
    ``level``, ``service``, ``logger``, ``message``, the ``trace_id``/``span_id`` of the current span,
    the record's ``fields`` and the exception as ``error``; personal data masked in all of them."""

    _UNMASKED = frozenset({"ts", "level", "service", "logger", "trace_id", "span_id"})

    def __init__(self, service: str) -> None:
        super().__init__("%(levelname)s %(name)s %(message)s", timestamp="ts", static_fields={"service": service},
                         rename_fields={"levelname": "level", "name": "logger", "exc_info": "error"},
                         json_ensure_ascii=False)

    def add_fields(self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]) -> None:
        super().add_fields(log_data, record, message_dict)
        fields = log_data.pop("fields", None)
        if isinstance(fields, dict):
            log_data.update(fields)
        context = trace.get_current_span().get_span_context()
        if context.is_valid:
            log_data["trace_id"] = format(context.trace_id, "032x")
            log_data["span_id"] = format(context.span_id, "016x")

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        return {key: value if key in self._UNMASKED else mask_value(key, value) for key, value in log_data.items()}


class MaskingTextFormatter(logging.Formatter):
    """Plain-text logs (LOG_FORMAT=text): the whole line, traceback included, is masked."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_text(super().format(record))


def configure_logging(settings: Settings, stream=None) -> None:
    handler = logging.StreamHandler(stream or sys.stderr)
    if settings.log_format == "json":
        handler.setFormatter(JsonLogFormatter(settings.service))
    else:
        handler.setFormatter(MaskingTextFormatter(f"%(asctime)s {settings.service} %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level)
    for noisy in ("aiokafka", "kafka", "pymongo", "jieba"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    _route_uncaught_exceptions()


def _route_uncaught_exceptions() -> None:
    """Uncaught exceptions would otherwise print their (unmasked) text straight to stderr."""
    crash_log = logging.getLogger("complaints.uncaught")

    def on_exception(kind, value, traceback) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, traceback)
            return
        crash_log.critical("uncaught exception", exc_info=(kind, value, traceback))

    def on_thread_exception(args) -> None:
        if args.exc_type is SystemExit:
            return
        crash_log.error("uncaught exception in thread %s", getattr(args.thread, "name", "?"),
                        exc_info=(args.exc_type, args.exc_value, args.exc_traceback))

    sys.excepthook = on_exception
    threading.excepthook = on_thread_exception


def header_dict(headers: Iterable[tuple[str, bytes]] | dict | None) -> dict[str, bytes]:
    if not headers:
        return {}
    items = headers.items() if isinstance(headers, dict) else headers
    return {str(key).lower(): (value if isinstance(value, bytes) else str(value).encode()) for key, value in items}
