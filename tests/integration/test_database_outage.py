"""While the database is down a service says it is not ready (its own name in gRPC health, which
the readiness probe asks for) but stays alive (the empty name, for the liveness probe), and a
lookup gives up when its caller's deadline passes instead of holding a server thread for the
driver's own timeout; ready again, and answering, when the database is back. A stack of its own:
the database is stopped."""

from __future__ import annotations

import signal
import time

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from complaints.v1 import intake_service_pb2, intake_service_pb2_grpc

SERVING, NOT_SERVING = health_pb2.HealthCheckResponse.SERVING, health_pb2.HealthCheckResponse.NOT_SERVING


@pytest.fixture(scope="module")
def durable_stack(tmp_path_factory):
    from tools.devstack import EmbeddedStack, Ports

    stack = EmbeddedStack(Ports.free(), data_dir=tmp_path_factory.mktemp("outage"), durable=True,
                          session_timeout_s=3.0)
    try:
        stack.start_infrastructure()
        stack.create_topics(partitions=1)
        stack.start_services(("intake",))
        yield stack
    finally:
        stack.stop()


def health_of(channel, service: str):
    return health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=service), timeout=2).status


def wait_for_status(channel, service: str, wanted, timeout_s: float = 20):
    deadline = time.monotonic() + timeout_s
    while (status := health_of(channel, service)) != wanted:
        assert time.monotonic() < deadline, f"{service or '(empty)'} still {status} after {timeout_s} s"
        time.sleep(0.3)


def test_not_ready_while_the_database_is_down_alive_throughout_and_lookups_bounded_by_their_deadline(durable_stack):
    channel = grpc.insecure_channel(f"127.0.0.1:{durable_stack.ports.grpc['intake']}")
    cases = intake_service_pb2_grpc.IntakeServiceStub(channel)
    ready = "complaints.v1.IntakeService"
    wait_for_status(channel, ready, SERVING)

    durable_stack.stop_service("secantusdb", signal.SIGTERM)
    try:
        wait_for_status(channel, ready, NOT_SERVING)
        assert health_of(channel, "") == SERVING  # alive: Kubernetes must not restart it for the database
        with pytest.raises(grpc.RpcError) as failed:
            cases.GetCase(intake_service_pb2.GetCaseRequest(case_id="C-outage"), timeout=1.5)
        assert failed.value.code() in (grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.UNAVAILABLE)
        deadline = time.monotonic() + 10
        while "the caller's deadline passed waiting for storage" not in durable_stack.tail("intake", 200):
            assert time.monotonic() < deadline, durable_stack.tail("intake", 40)  # the server gave up too
            time.sleep(0.3)
    finally:
        durable_stack.start_database()
    wait_for_status(channel, ready, SERVING, timeout_s=30)
    with pytest.raises(grpc.RpcError) as missing:
        cases.GetCase(intake_service_pb2.GetCaseRequest(case_id="C-outage"), timeout=10)
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND  # answering again
