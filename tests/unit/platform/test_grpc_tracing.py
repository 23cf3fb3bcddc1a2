"""Server spans (OpenTelemetry's gRPC instrumentation on the services' GrpcServer) carry the call's
status code and continue the caller's trace; an abort is an answer (status unset: NOT_FOUND and the like
are the caller's), a servicer that raises is an error with its exception recorded. A real server on
loopback. (The instrumentation also records the bare Exception grpc raises for an abort as an event.)"""

from __future__ import annotations

import grpc
import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode

from complaint_platform.grpc_server import GrpcServer
from complaints.v1 import verification_service_pb2 as pb, verification_service_pb2_grpc

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
METHOD = "/complaints.v1.VerificationService/VerifyChain"


class Chain(verification_service_pb2_grpc.VerificationServiceServicer):
    """from_seq chooses the answer: 0 OK, 1 NOT_FOUND, 2 a crash, 3 UNAVAILABLE."""

    def VerifyChain(self, request, context):
        if request.from_seq == 1:
            context.abort(grpc.StatusCode.NOT_FOUND, "no such entry")
        if request.from_seq == 2:
            raise KeyError("state")
        if request.from_seq == 3:
            context.abort(grpc.StatusCode.UNAVAILABLE, "database down")
        return pb.VerifyChainResponse(ok=True, checked=1)


@pytest.fixture(scope="module")
def served():
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    server = GrpcServer("127.0.0.1", 0, provider, ["complaints.v1.VerificationService"],
                        lambda s: verification_service_pb2_grpc.add_VerificationServiceServicer_to_server(Chain(), s))
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{server.port}")
    stub = verification_service_pb2_grpc.VerificationServiceStub(channel)

    def call(from_seq: int, metadata=()):
        exporter.clear()
        try:
            return stub.VerifyChain(pb.VerifyChainRequest(from_seq=from_seq), metadata=metadata, timeout=10)
        finally:
            call.spans = [span for span in exporter.get_finished_spans() if span.name == METHOD]

    yield call
    channel.close()
    server.stop(grace=0)


def test_a_successful_call_records_ok_and_continues_the_callers_trace(served):
    assert served(0, (("traceparent", f"00-{TRACE_ID}-00f067aa0ba902b7-01"),)).checked == 1
    [span] = served.spans
    assert span.attributes["rpc.grpc.status_code"] == 0 and span.status.status_code == StatusCode.UNSET
    assert span.attributes["rpc.service"] == "complaints.v1.VerificationService"
    assert format(span.context.trace_id, "032x") == TRACE_ID


def test_an_abort_is_an_answer_not_a_failure(served):
    with pytest.raises(grpc.RpcError) as answered:
        served(1)
    assert answered.value.code() == grpc.StatusCode.NOT_FOUND
    [span] = served.spans
    assert span.attributes["rpc.grpc.status_code"] == grpc.StatusCode.NOT_FOUND.value[0]
    assert span.status.status_code == StatusCode.UNSET


def test_a_server_fault_is_an_error_with_the_exception_recorded(served):
    with pytest.raises(grpc.RpcError) as failed:
        served(2)
    assert failed.value.code() == grpc.StatusCode.UNKNOWN
    [span] = served.spans
    assert span.attributes["rpc.grpc.status_code"] == grpc.StatusCode.UNKNOWN.value[0]
    assert span.status.status_code == StatusCode.ERROR
    assert "KeyError" in {event.attributes["exception.type"] for event in span.events}

    with pytest.raises(grpc.RpcError):
        served(3)
    [span] = served.spans
    assert span.status.status_code == StatusCode.ERROR
    assert span.attributes["rpc.grpc.status_code"] == grpc.StatusCode.UNAVAILABLE.value[0]
