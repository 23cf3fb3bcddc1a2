"""What a caller learns when a servicer fails: the field it got wrong, or nothing of the internals."""

from __future__ import annotations

from concurrent import futures

import grpc
import pytest
from pymongo.errors import ServerSelectionTimeoutError

from complaint_platform.grpc_errors import BadRequest, NotFound, rpc

FAILURES = {
    b"bad": BadRequest("case_id is required"),
    b"missing": NotFound("no case C-1"),
    b"down": ServerSelectionTimeoutError("mongodb-0.mongodb.complaints.svc:27017: connection refused"),
    b"bug": KeyError("internal-host-10.0.3.7 state['owner']"),
}


class Servicer:
    @rpc
    def Call(self, request: bytes, context) -> bytes:
        if request in FAILURES:
            raise FAILURES[request]
        if request == b"abort":
            context.abort(grpc.StatusCode.FAILED_PRECONDITION, "case C-1 is closed")
        return b"ok:" + request


@pytest.fixture(scope="module")
def call():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    servicer = Servicer()
    server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler(
        "test.Errors", {"Call": grpc.unary_unary_rpc_method_handler(servicer.Call)})])
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    stub = channel.unary_unary("/test.Errors/Call")
    yield lambda request: stub(request, timeout=5)
    channel.close()
    server.stop(0)


def failure(call, request: bytes) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as failed:
        call(request)
    return failed.value


def test_an_answer_passes_through(call):
    assert call(b"x") == b"ok:x"


def test_request_errors_name_the_field_and_aborts_keep_their_code(call):
    assert (failure(call, b"bad").code(), failure(call, b"bad").details()) == (
        grpc.StatusCode.INVALID_ARGUMENT, "case_id is required")
    assert failure(call, b"missing").code() == grpc.StatusCode.NOT_FOUND
    assert failure(call, b"abort").code() == grpc.StatusCode.FAILED_PRECONDITION


def test_a_fault_says_internal_and_nothing_of_the_internals(call, caplog):
    error = failure(call, b"bug")
    assert error.code() == grpc.StatusCode.INTERNAL
    assert "internal-host" not in error.details() and "owner" not in error.details()
    assert "trace" in error.details()
    assert "internal-host-10.0.3.7" in caplog.text  # the log has it


def test_an_unreachable_database_is_unavailable_so_clients_retry(call):
    error = failure(call, b"down")
    assert error.code() == grpc.StatusCode.UNAVAILABLE
    assert "mongodb-0" not in error.details()
