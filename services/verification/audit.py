"""The auditors' command line for the verification service, over gRPC.

    python -m services.verification.audit export --format csv --output records.csv --result closed
    python -m services.verification.audit verify --from-seq 1 --to-seq 5000

Exit codes: 0 done (chain OK), 1 chain broken, 2 usage error or the service failed / could not be reached,
130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime, timezone
from typing import Any

import grpc

from complaint_platform.grpc_errors import describe_failure
from complaint_platform.grpc_channel import ChannelSecurity, add_tls_arguments, open_channel, security_from
from complaints.v1 import verification_service_pb2 as pb, verification_service_pb2_grpc

from .cli_output import CSV_COLUMNS, WRITERS, Progress

DEFAULT_TARGET = "127.0.0.1:50054"
RESULTS = {"pending": pb.VERIFICATION_RESULT_PENDING, "closed": pb.VERIFICATION_RESULT_CLOSED,
           "reopened": pb.VERIFICATION_RESULT_REOPENED}
OK, BROKEN, FAILED, INTERRUPTED = 0, 1, 2, 130


def connect(target: str, security: ChannelSecurity = ChannelSecurity()) -> tuple[Any, grpc.Channel]:
    """The one place a real stub is built; tests pass their own stub to main() instead."""
    channel = open_channel(target, security)
    return verification_service_pb2_grpc.VerificationServiceStub(channel), channel


def iso_time(text: str) -> datetime:
    """ISO-8601 date or time; without an offset it is taken as UTC."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected an ISO-8601 date or time such as 2026-03-01 or 2026-03-01T08:00:00+08:00, got {text!r}")
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def sequence(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {text!r}")
    return value


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--target", default=os.environ.get("VERIFICATION_GRPC_TARGET") or DEFAULT_TARGET,
                        help="host:port of the verification service's gRPC endpoint "
                             "(default: $VERIFICATION_GRPC_TARGET or %(default)s)")
    common.add_argument("--token", default=os.environ.get("VERIFICATION_GRPC_TOKEN") or None,
                        help="bearer token, sent as 'authorization: Bearer <token>' "
                             "(default: $VERIFICATION_GRPC_TOKEN; prefer the variable, a flag shows in ps)")
    common.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                        help="give up after this many seconds (default: no limit)")
    add_tls_arguments(common)

    top = argparse.ArgumentParser(
        prog="python -m services.verification.audit",
        description="Auditors' tools for the verification service (closed-loop verification, 闭环验证): "
                    "export verification records, check the tamper-evident audit chain.",
        epilog="exit codes: 0 done / chain OK, 1 chain broken, 2 usage error or the service failed, "
               "130 interrupted")
    commands = top.add_subparsers(dest="command", required=True, metavar="{export,verify}")

    export = commands.add_parser(
        "export", parents=[common], help="stream matching records as CSV or JSON lines",
        description="Stream every matching verification record (ExportRecords), oldest opened first. "
                    f"CSV columns: {', '.join(CSV_COLUMNS)} (times ISO-8601 UTC, blockers joined with '; '). "
                    "JSON lines: one object per record with the same fields (blockers a list, unset values "
                    "null) plus \"record\", the whole record (actions, callbacks, history). "
                    "A running count goes to stderr.",
        epilog="example: export --format csv --output closed-march.csv --from 2026-03-01 --to 2026-04-01 "
               "--result closed")
    export.add_argument("--format", required=True, choices=sorted(WRITERS), help="output format")
    export.add_argument("--output", "-o", metavar="FILE",
                        help="write here (default: stdout); written as FILE.partial and renamed when complete, "
                             "so a failed export leaves no FILE behind")
    export.add_argument("--from", dest="opened_from", type=iso_time, metavar="ISO",
                        help="records opened at or after this time (no offset: UTC)")
    export.add_argument("--to", dest="opened_to", type=iso_time, metavar="ISO",
                        help="records opened before this time (no offset: UTC)")
    export.add_argument("--unit", metavar="U", help="responsible unit, exactly")
    export.add_argument("--root-cause-class", metavar="C", help="root-cause class, exactly")
    export.add_argument("--result", type=str.lower, choices=list(RESULTS), help="where the record stands")
    export.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")
    export.set_defaults(usage=export)

    verify = commands.add_parser(
        "verify", parents=[common], help="check the audit hash chain",
        description="Ask the service to recompute the audit hash chain (VerifyChain) and report the first "
                    "broken entry. Prints 'audit chain OK: N entries checked' (exit 0) or "
                    "'audit chain BROKEN at entry S: <problem>' (exit 1).")
    verify.add_argument("--from-seq", type=sequence, default=0, metavar="N",
                        help="first entry to check (default: the first)")
    verify.add_argument("--to-seq", type=sequence, default=0, metavar="N",
                        help="last entry to check (default: the last)")
    verify.set_defaults(usage=verify)
    return top


