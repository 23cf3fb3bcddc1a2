"""The thin gRPC client layer: one channel per service, the caller's bearer token on every call,
and gRPC failures turned into ``ServiceRefusal`` with a message a person can act on."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc

from complaints.v1 import (dispatch_service_pb2_grpc, escalation_service_pb2_grpc, intake_service_pb2_grpc,
                           verification_service_pb2_grpc)

DEFAULT_TARGETS = {"intake": "127.0.0.1:50051", "dispatch": "127.0.0.1:50052", "escalation": "127.0.0.1:50053",
                   "verification": "127.0.0.1:50054"}
STUBS = {"intake": intake_service_pb2_grpc.IntakeServiceStub, "dispatch": dispatch_service_pb2_grpc.DispatchServiceStub,
         "escalation": escalation_service_pb2_grpc.EscalationServiceStub,
         "verification": verification_service_pb2_grpc.VerificationServiceStub}
TIMEOUT_S = 10.0


@dataclass
class ServiceRefusal(Exception):
    """A call the service refused or could not answer; ``kind`` picks the page's wording."""

    service: str
    method: str
    code: grpc.StatusCode
    detail: str

    @property
    def kind(self) -> str:
        return {grpc.StatusCode.PERMISSION_DENIED: "forbidden", grpc.StatusCode.UNAUTHENTICATED: "unauthenticated",
                grpc.StatusCode.NOT_FOUND: "not_found", grpc.StatusCode.INVALID_ARGUMENT: "invalid",
                grpc.StatusCode.FAILED_PRECONDITION: "invalid"}.get(self.code, "unavailable")

    def __str__(self) -> str:
        return f"{self.service}.{self.method}: {self.code.name}: {self.detail}"


def targets_from_env(env=os.environ) -> dict[str, str]:
    """``<SERVICE>_GRPC_TARGET``, as the command-line tools read them."""
    return {name: env.get(f"{name.upper()}_GRPC_TARGET") or default for name, default in DEFAULT_TARGETS.items()}


class Backends:
    """Channels to the four services, shared by every request (gRPC channels are thread-safe)."""

    def __init__(self, targets: dict[str, str], ca_file: str = "") -> None:
        """``ca_file``: the services serve gRPC over TLS with a certificate from this CA (prod)."""
        self.targets = targets
        if ca_file:
            credentials = grpc.ssl_channel_credentials(root_certificates=Path(ca_file).read_bytes())
            self._channels = {name: grpc.secure_channel(target, credentials) for name, target in targets.items()}
        else:
            self._channels = {name: grpc.insecure_channel(target) for name, target in targets.items()}
        self._stubs = {name: STUBS[name](channel) for name, channel in self._channels.items()}

    def session(self, token: str) -> Session:
        return Session(self._stubs, token)

    def close(self) -> None:
        for channel in self._channels.values():
            channel.close()


class Session:
    """One person's calls: their token (empty when access control is off) on each one."""

    def __init__(self, stubs: dict[str, Any], token: str) -> None:
        self._stubs = stubs
        self._metadata = (("authorization", f"Bearer {token}"),) if token else ()

    def call(self, service: str, method: str, request, timeout: float = TIMEOUT_S) -> Any:
        try:
            return getattr(self._stubs[service], method)(request, timeout=timeout, metadata=self._metadata)
        except grpc.RpcError as error:
            raise ServiceRefusal(service, method, error.code(), error.details() or "") from None

    def calls(self, *wanted: tuple[str, str, Any], timeout: float = TIMEOUT_S) -> list[Any]:
        """Several calls in flight at once (a page asks several services); answers in order, a
        refusal in place of its answer."""
        futures = [(service, method, getattr(self._stubs[service], method).future(
            request, timeout=timeout, metadata=self._metadata)) for service, method, request in wanted]
        answers = []
        for service, method, future in futures:
            try:
                answers.append(future.result())
            except grpc.RpcError as error:
                answers.append(ServiceRefusal(service, method, error.code(), error.details() or ""))
        return answers

    def stream(self, service: str, method: str, request) -> Iterator[Any]:
        try:
            yield from getattr(self._stubs[service], method)(request, timeout=300, metadata=self._metadata)
        except grpc.RpcError as error:
            raise ServiceRefusal(service, method, error.code(), error.details() or "") from None

    def optional(self, service: str, method: str, request) -> Any | None:
        """The answer, or None when the service has nothing for it (NOT_FOUND)."""
        try:
            return self.call(service, method, request)
        except ServiceRefusal as refusal:
            if refusal.code == grpc.StatusCode.NOT_FOUND:
                return None
            raise
