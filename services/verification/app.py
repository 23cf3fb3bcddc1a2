"""Wiring of the verification service."""

from __future__ import annotations

import os

from complaints.v1 import verification_service_pb2, verification_service_pb2_grpc
from complaint_platform.audit_chain import AuditKeyError, AuditSigner, TrustedKeys
from complaint_platform.config import ConfigError
from complaint_platform.hop_metrics import MeasuredHandler
from complaint_platform.runner import ServiceContext, ServiceParts, run_service
from complaint_platform.settings_models import AuditEnvironment, read

from . import documents
from .commands import ChainAnchoring, WindowClosing
from .domain.policy import load as load_policy
from .handler import VerificationHandler
from .servicer import VerificationServicer


def audit_keys(env=os.environ) -> tuple[AuditSigner, TrustedKeys, float]:
    """The signing key, the public keys entries may be signed with (its own and earlier ones) and
    the anchoring interval; a ConfigError names the variable and the file."""
    audit = read(AuditEnvironment, env)
    try:
        signer = AuditSigner.from_file(audit.signing_key_file)
        earlier = TrustedKeys.from_file(audit.trusted_keys_file) if audit.trusted_keys_file else TrustedKeys()
    except AuditKeyError as error:
        variable = "AUDIT_TRUSTED_KEYS_FILE" if audit.trusted_keys_file and audit.trusted_keys_file in str(error) \
            else "AUDIT_SIGNING_KEY_FILE"
        raise ConfigError(f"{variable}: {error}") from None
    return signer, earlier.including(signer.public_key), audit.anchor_seconds


def build(context: ServiceContext) -> ServiceParts:
    policy = load_policy(context.policy.child("verification"))
    signer, keys, anchor_seconds = audit_keys()
    documents.ensure_indexes()
    servicer = VerificationServicer(context.database, keys)
    closing = WindowClosing(context.database, policy, signer)
    anchoring = ChainAnchoring(context.database)
    return ServiceParts(
        handler=MeasuredHandler(VerificationHandler(context.database, policy, signer), context.telemetry.meter),
        register_grpc=lambda server: verification_service_pb2_grpc.add_VerificationServiceServicer_to_server(
            servicer, server),
        grpc_service_names=[verification_service_pb2.DESCRIPTOR.services_by_name["VerificationService"].full_name],
        jobs=[(5.0, closing.close_passed_windows), (anchor_seconds, anchoring.publish_head, anchoring.published)],
    )


def main() -> None:
    run_service("verification", build)
