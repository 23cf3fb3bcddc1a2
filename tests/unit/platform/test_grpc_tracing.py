"""Server spans carry the call's status code; an abort is an answer, not an exception to record."""

from __future__ import annotations

from collections import namedtuple

import grpc
import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.trace import StatusCode

from complaint_platform.grpc_server import _TracingInterceptor

Details = namedtuple("Details", "method invocation_metadata")
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


class _Collect(SpanExporter):
    def __init__(self) -> None:
        self.spans = []

    def export(self, spans):
        self.spans.extend(spans)
        return SpanExportResult.SUCCESS


class _Context:
    """What a grpc server context does on abort: remember the code, raise a bare Exception."""

    def __init__(self) -> None:
        self._code = None

    def abort(self, code, details):
        self._code = code
        raise Exception()  # noqa: TRY002 - grpc's own behaviour

    def code(self):
        return self._code


@pytest.fixture()
def traced():
    collected = _Collect()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(collected))
    interceptor = _TracingInterceptor(provider.get_tracer("test"))

    def call(behaviour, metadata=()):
        handler = grpc.unary_unary_rpc_method_handler(behaviour)
        wrapped = interceptor.intercept_service(lambda details: handler,
                                                Details("/complaints.v1.IntakeService/GetCase", metadata))
        context = _Context()
        try:
            return wrapped.unary_unary("request", context)
        finally:
            call.spans = collected.spans

    return call


def test_a_successful_call_records_ok_and_continues_the_callers_trace(traced):
    assert traced(lambda request, context: "answer",
                  (("traceparent", f"00-{TRACE_ID}-00f067aa0ba902b7-01"),)) == "answer"
    [span] = traced.spans
    assert span.attributes["rpc.grpc.status_code"] == 0 and span.status.status_code == StatusCode.UNSET
    assert format(span.context.trace_id, "032x") == TRACE_ID


def test_an_abort_is_an_answer_not_an_exception(traced):
    def missing(request, context):
        context.abort(grpc.StatusCode.NOT_FOUND, "no such case")

    with pytest.raises(Exception):  # noqa: B017 - grpc turns it into the status
        traced(missing)
    [span] = traced.spans
    assert span.attributes["rpc.grpc.status_code"] == grpc.StatusCode.NOT_FOUND.value[0]
    assert span.status.status_code == StatusCode.UNSET and not span.events


def test_a_server_fault_is_an_error_with_the_exception_recorded(traced):
    def broken(request, context):
        raise KeyError("state")

    with pytest.raises(KeyError):
        traced(broken)
    [span] = traced.spans
    assert span.attributes["rpc.grpc.status_code"] == grpc.StatusCode.UNKNOWN.value[0]
    assert span.status.status_code == StatusCode.ERROR
    assert [event.name for event in span.events] == ["exception"]

    def unavailable(request, context):
        context.abort(grpc.StatusCode.UNAVAILABLE, "database down")

    traced.spans.clear()
    with pytest.raises(Exception):  # noqa: B017
        traced(unavailable)
    assert traced.spans[0].status.status_code == StatusCode.ERROR and not traced.spans[0].events
