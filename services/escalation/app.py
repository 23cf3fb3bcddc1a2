"""Wiring of the escalation service."""

from __future__ import annotations

import logging
from datetime import datetime

from complaints.v1 import escalation_service_pb2, escalation_service_pb2_grpc
from complaint_platform.hop_metrics import MeasuredHandler
from complaint_platform.runner import ServiceContext, ServiceParts, run_service

from . import documents, store
from .clocks import DeadlineFiring
from .commands import EscalationCommands
from .domain.policy import EscalationPolicy, load as load_policy
from .domain.public_holidays import public_days
from .handler import EscalationHandler
from .servicer import EscalationServicer

log = logging.getLogger(__name__)
TICK_SECONDS = 0.1  # breach lateness budget is 1 s


def build(context: ServiceContext) -> ServiceParts:
    policy = load_policy(context.policy.child("escalation"))
    _warn_of_unknown_holiday_years(policy, context.clock.now())
    documents.ensure_indexes()
    firing = DeadlineFiring(context.database, policy, context.telemetry.meter)
    handler = EscalationHandler(context.database, policy, on_stored=firing.track)
    firing.release = handler.release
    commands = EscalationCommands(context.database, context.commands, handler.release)
    servicer = EscalationServicer(context.database, policy, commands, context.clock)
    _supervision_metrics(context, firing)
    return ServiceParts(
        handler=MeasuredHandler(handler, context.telemetry.meter),
        register_grpc=lambda server: escalation_service_pb2_grpc.add_EscalationServiceServicer_to_server(servicer, server),
        grpc_service_names=[escalation_service_pb2.DESCRIPTOR.services_by_name["EscalationService"].full_name],
        jobs=[(TICK_SECONDS, firing.fire_due_deadlines, firing.published)],
        owner=firing,
    )


def _supervision_metrics(context: ServiceContext, firing: DeadlineFiring) -> None:
    """Gauges read on each scrape: open clocks and the timely-handling rate of the last 24 hours.

    No figure is repeated per replica: the open clocks are each replica's own (its partitions'),
    and the figures only the database can give (overdue cases, the rate) are reported by the one
    replica that consumes partition 0, so summing over replicas is right for all of them."""
    from datetime import timedelta

    from opentelemetry.metrics import Observation

    database, meter = context.database, context.telemetry.meter

    def open_deadlines(options):  # this replica's: the clocks of the partitions it consumes
        return [Observation(len(firing.timetable))]

    def reports_global() -> bool:
        return 0 in firing.timetable.partitions

    def overdue_deadlines(options):  # clocks live inside their cases: the cases' rows say which are overdue
        if not reports_global():
            return []
        return [Observation(database[store.CASES].count_documents({"overdue": True, "closed": False}))]

    def timely_rate(options):
        if not reports_global():
            return []
        since = context.clock.now() - timedelta(hours=24)
        resolved = database[store.CASES].count_documents({"resolved_at": {"$gte": since}})
        timely = database[store.CASES].count_documents({"resolved_at": {"$gte": since}, "timely": True})
        return [Observation(timely / resolved)] if resolved else []

    meter.create_observable_gauge("complaints_open_deadlines", callbacks=[open_deadlines],
                                  description="deadlines running or paused, of the cases this replica consumes")
    meter.create_observable_gauge("complaints_overdue_deadlines", callbacks=[overdue_deadlines],
                                  description="open cases with a deadline breached and not yet met (超时未办结), "
                                              "all replicas' (reported by the one consuming partition 0)")
    meter.create_observable_gauge("complaints_timely_handling_rate", callbacks=[timely_rate],
                                  description="cases answered within the case-reply time, last 24 h (target 0.98; "
                                              "reported by the replica consuming partition 0)")


def main() -> None:
    run_service("escalation", build)


def _warn_of_unknown_holiday_years(policy: EscalationPolicy, now: datetime) -> None:
    """Deadlines are planned into next year too: say when the holiday package does not know it yet."""
    users = sorted(name for name, calendar in policy.calendars.items() if calendar.public_holidays == "CN")
    unknown = public_days("CN").unknown_years(now.year, now.year + 1)
    if users and unknown:
        log.warning("the chinese-calendar package knows no public holidays for %s: calendars %s count only weekends "
                    "and the policy's own holidays and working_days there; add the State Council's schedule to the "
                    "policy or upgrade the package", ", ".join(map(str, unknown)), ", ".join(users))
