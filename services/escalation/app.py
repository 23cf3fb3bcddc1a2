"""Wiring of the escalation service."""

from __future__ import annotations

from complaints.v1 import escalation_service_pb2, escalation_service_pb2_grpc
from complaint_platform.runner import ServiceContext, ServiceParts, run_service

from . import store
from .clocks import DeadlineFiring
from .domain.policy import load as load_policy
from .handler import EscalationHandler
from .servicer import EscalationServicer

TICK_SECONDS = 0.25  # breach lateness budget is 1 s


def build(context: ServiceContext) -> ServiceParts:
    policy = load_policy(context.policy.child("escalation"))
    store.ensure_indexes(context.database)
    servicer = EscalationServicer(context.database, policy, context.commands, context.clock)
    firing = DeadlineFiring(context.database, policy)
    return ServiceParts(
        handler=EscalationHandler(context.database, policy),
        register_grpc=lambda server: escalation_service_pb2_grpc.add_EscalationServiceServicer_to_server(servicer, server),
        grpc_service_names=[escalation_service_pb2.DESCRIPTOR.services_by_name["EscalationService"].full_name],
        jobs=[(TICK_SECONDS, firing.fire_due_deadlines)],
    )


def main() -> None:
    run_service("escalation", build)
