"""Client TLS for the command-line tools: ``--ca`` (TLS), ``--cert``/``--key`` (mutual TLS) against a
real gRPC server built with the services' own server credentials."""

from __future__ import annotations

from concurrent import futures

import grpc
import pytest
import trustme

from complaint_platform.grpc_channel import ChannelSecurity, open_channel
from complaint_platform.grpc_server import tls_credentials
from complaints.v1 import verification_service_pb2 as pb, verification_service_pb2_grpc
from services.escalation import bulletin
from services.verification import audit


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    folder = tmp_path_factory.mktemp("grpc-pki")
    ca = trustme.CA()
    server, client = ca.issue_cert("127.0.0.1", "verification.complaints.svc"), ca.issue_cert("auditor")
    files = {"ca": ca.cert_pem, "server_cert": server.cert_chain_pems[0], "server_key": server.private_key_pem,
             "client_cert": client.cert_chain_pems[0], "client_key": client.private_key_pem}
    for name, blob in files.items():
        blob.write_to_path(str(folder / f"{name}.pem"))
    return {name: str(folder / f"{name}.pem") for name in files}


class Chain(verification_service_pb2_grpc.VerificationServiceServicer):
    def VerifyChain(self, request, context):
        return pb.VerifyChainResponse(ok=True, checked=7)


def serve(pki, mutual: bool) -> tuple[grpc.Server, str]:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    verification_service_pb2_grpc.add_VerificationServiceServicer_to_server(Chain(), server)
    credentials = tls_credentials(pki["server_cert"], pki["server_key"], pki["ca"] if mutual else "")
    port = server.add_secure_port("127.0.0.1:0", credentials)
    server.start()
    return server, f"127.0.0.1:{port}"


@pytest.fixture()
def mutual_tls_server(pki):
    server, target = serve(pki, mutual=True)
    yield target
    server.stop(None)


def test_audit_verifies_over_mutual_tls_with_ca_cert_and_key(pki, mutual_tls_server, capsys):
    code = audit.main(["verify", "--target", mutual_tls_server, "--timeout", "10", "--ca", pki["ca"],
                       "--cert", pki["client_cert"], "--key", pki["client_key"]])
    assert code == audit.OK
    assert "audit chain OK: 7 entries checked" in capsys.readouterr().out


def test_audit_without_a_client_certificate_is_refused_by_a_mutual_tls_service(pki, mutual_tls_server, capsys):
    code = audit.main(["verify", "--target", mutual_tls_server, "--timeout", "5", "--ca", pki["ca"]])
    assert code == audit.FAILED
    assert mutual_tls_server in capsys.readouterr().err


def test_plaintext_client_cannot_talk_to_a_tls_service(pki, mutual_tls_server):
    code = audit.main(["verify", "--target", mutual_tls_server, "--timeout", "5"])
    assert code == audit.FAILED


def test_server_name_override_reaches_a_service_by_its_certificate_name(pki):
    server, target = serve(pki, mutual=False)
    try:
        security = ChannelSecurity(ca_file=pki["ca"], server_name="verification.complaints.svc")
        with open_channel(target.replace("127.0.0.1", "localhost"), security) as channel:
            stub = verification_service_pb2_grpc.VerificationServiceStub(channel)
            assert stub.VerifyChain(pb.VerifyChainRequest(), timeout=10).checked == 7
    finally:
        server.stop(None)


@pytest.mark.parametrize("tool", [audit, bulletin])
def test_unreadable_tls_files_are_usage_errors_naming_the_option(tool, tmp_path, capsys):
    argv = (["verify"] if tool is audit else []) + ["--target", "127.0.0.1:1", "--cert", str(tmp_path / "nope.pem"),
                                                   "--key", str(tmp_path / "nope.key")]
    with pytest.raises(SystemExit) as exit_:
        tool.main(argv)
    assert exit_.value.code == 2
    assert "--key: cannot read" in capsys.readouterr().err


def test_cert_without_key_is_refused(pki):
    with pytest.raises(ValueError, match="--cert and --key go together"):
        open_channel("127.0.0.1:1", ChannelSecurity(cert_file=pki["client_cert"]))


def test_a_tls_service_answers_kubelets_plaintext_health_probe_on_the_health_port(pki):
    from grpc_health.v1 import health_pb2, health_pb2_grpc
    from opentelemetry import trace

    from complaint_platform.grpc_server import GrpcServer

    server = GrpcServer("127.0.0.1", 0, None, ["complaints.v1.VerificationService"],
                        lambda s: verification_service_pb2_grpc.add_VerificationServiceServicer_to_server(Chain(), s),
                        credentials=tls_credentials(pki["server_cert"], pki["server_key"]), health_port=0)
    assert server.health_server is None  # 0: off
    server = GrpcServer("127.0.0.1", 0, None, ["complaints.v1.VerificationService"],
                        lambda s: verification_service_pb2_grpc.add_VerificationServiceServicer_to_server(Chain(), s),
                        credentials=tls_credentials(pki["server_cert"], pki["server_key"]), health_port=free_port())
    server.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{server.health_port}") as channel:
            check = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=10)
            assert check.status == health_pb2.HealthCheckResponse.SERVING
            with pytest.raises(grpc.RpcError) as refused:  # only health there, nothing else in plaintext
                verification_service_pb2_grpc.VerificationServiceStub(channel).VerifyChain(
                    pb.VerifyChainRequest(), timeout=10)
            assert refused.value.code() == grpc.StatusCode.UNIMPLEMENTED
        with open_channel(f"127.0.0.1:{server.port}", ChannelSecurity(ca_file=pki["ca"])) as channel:
            stub = verification_service_pb2_grpc.VerificationServiceStub(channel)
            assert stub.VerifyChain(pb.VerifyChainRequest(), timeout=10).checked == 7
    finally:
        server.stop(grace=0)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
