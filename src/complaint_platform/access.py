"""Bearer-token roles on gRPC: operators may do everything, auditors may only read,
services may read and run commands on each other's behalf.

An allow-list: every method of the four services is named below as a read or a command, and
a method named in neither (a new one nobody classified yet) is refused to every role, so a
new write method is never open to auditors by default (a unit test lists the unclassified).

Tokens come from a YAML file (GRPC_AUTH_TOKENS_FILE, a Secret in Kubernetes):

    tokens:
      - {token_sha256: "<hex digest>", role: auditor, name: audit-team}
      - {token: "dev-only-plaintext", role: operator, name: local}

Without the file, access control is off (the embedded stack on loopback).
Health and reflection are always open, so probes and grpcurl keep working.
"""

from __future__ import annotations

import hashlib
import hmac
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

import grpc

from .role_masking import UNMASKED_METHODS, masked

ROLES = ("operator", "auditor", "service")
OPEN_PREFIXES = ("/grpc.health.v1.", "/grpc.reflection.")
# Methods that change something; every other method of the four services only reads.
COMMANDS = frozenset({
    "/complaints.v1.IntakeService/SplitSubmission",
    "/complaints.v1.DispatchService/ReassignOwner",
    "/complaints.v1.DispatchService/RequestConsult",
    "/complaints.v1.DispatchService/RecordCustomerReply",
    "/complaints.v1.EscalationService/MarkForSupervision",
    "/complaints.v1.EscalationService/Urge",
    "/complaints.v1.EscalationService/RecordShiftLeaderFinding",
})


# Methods that only read.
READS = frozenset({
    "/complaints.v1.IntakeService/GetCase",
    "/complaints.v1.IntakeService/ListCustomerCases",
    "/complaints.v1.IntakeService/ListSubmissions",
    "/complaints.v1.IntakeService/SearchCases",
    "/complaints.v1.IntakeService/ListProxyMembers",
    "/complaints.v1.IntakeService/SummariseCases",
    "/complaints.v1.IntakeService/ListMentions",
    "/complaints.v1.DispatchService/ListWorkOrders",
    "/complaints.v1.DispatchService/GetDepartmentQueue",
    "/complaints.v1.DispatchService/ListOwnerCases",
    "/complaints.v1.DispatchService/GetCustomerStatus",
    "/complaints.v1.EscalationService/GetCaseSupervision",
    "/complaints.v1.EscalationService/ListAtRiskCases",
    "/complaints.v1.EscalationService/ListSupervisedCases",
    "/complaints.v1.EscalationService/GetBulletin",
    "/complaints.v1.EscalationService/ListWatchedCases",
    "/complaints.v1.EscalationService/GetTimeline",
    "/complaints.v1.VerificationService/GetRecord",
    "/complaints.v1.VerificationService/ListRecords",
    "/complaints.v1.VerificationService/ExportRecords",
    "/complaints.v1.VerificationService/ExportAudit",
    "/complaints.v1.VerificationService/VerifyChain",
    "/complaints.v1.VerificationService/GetCaseAudit",
    "/complaints.v1.VerificationService/GetRecurrenceRates",
})


class AccessConfigError(ValueError):
    pass


@dataclass(frozen=True)
class Caller:
    name: str
    role: str


@dataclass(frozen=True)
class Decision:
    allowed: bool
    code: grpc.StatusCode | None = None
    message: str = ""


def decide(method: str, caller: Caller | None) -> Decision:
    """Pure: who may call what."""
    if method.startswith(OPEN_PREFIXES):
        return Decision(True)
    if caller is None:
        return Decision(False, grpc.StatusCode.UNAUTHENTICATED, "a bearer token is required")
    if method in COMMANDS:
        if caller.role == "auditor":
            return Decision(False, grpc.StatusCode.PERMISSION_DENIED,
                            f"role auditor may only read; {method.rsplit('/', 1)[-1]} changes data")
        return Decision(True)
    if method in READS:
        return Decision(True)
    return Decision(False, grpc.StatusCode.PERMISSION_DENIED,
                    f"{method.rsplit('/', 1)[-1]} is not on the access list of any role")


