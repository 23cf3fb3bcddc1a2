"""What every command shares: reaching a service over gRPC, failing with the house exit codes, printing.

Exit codes (as the tools this command line replaces): 0 done, 1 the thing checked is wrong (a broken
audit chain, a policy or CSV file with errors), 2 usage error or a service that failed or could not be
reached, 130 interrupted.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Annotated, Any

import grpc
import typer
from google.protobuf import json_format
from google.protobuf.message import Message
from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn,
                           TimeElapsedColumn)
from rich.table import Table
from rich.text import Text

from complaint_platform.grpc_channel import ChannelSecurity, open_channel
from complaint_platform.grpc_errors import describe_failure
from complaints.v1 import (dispatch_service_pb2_grpc, escalation_service_pb2_grpc, intake_service_pb2_grpc,
                           verification_service_pb2_grpc)

OK, WRONG, FAILED, INTERRUPTED = 0, 1, 2, 130
SERVICES = {
    "intake": ("127.0.0.1:50051", intake_service_pb2_grpc.IntakeServiceStub),
    "dispatch": ("127.0.0.1:50052", dispatch_service_pb2_grpc.DispatchServiceStub),
    "escalation": ("127.0.0.1:50053", escalation_service_pb2_grpc.EscalationServiceStub),
    "verification": ("127.0.0.1:50054", verification_service_pb2_grpc.VerificationServiceStub),
}
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

JsonOption = Annotated[bool, typer.Option("--json", help="print JSON instead of a table")]
TargetOption = Annotated[str | None, typer.Option(
    "--target", metavar="HOST:PORT",
    help="the service's gRPC endpoint (default: $<SERVICE>_GRPC_TARGET or its port on 127.0.0.1)")]


@dataclass
class Session:
    """The root options: credentials and TLS for every service this run talks to."""

    token: str | None = None
    timeout: float | None = None
    security: ChannelSecurity = field(default_factory=ChannelSecurity)
    stubs: dict[str, Any] = field(default_factory=dict)   # tests put fakes here

    def target(self, service: str, given: str | None) -> str:
        return given or os.environ.get(f"{service.upper()}_GRPC_TARGET") or SERVICES[service][0]

    def token_for(self, service: str) -> str | None:
        return self.token or os.environ.get(f"{service.upper()}_GRPC_TOKEN") or None

    def options(self, service: str, timeout: float | None = None) -> dict[str, Any]:
        token = self.token_for(service)
        return {"metadata": [("authorization", f"Bearer {token}")] if token else None,
                "timeout": timeout if timeout is not None else self.timeout}


def session(ctx: typer.Context) -> Session:
    return ctx.find_root().obj


@contextmanager
def calling(ctx: typer.Context, service: str, target: str | None, doing: str) -> Iterator[Any]:
    """A stub for ``service``; a failed call becomes one line naming the target and exit code 2."""
    state = session(ctx)
    where = state.target(service, target)
    channel = None
    stub = state.stubs.get(service)
    if stub is None:
        try:
            channel = open_channel(where, state.security)
        except ValueError as error:  # a TLS file that cannot be read
            fail(str(error))
        stub = SERVICES[service][1](channel)
    try:
        yield stub
    except grpc.RpcError as error:
        fail(describe_failure(error, service, where, doing))
    except KeyboardInterrupt:
        err.print("interrupted")
        raise typer.Exit(INTERRUPTED) from None
    finally:
        if channel is not None:
            channel.close()


def fail(message: str, code: int = FAILED) -> None:
    err.print(message, markup=False, highlight=False)
    raise typer.Exit(code)


def as_dict(message: Message) -> dict[str, Any]:
    return json_format.MessageToDict(message, preserving_proto_field_name=True)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def table(title: str, columns: list[str], rows: list[list[Any]]) -> None:
    grid = Table(title=title, title_justify="left")
    for column in columns:
        grid.add_column(column, overflow="fold")
    for row in rows:
        grid.add_row(*("" if value is None else str(value) for value in row))
    out.print(grid)


def when(message: Message, name: str) -> str:
    """A Timestamp field as ISO-8601 UTC, empty when unset."""
    if not message.HasField(name):
        return ""
    return getattr(message, name).ToDatetime(tzinfo=timezone.utc).isoformat().replace("+00:00", "Z")


def iso_time(text: str) -> datetime:
    """ISO-8601 date or time; without an offset it is taken as UTC."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"expected an ISO-8601 date or time such as 2026-03-01 or "
                                 f"2026-03-01T08:00:00+08:00, got {text!r}") from None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def enum_name(enum: Any, prefix: str, value: int) -> str:
    try:
        return enum.Name(value).removeprefix(prefix)
    except ValueError:
        return str(value)


class RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        return Text(f"{task.speed or 0:,.0f}/s", style="progress.data.speed")


def export_progress(quiet: bool) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), RateColumn(),
                    TimeElapsedColumn(), console=err, disable=quiet)