def main(argv: list[str] | None = None, stub: Any = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "export" and args.opened_from and args.opened_to and args.opened_from >= args.opened_to:
        args.usage.error("--from must be before --to")
    if args.command == "verify" and args.to_seq and args.to_seq < args.from_seq:
        args.usage.error("--from-seq must not be after --to-seq")
    options: dict[str, Any] = {"metadata": [("authorization", f"Bearer {args.token}")] if args.token else None,
                               "timeout": args.timeout}
    channel = None
    if stub is None:
        try:
            stub, channel = connect(args.target, security_from(args))
        except ValueError as error:  # a TLS file that cannot be read
            args.usage.error(str(error))
    try:
        if args.command == "export":
            return export(stub, args, options)
        return verify(stub, args, options)
    except grpc.RpcError as error:
        print(rpc_failure(error, args.target, args.command), file=sys.stderr)
        return FAILED
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:  # the reader went away (| head): stop quietly, as other command-line tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return OK
    except OSError as error:  # --output cannot be written
        print(f"cannot write the export: {error}", file=sys.stderr)
        return FAILED
    finally:
        if channel is not None:
            channel.close()


def export(stub: Any, args: argparse.Namespace, options: dict[str, Any]) -> int:
    criteria = pb.RecordFilter(responsible_unit=args.unit or "", root_cause_class=args.root_cause_class or "",
                               result=RESULTS[args.result] if args.result else 0)
    if args.opened_from:
        criteria.opened_from.FromDatetime(args.opened_from.astimezone(timezone.utc))
    if args.opened_to:
        criteria.opened_to.FromDatetime(args.opened_to.astimezone(timezone.utc))
    to_file = args.output not in (None, "-")
    partial = f"{args.output}.partial" if to_file else None
    out = open(partial, "w", encoding="utf-8", newline="") if to_file else sys.stdout
    progress = None if args.quiet else Progress(sys.stderr)
    call = stub.ExportRecords(pb.ExportRecordsRequest(filter=criteria), **options)
    count, complete, writer = 0, False, None
    try:
        for response in call:
            # the CSV header waits for the first record, so a service that cannot be reached writes nothing
            writer = writer or WRITERS[args.format](out)
            writer.write(response.record)
            count += 1
            if progress:
                progress.update(count)
        writer = writer or WRITERS[args.format](out)
        out.flush()
        complete = True
    except BaseException:
        if progress:
            progress.abort()
        if hasattr(call, "cancel"):
            call.cancel()
        raise
    finally:
        if to_file:
            out.close()
            if complete:
                os.replace(partial, args.output)
            else:
                os.remove(partial)
    if progress:
        progress.finish(count)
    expected = _trailer(call, "record-count")
    if expected is not None and expected != str(count):
        print(f"note: the service counted {expected} matching records when the export began and sent {count} "
              "(records changed during the export)", file=sys.stderr)
    return OK


def verify(stub: Any, args: argparse.Namespace, options: dict[str, Any]) -> int:
    report = stub.VerifyChain(pb.VerifyChainRequest(from_seq=args.from_seq, to_seq=args.to_seq), **options)
    if report.ok:
        print(f"audit chain OK: {report.checked} entries checked")
        return OK
    print(f"audit chain BROKEN at entry {report.first_broken_seq}: {report.problem}")
    return BROKEN


def rpc_failure(error: grpc.RpcError, target: str, command: str) -> str:
    """One line naming the target and the status code."""
    return describe_failure(error, "verification", target, "the export" if command == "export" else "the chain check")


def _trailer(call: Any, key: str) -> str | None:
    try:
        for name, value in call.trailing_metadata() or ():
            if name == key:
                return value
    except Exception:  # a stub without trailers (or one that does not expose them): nothing to compare
        return None
    return None


if __name__ == "__main__":
    sys.exit(main())