class TokenBook:
    """Token -> caller, comparing SHA-256 digests in constant time."""

    def __init__(self, entries: list[tuple[str, Caller]]) -> None:
        self._entries = entries

    @classmethod
    def load(cls, path: str | Path) -> TokenBook:
        import yaml

        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as error:
            raise AccessConfigError(f"GRPC_AUTH_TOKENS_FILE {path}: cannot read ({error})") from None
        entries = []
        for index, item in enumerate(data.get("tokens") or []):
            where = f"{path}: tokens[{index}]"
            role = (item or {}).get("role")
            if role not in ROLES:
                raise AccessConfigError(f"{where}.role: expected one of {', '.join(ROLES)}, got {role!r}")
            digest = item.get("token_sha256") or (
                hashlib.sha256(str(item["token"]).encode()).hexdigest() if item.get("token") else "")
            if len(digest) != 64:
                raise AccessConfigError(f"{where}: give token_sha256 (64 hex digits) or token")
            entries.append((digest.lower(), Caller(str(item.get("name") or role), role)))
        if not entries:
            raise AccessConfigError(f"{path}: no tokens; remove the file setting to turn access control off")
        return cls(entries)

    def caller(self, token: str) -> Caller | None:
        digest = hashlib.sha256(token.encode()).hexdigest()
        found = None
        for known, caller in self._entries:
            if hmac.compare_digest(known, digest):
                found = caller
        return found


class AccessInterceptor(grpc.ServerInterceptor):
    def __init__(self, book: TokenBook) -> None:
        self._book = book

    def intercept_service(self, continuation, handler_call_details):
        metadata = dict(handler_call_details.invocation_metadata or ())
        header = str(metadata.get("authorization", ""))
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        caller = self._book.caller(token) if token else None
        decision = decide(handler_call_details.method, caller)
        if not decision.allowed:
            return _refusal(continuation(handler_call_details), decision)
        handler = continuation(handler_call_details)
        if caller is None or handler is None:
            return handler
        mask = caller.role == "auditor" and handler_call_details.method not in UNMASKED_METHODS
        return _as_caller(handler, caller, masked if mask else None)


# Who the running RPC's token names (commands record them as the actor); None with access control off.
CALLER: ContextVar[Caller | None] = ContextVar("grpc_caller", default=None)


def acting(given: str, fallback: str = "operator") -> str:
    """The actor of a command: the authenticated caller's name; with access control off (the
    embedded stack on loopback), the name the request gives, or ``fallback``."""
    caller = CALLER.get()
    if caller is not None:
        return caller.name
    return given.strip() or fallback


def _as_caller(handler, caller: Caller, mask):
    """The same method run knowing its caller (``CALLER``), its answers passed through ``mask``
    when given (auditors read every case but see no full phone number or name)."""
    mask = mask or (lambda response: response)

    if handler.unary_unary is not None:
        def unary(request, context):
            known = CALLER.set(caller)
            try:
                return mask(handler.unary_unary(request, context))
            finally:
                CALLER.reset(known)

        return grpc.unary_unary_rpc_method_handler(unary, handler.request_deserializer, handler.response_serializer)
    if handler.unary_stream is not None:
        def stream(request, context):  # only reads stream: no command needs the caller here
            for response in handler.unary_stream(request, context):
                yield mask(response)

        return grpc.unary_stream_rpc_method_handler(stream, handler.request_deserializer, handler.response_serializer)
    return handler


def _refusal(handler, decision: Decision):
    def abort(request, context):
        context.abort(decision.code, decision.message)

    if handler is None:
        return None
    if handler.unary_stream is not None:
        return grpc.unary_stream_rpc_method_handler(abort, handler.request_deserializer, handler.response_serializer)
    return grpc.unary_unary_rpc_method_handler(abort, handler.request_deserializer, handler.response_serializer)
