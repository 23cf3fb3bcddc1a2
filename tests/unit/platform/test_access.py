"""Bearer-token roles on every gRPC method: unauthenticated, permission denied, auditors read-only."""

from __future__ import annotations

import hashlib
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from complaints.v1 import (
    dispatch_service_pb2,
    escalation_service_pb2,
    intake_service_pb2,
    intake_service_pb2_grpc,
    verification_service_pb2,
)
from complaint_platform.access import (COMMANDS, READS, AccessConfigError, AccessInterceptor, Caller, TokenBook,
                                       decide)
from complaint_platform.grpc_server import GrpcServer

ALL_METHODS = sorted(
    f"/{service.full_name}/{method.name}"
    for module in (intake_service_pb2, dispatch_service_pb2, escalation_service_pb2, verification_service_pb2)
    for service in module.DESCRIPTOR.services_by_name.values()
    for method in service.methods)
OPERATOR, AUDITOR, SERVICE = Caller("ops", "operator"), Caller("audit", "auditor"), Caller("svc", "service")


def test_every_command_names_a_real_method():
    assert COMMANDS <= set(ALL_METHODS)


def test_every_method_is_classified_as_a_read_or_a_command_once():
    assert set(ALL_METHODS) - READS - COMMANDS == set(), "classify the new methods in access.py"
    assert not READS & COMMANDS and READS <= set(ALL_METHODS)


def test_a_method_nobody_classified_is_refused_to_every_role():
    for caller in (OPERATOR, AUDITOR, SERVICE):
        refused = decide("/complaints.v1.DispatchService/DeleteEverything", caller)
        assert refused.code == grpc.StatusCode.PERMISSION_DENIED and "not on the access list" in refused.message


@pytest.mark.parametrize("method", ALL_METHODS)
def test_each_method_by_role(method):
    assert decide(method, None).code == grpc.StatusCode.UNAUTHENTICATED
    assert decide(method, OPERATOR).allowed
    assert decide(method, SERVICE).allowed
    auditor = decide(method, AUDITOR)
    if method in COMMANDS:
        assert auditor.code == grpc.StatusCode.PERMISSION_DENIED and "may only read" in auditor.message
    else:
        assert auditor.allowed


def test_every_verification_method_is_open_to_auditors():
    assert all(decide(m, AUDITOR).allowed for m in ALL_METHODS if "VerificationService" in m)


def test_health_and_reflection_need_no_token():
    assert decide("/grpc.health.v1.Health/Check", None).allowed
    assert decide("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", None).allowed


def test_token_file_errors_name_the_entry(tmp_path: Path):
    bad = tmp_path / "tokens.yaml"
    bad.write_text("tokens:\n  - {token: abc, role: admin}\n")
    with pytest.raises(AccessConfigError, match=r"tokens\[0\].role"):
        TokenBook.load(bad)
    bad.write_text("tokens: []\n")
    with pytest.raises(AccessConfigError, match="no tokens"):
        TokenBook.load(bad)


class FakeIntake(intake_service_pb2_grpc.IntakeServiceServicer):
    def GetCase(self, request, context):
        return intake_service_pb2.GetCaseResponse(case=intake_service_pb2.CaseView(case_id=request.case_id))

    def SplitSubmission(self, request, context):
        return intake_service_pb2.SplitSubmissionResponse()


@pytest.fixture()
def server(tmp_path: Path):
    tokens = tmp_path / "tokens.yaml"
    digest = hashlib.sha256(b"auditor-secret").hexdigest()
    tokens.write_text(f"tokens:\n  - {{token_sha256: {digest}, role: auditor, name: audit}}\n"
                      "  - {token: operator-secret, role: operator, name: ops}\n")
    running = GrpcServer("127.0.0.1", _free_port(), None, ["complaints.v1.IntakeService"],
                         lambda s: intake_service_pb2_grpc.add_IntakeServiceServicer_to_server(FakeIntake(), s),
                         [AccessInterceptor(TokenBook.load(tokens))])
    running.start()
    yield f"127.0.0.1:{running.port}"
    running.stop(grace=0)


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def call(target, method, token=None):
    stub = intake_service_pb2_grpc.IntakeServiceStub(grpc.insecure_channel(target))
    metadata = [("authorization", f"Bearer {token}")] if token else None
    if method == "GetCase":
        return stub.GetCase(intake_service_pb2.GetCaseRequest(case_id="K1"), metadata=metadata, timeout=5)
    return stub.SplitSubmission(intake_service_pb2.SplitSubmissionRequest(case_id="K1"), metadata=metadata, timeout=5)


@pytest.mark.parametrize("method, token, expected", [
    ("GetCase", None, grpc.StatusCode.UNAUTHENTICATED),
    ("GetCase", "wrong", grpc.StatusCode.UNAUTHENTICATED),
    ("SplitSubmission", "auditor-secret", grpc.StatusCode.PERMISSION_DENIED),
])
def test_refusals_over_a_real_channel(server, method, token, expected):
    with pytest.raises(grpc.RpcError) as refused:
        call(server, method, token)
    assert refused.value.code() == expected


def test_allowed_calls_over_a_real_channel(server):
    assert call(server, "GetCase", "auditor-secret").case.case_id == "K1"
    call(server, "SplitSubmission", "operator-secret")
    health = health_pb2_grpc.HealthStub(grpc.insecure_channel(server)).Check(health_pb2.HealthCheckRequest(), timeout=5)
    assert health.status == health_pb2.HealthCheckResponse.SERVING
