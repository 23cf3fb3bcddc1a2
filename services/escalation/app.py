"""Wiring of the escalation service."""

from __future__ import annotations

from complaints.v1 import escalation_service_pb2, escalation_service_pb2_grpc
from complaint_platform.runner import ServiceContext, ServiceParts, run_service

from . import documents, store
from .clocks import DeadlineFiring
from .commands import EscalationCommands
from .domain.policy import load as load_policy
from .handler import EscalationHandler
from .servicer import EscalationServicer

TICK_SECONDS = 0.1  # breach lateness budget is 1 s


def build(context: ServiceContext) -> ServiceParts:
    policy = load_policy(context.policy.child("escalation"))
    documents.ensure_indexes()
    firing = DeadlineFiring(context.database, policy, context.telemetry.meter)
    handler = EscalationHandler(context.database, policy, on_stored=firing.track)
    firing.release = handler.release
    commands = EscalationCommands(context.database, context.commands, handler.release)
    servicer = EscalationServicer(context.database, policy, commands, context.clock)
    _supervision_metrics(context)
    return ServiceParts(
        handler=handler,
        register_grpc=lambda server: escalation_service_pb2_grpc.add_EscalationServiceServicer_to_server(servicer, server),
        grpc_service_names=[escalation_service_pb2.DESCRIPTOR.services_by_name["EscalationService"].full_name],
        jobs=[(TICK_SECONDS, firing.fire_due_deadlines, firing.published)],
        owner=firing,
    )


def _supervision_metrics(context: ServiceContext) -> None:
    """Gauges read on each scrape: open clocks and the timely-handling rate of the last 24 hours."""
    from datetime import timedelta

    from opentelemetry.metrics import Observation

    database, meter = context.database, context.telemetry.meter

    def open_deadlines(options):
        return [Observation(database[store.DEADLINES].count_documents({"state": {"$in": store.LIVE_STATES}}))]

    def timely_rate(options):
        since = context.clock.now() - timedelta(hours=24)
        resolved = database[store.CASES].count_documents({"resolved_at": {"$gte": since}})
        timely = database[store.CASES].count_documents({"resolved_at": {"$gte": since}, "timely": True})
        return [Observation(timely / resolved)] if resolved else []

    meter.create_observable_gauge("complaints_open_deadlines", callbacks=[open_deadlines],
                                  description="deadlines running or paused")
    meter.create_observable_gauge("complaints_timely_handling_rate", callbacks=[timely_rate],
                                  description="cases answered within the case-reply time, last 24 h (target 0.98)")


def main() -> None:
    run_service("escalation", build)
