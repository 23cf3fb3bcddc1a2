"""Reflection can be turned off (production), and calls beyond the limit are refused at once."""

from __future__ import annotations

import threading

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from complaint_platform.config import ConfigError, load_settings
from complaint_platform.grpc_server import GrpcServer
from tools.devstack import free_port

RELEASE = threading.Event()
STARTED = threading.Semaphore(0)


def slow(request: bytes, context) -> bytes:
    STARTED.release()
    RELEASE.wait(10)
    return request


def register(server: grpc.Server) -> None:
    server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler(
        "test.Slow", {"Call": grpc.unary_unary_rpc_method_handler(slow)})])


def serving(**options) -> tuple[GrpcServer, grpc.Channel]:
    server = GrpcServer("127.0.0.1", free_port(), None, ["test.Slow"], register, **options)
    server.start()
    return server, grpc.insecure_channel(f"127.0.0.1:{server.port}")


def listed_services(channel: grpc.Channel) -> list[str]:
    stub = reflection_pb2_grpc.ServerReflectionStub(channel)
    [reply] = list(stub.ServerReflectionInfo(iter([reflection_pb2.ServerReflectionRequest(list_services="")]),
                                             timeout=5))
    return [service.name for service in reply.list_services_response.service]


def test_reflection_is_on_by_default_and_off_when_asked():
    server, channel = serving()
    try:
        assert "test.Slow" in listed_services(channel)
    finally:
        server.server.stop(0)
    server, channel = serving(reflection_on=False)
    try:
        with pytest.raises(grpc.RpcError) as refused:
            listed_services(channel)
        assert refused.value.code() == grpc.StatusCode.UNIMPLEMENTED
        health = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
        assert health.status == health_pb2.HealthCheckResponse.SERVING  # probes keep working
    finally:
        server.server.stop(0)


def test_calls_beyond_the_limit_are_refused_at_once_not_queued():
    RELEASE.clear()
    server, channel = serving(max_concurrent_rpcs=2)
    call = channel.unary_unary("/test.Slow/Call")
    try:
        running = [call.future(b"x", timeout=10) for _ in range(2)]
        assert STARTED.acquire(timeout=5) and STARTED.acquire(timeout=5)  # both are in the servicer
        with pytest.raises(grpc.RpcError) as refused:
            call(b"y", timeout=5)
        assert refused.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        RELEASE.set()
        assert [future.result() for future in running] == [b"x", b"x"]
    finally:
        RELEASE.set()
        server.server.stop(0)


def test_settings_name_the_bad_variable():
    settings = load_settings("intake", {"GRPC_REFLECTION": "false", "GRPC_MAX_CONCURRENT_RPCS": "16"})
    assert (settings.grpc_reflection, settings.grpc_max_concurrent_rpcs) == (False, 16)
    with pytest.raises(ConfigError, match="GRPC_MAX_CONCURRENT_RPCS"):
        load_settings("intake", {"GRPC_MAX_CONCURRENT_RPCS": "0"})
