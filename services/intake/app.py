"""Wiring of the intake service: policy, storage, Kafka handler and gRPC servicer."""

from __future__ import annotations

from complaints.v1 import intake_service_pb2, intake_service_pb2_grpc
from complaint_platform.hop_metrics import MeasuredHandler
from complaint_platform.runner import ServiceContext, ServiceParts, run_service

from . import documents
from .commands import IntakeCommands
from .domain.policy import load as load_policy
from .handler import IntakeHandler
from .servicer import IntakeLookups


def build(context: ServiceContext) -> ServiceParts:
    policy = load_policy(context.policy.child("intake"))
    documents.ensure_indexes()
    handler = IntakeHandler(context.database, policy)
    commands = IntakeCommands(context.database, policy, context.commands)
    commands.release = handler.release
    servicer = IntakeLookups(commands)
    return ServiceParts(
        handler=MeasuredHandler(handler, context.telemetry.meter),
        register_grpc=lambda server: intake_service_pb2_grpc.add_IntakeServiceServicer_to_server(servicer, server),
        grpc_service_names=[intake_service_pb2.DESCRIPTOR.services_by_name["IntakeService"].full_name],
    )


def main() -> None:
    run_service("intake", build)
