"""gRPC server bootstrap: business servicer + stock health + reflection + OpenTelemetry's server spans."""

from __future__ import annotations

import errno
import socket
from collections.abc import Callable
from concurrent import futures

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from opentelemetry.instrumentation.grpc import server_interceptor
from opentelemetry.trace import TracerProvider

from .grpc_channel import read_pem

MAX_MESSAGE_BYTES = 4 * 1024 * 1024


class PortInUse(RuntimeError):
    pass


def check_port_free(host: str, port: int, variable: str) -> None:
    """Fail early with a message naming the setting, not a gRPC stack trace."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise PortInUse(f"port {port} on {host} is already in use; set {variable} to a free port") from None
            raise


class _FailureIsUnknown(grpc.ServerInterceptor):
    """Inside OpenTelemetry's server interceptor: an exception that escapes a servicer (not an abort,
    which grpc raises as a bare Exception after setting the code) is answered UNKNOWN by grpc; saying
    so on the context puts that code and an ERROR status on the span, which the instrumentation
    otherwise leaves unset for uncaught exceptions."""

    def intercept_service(self, continuation, handler_call_details):
        handler = continuation(handler_call_details)
        if handler is None or handler.unary_unary is None:
            return handler
        inner = handler.unary_unary

        def answered(request, context):
            try:
                return inner(request, context)
            except Exception as error:
                if type(error) is not Exception:  # noqa: E721 - a bare Exception is grpc's abort
                    context.set_code(grpc.StatusCode.UNKNOWN)
                raise

        return grpc.unary_unary_rpc_method_handler(answered, request_deserializer=handler.request_deserializer,
                                                   response_serializer=handler.response_serializer)


def tls_credentials(cert_file: str, key_file: str, client_ca_file: str = "") -> grpc.ServerCredentials | None:
    """TLS when a certificate is configured; mutual TLS when a client CA is too."""
    if not cert_file and not key_file:
        return None
    if not (cert_file and key_file):
        raise ValueError("GRPC_TLS_CERT_FILE and GRPC_TLS_KEY_FILE must be set together")
    chain = [(read_pem(key_file, "GRPC_TLS_KEY_FILE"), read_pem(cert_file, "GRPC_TLS_CERT_FILE"))]
    if client_ca_file:
        return grpc.ssl_server_credentials(chain, root_certificates=read_pem(client_ca_file, "GRPC_TLS_CLIENT_CA_FILE"),
                                           require_client_auth=True)
    return grpc.ssl_server_credentials(chain)


class GrpcServer:
    """Owns the server; ``stop`` drains in-flight calls for up to ``grace`` seconds."""

    def __init__(self, host: str, port: int, tracer_provider: TracerProvider | None, service_names: list[str],
                 register: Callable[[grpc.Server], None],
                 interceptors: list[grpc.ServerInterceptor] | None = None,
                 credentials: grpc.ServerCredentials | None = None, health_port: int = 0,
                 reflection_on: bool = True, max_concurrent_rpcs: int | None = None) -> None:
        check_port_free(host, port, "GRPC_PORT")
        if health_port:
            check_port_free(host, health_port, "GRPC_HEALTH_PORT")
        self.server = grpc.server(
            futures.ThreadPoolExecutor(max_workers=8, thread_name_prefix="grpc"),
            # access control first (a refused call costs no span), then OpenTelemetry's server spans
            # (the caller's traceparent continued, the status code recorded, errors per its conventions)
            interceptors=[*(interceptors or []), server_interceptor(tracer_provider), _FailureIsUnknown()],
            options=[("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                     ("grpc.so_reuseport", 0)],
            maximum_concurrent_rpcs=max_concurrent_rpcs,
        )
        register(self.server)
        self.health = health.HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.server)
        if reflection_on:
            reflection.enable_server_reflection(
                [*service_names, health.SERVICE_NAME, reflection.SERVICE_NAME], self.server)
        self._service_names = service_names
        address = f"{host}:{port}"
        self.port = (self.server.add_secure_port(address, credentials) if credentials is not None
                     else self.server.add_insecure_port(address))
        # Kubelet's gRPC probes speak plaintext only: with TLS on the service port, the same health
        # statuses are also served, alone, on a plaintext port for them (GRPC_HEALTH_PORT).
        self.health_server = None
        if health_port:
            self.health_server = grpc.server(futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="health"),
                                             options=[("grpc.so_reuseport", 0)])
            health_pb2_grpc.add_HealthServicer_to_server(self.health, self.health_server)
            self.health_port = self.health_server.add_insecure_port(f"{host}:{health_port}")

    def start(self) -> None:
        self.server.start()
        if self.health_server is not None:
            self.health_server.start()
        for name in ["", *self._service_names]:
            self.health.set(name, health_pb2.HealthCheckResponse.SERVING)

    def stop(self, grace: float = 10.0) -> None:
        for name in ["", *self._service_names]:
            self.health.set(name, health_pb2.HealthCheckResponse.NOT_SERVING)
        self.server.stop(grace).wait(grace + 1)
        if self.health_server is not None:
            self.health_server.stop(0)
