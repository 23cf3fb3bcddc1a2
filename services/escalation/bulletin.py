"""The bulletin (通报) from the command line: EscalationService.GetBulletin over gRPC.

    python -m services.escalation.bulletin --period weekly --format md
    python -m services.escalation.bulletin --period monthly --at 2026-03-15 --format html --output march.html

Formats: json (the service's JSON, pretty-printed), md (kpi.to_markdown), html (templates/bulletin.html: a standalone page
with an inline SVG chart of the timely-handling rate by department).
Exit codes: 0 written, 2 usage error, the service failed or could not be reached, or the output cannot be written.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime, timezone
from typing import Any

import grpc

from complaint_platform.grpc_errors import describe_failure
from complaint_platform.grpc_channel import ChannelSecurity, add_tls_arguments, open_channel, security_from
from complaints.v1 import escalation_service_pb2 as pb, escalation_service_pb2_grpc

from .domain import kpi

DEFAULT_TARGET = "127.0.0.1:50053"
PERIODS = {"daily": pb.BULLETIN_PERIOD_DAILY, "weekly": pb.BULLETIN_PERIOD_WEEKLY,
           "monthly": pb.BULLETIN_PERIOD_MONTHLY}
FORMATS = ("json", "md", "html")
OK, FAILED = 0, 2


def connect(target: str, security: ChannelSecurity = ChannelSecurity()) -> tuple[Any, grpc.Channel]:
    """The one place a real stub is built; tests pass their own stub to main() instead."""
    channel = open_channel(target, security)
    return escalation_service_pb2_grpc.EscalationServiceStub(channel), channel


def iso_time(text: str) -> datetime:
    """ISO-8601 date or time; without an offset it is taken as UTC."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected an ISO-8601 date or time such as 2026-03-01 or 2026-03-01T08:00:00+08:00, got {text!r}")
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="python -m services.escalation.bulletin",
        description="Fetch the complaint-handling bulletin (通报) for a day, ISO week or month from the "
                    "escalation service (GetBulletin) and write it as JSON, Markdown or standalone HTML "
                    "with an SVG chart of the timely-handling rate by department.",
        epilog="exit codes: 0 written, 2 usage error or the service failed / could not be reached")
    top.add_argument("--period", type=str.lower, choices=list(PERIODS), default="daily",
                     help="length of the period (default: %(default)s)")
    top.add_argument("--at", type=iso_time, metavar="ISO",
                     help="a moment inside the period (no offset: UTC; default: now, on the service's clock); "
                          "the period's bounds follow the centre's time zone")
    top.add_argument("--format", type=str.lower, choices=FORMATS, default="json", help="output format "
                     "(default: %(default)s)")
    top.add_argument("--output", "-o", metavar="FILE",
                     help="write here (default: stdout); written as FILE.partial and renamed when complete")
    top.add_argument("--target", default=os.environ.get("ESCALATION_GRPC_TARGET") or DEFAULT_TARGET,
                     help="host:port of the escalation service's gRPC endpoint "
                          "(default: $ESCALATION_GRPC_TARGET or %(default)s)")
    top.add_argument("--token", default=os.environ.get("ESCALATION_GRPC_TOKEN") or None,
                     help="bearer token, sent as 'authorization: Bearer <token>' "
                          "(default: $ESCALATION_GRPC_TOKEN; prefer the variable, a flag shows in ps)")
    top.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS",
                     help="give up after this many seconds (default: %(default)s)")
    add_tls_arguments(top)
    return top


def request_for(args: argparse.Namespace) -> pb.GetBulletinRequest:
    request = pb.GetBulletinRequest(period=PERIODS[args.period])
    if args.at is not None:
        request.at.FromDatetime(args.at.astimezone(timezone.utc))
    return request


def to_html(report: dict[str, Any]) -> str:
    """A standalone, printable page (templates/bulletin.html): Chinese labels first, each ranking
    with equal rates ranked equal and a bar chart against the target."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    environment = Environment(loader=PackageLoader("services.escalation", "templates"),
                              autoescape=select_autoescape(("html",)), keep_trailing_newline=True)
    return environment.get_template("bulletin.html").render(report=report)


def render(report_json: str, form: str) -> str:
    report = json.loads(report_json)
    if form == "md":
        return kpi.to_markdown(report)
    if form == "html":
        return to_html(report)
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None, stub: Any = None) -> int:
    top = parser()
    args = top.parse_args(argv)
    metadata = [("authorization", f"Bearer {args.token}")] if args.token else None
    channel = None
    if stub is None:
        try:
            stub, channel = connect(args.target, security_from(args))
        except ValueError as error:  # a TLS file that cannot be read
            top.error(str(error))
    try:
        response = stub.GetBulletin(request_for(args), metadata=metadata, timeout=args.timeout)
    except grpc.RpcError as error:
        print(rpc_failure(error, args.target), file=sys.stderr)
        return FAILED
    finally:
        if channel is not None:
            channel.close()
    try:
        text = render(response.json, args.format)
    except (ValueError, KeyError, TypeError) as error:
        print(f"the escalation service at {args.target} sent a bulletin that cannot be read "
              f"({type(error).__name__}: {error})", file=sys.stderr)
        return FAILED
    try:
        write(text, args.output)
    except OSError as error:
        print(f"cannot write the bulletin: {error}", file=sys.stderr)
        return FAILED
    return OK


def write(text: str, output: str | None) -> None:
    if output in (None, "-"):
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    partial = f"{output}.partial"
    try:
        with open(partial, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(partial, output)
    except BaseException:
        if os.path.exists(partial):
            os.remove(partial)
        raise


def rpc_failure(error: grpc.RpcError, target: str) -> str:
    """One line naming the target and the status code."""
    return describe_failure(error, "escalation", target, "the bulletin")


if __name__ == "__main__":
    sys.exit(main())
