"""Wiring of the dispatch service."""

from __future__ import annotations

from complaints.v1 import dispatch_service_pb2, dispatch_service_pb2_grpc
from complaint_platform.hop_metrics import MeasuredHandler
from complaint_platform.runner import ServiceContext, ServiceParts, run_service

from . import documents
from .commands import DispatchCommands, QuietHoursRelease
from .domain.policy import load as load_policy
from .handler import DispatchHandler
from .servicer import DispatchServicer


RELEASE_EVERY_S = 10.0  # held notifications go out within this of the quiet hours' end


def build(context: ServiceContext) -> ServiceParts:
    policy = load_policy(context.policy.child("dispatch"))
    documents.ensure_indexes()
    handler = DispatchHandler(context.database, policy)
    servicer = DispatchServicer(DispatchCommands(context.database, policy, context.commands, handler.store,
                                                 handler.forget), policy)
    return ServiceParts(
        handler=MeasuredHandler(handler, context.telemetry.meter),
        register_grpc=lambda server: dispatch_service_pb2_grpc.add_DispatchServiceServicer_to_server(servicer, server),
        grpc_service_names=[dispatch_service_pb2.DESCRIPTOR.services_by_name["DispatchService"].full_name],
        jobs=[(RELEASE_EVERY_S, QuietHoursRelease(context.database).release_held_notifications)],
    )


def main() -> None:
    run_service("dispatch", build)
