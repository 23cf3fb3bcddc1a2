"""Process entry point shared by the four services: wire adapters, run, drain.

A service supplies ``build(context) -> ServiceParts``; this module owns the
settings, telemetry, MongoDB connection, Kafka runtime and gRPC server, and
shuts them down in order on SIGTERM/SIGINT (stop consuming, finish and commit
the batch in hand, drain gRPC, flush spans).
"""

from __future__ import annotations

import asyncio
import faulthandler
import logging
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import grpc

from .clock import Clock, clock_from
from .config import ConfigError, Settings, load_settings
from .access import AccessConfigError, AccessInterceptor, TokenBook
from .grpc_server import GrpcServer, PortInUse, tls_credentials
from .handling import BatchHandler, Outgoing, PartitionOwner
from .kafka_admin import ensure_topics
from .mongo import Outbox, connect, ensure_retention, is_transient, release_abandoned_transactions
from .policy import Node, PolicyError, load_policy_file
from .readiness import DatabaseWatch
from .streaming import EventProcessor
from .telemetry import Telemetry, configure_logging
from .topics import CONSUMED_TOPICS, topics_of

log = logging.getLogger(__name__)


class CommandGateway:
    """Lets gRPC servicers run operator commands on the handler thread (bound once running)."""

    def __init__(self) -> None:
        self._processor: EventProcessor | None = None
        self._outbox: Outbox | None = None

    def bind(self, processor: EventProcessor, outbox: Outbox) -> None:
        self._processor, self._outbox = processor, outbox

    def run(self, command: Callable[[datetime], tuple[Any, list[Outgoing]]]) -> Any:
        if self._processor is None or self._outbox is None:
            raise RuntimeError("the service is still starting; try again in a moment")
        return self._processor.execute_command(command, self._outbox.mark_published)


@dataclass
class ServiceContext:
    settings: Settings
    policy: Node
    database: Any
    clock: Clock
    telemetry: Telemetry
    commands: CommandGateway = field(default_factory=CommandGateway)


Job = Callable[[datetime], list[Outgoing]]


@dataclass
class ServiceParts:
    handler: BatchHandler
    register_grpc: Callable[[grpc.Server], None]
    grpc_service_names: list[str]
    # (interval seconds, job) or (interval, job, published): periodic work such as firing due
    # deadlines; ``published`` is told the ids the broker acknowledged (default: the outbox's)
    jobs: list[tuple] = field(default_factory=list)
    validate_policy: Callable[[Node], Any] | None = None
    # work kept per partition of the case topics, told of every rebalance
    owner: PartitionOwner | None = None


def _count_database_operations(telemetry: Telemetry) -> None:
    from opentelemetry.metrics import Observation

    from .mongo import OPERATIONS

    telemetry.meter.create_observable_counter(
        "complaints_db_commands", description="database commands sent, by command (find, insert, update, "
        "commitTransaction, ...)",
        callbacks=[lambda options: [Observation(count, {"command": name})
                                    for name, count in sorted(OPERATIONS.commands.items())]])
    telemetry.meter.create_observable_counter(
        "complaints_db_documents", description="documents written, by command (insert, update, delete) "
        "and collection",
        callbacks=[lambda options: [Observation(count, {"command": name, "collection": collection})
                                    for (name, collection), count in sorted(OPERATIONS.documents.items())]])


def run_service(name: str, build: Callable[[ServiceContext], ServiceParts]) -> None:
    faulthandler.register(signal.SIGUSR1)  # `kill -USR1 <pid>` prints every thread's stack to stderr
    try:
        settings = load_settings(name)
        configure_logging(settings)
        policy = load_policy_file(settings.policy_file)
    except (ConfigError, PolicyError) as error:
        print(f"{name}: configuration error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    telemetry = Telemetry(settings)
    clock = clock_from(settings.clock_file)
    client = connect(settings.mongodb_uri, settings.mongodb_database)
    try:
        release_abandoned_transactions(client, settings.mongodb_uri)
    except Exception as error:  # noqa: BLE001 - without it a restart waits for them to expire
        log.warning("could not abort transactions left open by a stopped process (they expire within a "
                    "minute; batches that conflict with them are retried): %s", error)
    _count_database_operations(telemetry)
    context = ServiceContext(settings, policy, client[settings.mongodb_database], clock, telemetry)
    try:
        from .policy_models import validated

        retention = validated(policy.child("retention"), "retention")
        ensure_retention(context.database, retention.inbox_days, retention.outbox_days)
        parts = build(context)
    except PolicyError as error:
        print(f"{name}: policy error in {settings.policy_file}: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    except ConfigError as error:
        print(f"{name}: configuration error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    ensure_topics(settings.kafka, topics_of(name))
    processor = EventProcessor(settings, telemetry, parts.handler, clock, is_transient)
    held = getattr(parts.handler, "held", None)
    if held is not None:
        from opentelemetry.metrics import Observation

        telemetry.meter.create_observable_gauge(
            "complaints_held_aggregates", description="cases (with their clocks) held in memory between batches",
            callbacks=[lambda options: [Observation(held())]])
    outbox = Outbox(context.database)
    context.commands.bind(processor, outbox)
    jobs = [(spec[0], spec[1], spec[2] if len(spec) > 2 else outbox.mark_published) for spec in parts.jobs]
    jobs.append((2.0, _relay(outbox), outbox.mark_published))
    try:
        interceptors = ([AccessInterceptor(TokenBook.load(settings.grpc_auth_tokens_file))]
                        if settings.grpc_auth_tokens_file else [])
        credentials = tls_credentials(settings.grpc_tls_cert_file, settings.grpc_tls_key_file,
                                      settings.grpc_tls_client_ca_file)
        server = GrpcServer(settings.grpc_host, settings.grpc_port, telemetry.tracer_provider,
                            parts.grpc_service_names, parts.register_grpc, interceptors, credentials,
                            settings.grpc_health_port, settings.grpc_reflection, settings.grpc_max_concurrent_rpcs)
    except (PortInUse, AccessConfigError, ValueError) as error:
        print(f"{name}: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    server.start()
    watch = DatabaseWatch(settings.mongodb_uri, server.health, parts.grpc_service_names)
    watch.start()
    log.info("%s started", name, extra={"fields": {
        "grpc": f"{settings.grpc_host}:{server.port}", "kafka": settings.kafka.bootstrap_servers,
        "database": settings.mongodb_database, "metrics_port": settings.metrics_port}})
    try:
        asyncio.run(_serve(processor, CONSUMED_TOPICS[name], jobs, parts.owner))
    finally:
        watch.stop()
        server.stop(grace=10.0)
        telemetry.shutdown()
        client.close()
        log.info("%s stopped", name)


async def _serve(processor: EventProcessor, topics, jobs, owner: PartitionOwner | None) -> None:
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    loop.add_signal_handler(signal.SIGUSR2, _print_tasks)  # `kill -USR2 <pid>`: what every coroutine awaits
    await processor.run(topics, jobs, stopping, owner)


def _print_tasks() -> None:
    for task in asyncio.all_tasks():
        task.print_stack(limit=8, file=sys.stderr)
    sys.stderr.flush()


def _relay(outbox: Outbox) -> Job:
    def relay_outbox(now: datetime) -> list[Outgoing]:
        # Staged more than a few seconds ago and still unpublished: the process died in between.
        return outbox.pending(now - timedelta(seconds=5))

    return relay_outbox
