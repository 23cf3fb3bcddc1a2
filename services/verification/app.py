"""Wiring of the verification service."""

from __future__ import annotations

from complaints.v1 import verification_service_pb2, verification_service_pb2_grpc
from complaint_platform.hop_metrics import MeasuredHandler
from complaint_platform.runner import ServiceContext, ServiceParts, run_service

from . import documents
from .commands import WindowClosing
from .domain.policy import load as load_policy
from .handler import VerificationHandler
from .servicer import VerificationServicer


def build(context: ServiceContext) -> ServiceParts:
    policy = load_policy(context.policy.child("verification"))
    documents.ensure_indexes()
    servicer = VerificationServicer(context.database)
    closing = WindowClosing(context.database, policy)
    return ServiceParts(
        handler=MeasuredHandler(VerificationHandler(context.database, policy), context.telemetry.meter),
        register_grpc=lambda server: verification_service_pb2_grpc.add_VerificationServiceServicer_to_server(
            servicer, server),
        grpc_service_names=[verification_service_pb2.DESCRIPTOR.services_by_name["VerificationService"].full_name],
        jobs=[(5.0, closing.close_passed_windows)],
    )


def main() -> None:
    run_service("verification", build)
