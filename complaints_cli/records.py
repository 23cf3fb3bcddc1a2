"""Reports: the bulletin (通报) from escalation, and the auditors' export and chain check from verification.

The formats are the ones the older entry points write (``audit``, ``python -m services.escalation.bulletin``):
their renderers are reused, so the two never drift apart.
"""

from __future__ import annotations

import os
import sys
from datetime import timezone
from typing import Annotated, Any

import typer

from complaints.v1 import escalation_service_pb2 as esc, verification_service_pb2 as ver
from services.escalation.bulletin import PERIODS, render, write
from services.verification.cli_output import WRITERS

from . import audit_trail
from .common import (OK, WRONG, JsonOption, TargetOption, as_dict, calling, err, export_progress, fail, iso_time,
                     print_json)

audit = typer.Typer(help="Auditors' tools (闭环验证): export verification records, check the audit chain.",
                    no_args_is_help=True)
audit.command("keygen")(audit_trail.keygen)
audit.command("bundle")(audit_trail.bundle)
audit.command("anchors")(audit_trail.anchors)
RESULTS = {"pending": ver.VERIFICATION_RESULT_PENDING, "closed": ver.VERIFICATION_RESULT_CLOSED,
           "reopened": ver.VERIFICATION_RESULT_REOPENED}
When = Annotated[str | None, typer.Option(metavar="ISO", help="ISO-8601 date or time; no offset: UTC")]


@audit.command("export")
def export(ctx: typer.Context,
           form: Annotated[str, typer.Option("--format", help="csv or jsonl", case_sensitive=False)],
           output: Annotated[str | None, typer.Option("--output", "-o", metavar="FILE", help=(
               "write here (default: stdout); written as FILE.partial and renamed when complete"))] = None,
           opened_from: Annotated[str | None, typer.Option("--from", metavar="ISO",
                                                           help="opened at or after (no offset: UTC)")] = None,
           opened_to: Annotated[str | None, typer.Option("--to", metavar="ISO",
                                                         help="opened before (no offset: UTC)")] = None,
           unit: Annotated[str, typer.Option(help="responsible unit, exactly")] = "",
           root_cause_class: Annotated[str, typer.Option(help="root-cause class, exactly")] = "",
           result: Annotated[str | None, typer.Option(help="pending, closed or reopened")] = None,
           quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress bar")] = False,
           target: TargetOption = None) -> None:
    """Stream every matching verification record as CSV or JSON lines, oldest opened first (ExportRecords)."""
    if form.lower() not in WRITERS:
        raise typer.BadParameter(f"expected csv or jsonl, got {form!r}", param_hint="--format")
    if result is not None and result.lower() not in RESULTS:
        raise typer.BadParameter(f"expected pending, closed or reopened, got {result!r}", param_hint="--result")
    start, end = (iso_time(opened_from) if opened_from else None), (iso_time(opened_to) if opened_to else None)
    if start and end and start >= end:
        raise typer.BadParameter("--from must be before --to")
    criteria = ver.RecordFilter(responsible_unit=unit, root_cause_class=root_cause_class,
                                result=RESULTS[result.lower()] if result else 0)
    for moment, bound in ((start, criteria.opened_from), (end, criteria.opened_to)):
        if moment:
            bound.FromDatetime(moment.astimezone(timezone.utc))
    with calling(ctx, "verification", target, "the export") as stub:
        call = stub.ExportRecords(ver.ExportRecordsRequest(filter=criteria),
                                  **ctx.find_root().obj.options("verification"))
        count = _stream(call, form.lower(), output, quiet or (output in (None, "-") and not err.is_terminal))
    expected = _metadata(call, "trailing_metadata", "record-count")
    if expected is not None and expected != str(count):
        err.print(f"note: the service counted {expected} matching records when the export began and sent {count} "
                  "(records changed during the export)")
    if not quiet:
        err.print(f"{count:,} records exported")


def _stream(call: Any, form: str, output: str | None, quiet: bool) -> int:
    to_file = output not in (None, "-")
    partial = f"{output}.partial" if to_file else ""
    try:
        sink = open(partial, "w", encoding="utf-8", newline="") if to_file else sys.stdout
    except OSError as error:
        fail(f"cannot write the export: {error}")
    count, complete, writer = 0, False, None
    try:
        with export_progress(quiet) as progress:
            total = _metadata(call, "initial_metadata", "record-count")
            task = progress.add_task("records 记录", total=int(total) if total and total.isdigit() else None)
            for response in call:
                # the CSV header waits for the first record: a service that cannot be reached writes nothing
                writer = writer or WRITERS[form](sink)
                writer.write(response.record)
                count += 1
                progress.advance(task)
        writer = writer or WRITERS[form](sink)
        sink.flush()
        complete = True
    except BrokenPipeError:  # the reader went away (| head): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        complete = True
    except BaseException:
        if hasattr(call, "cancel"):
            call.cancel()
        raise
    finally:
        if to_file:
            sink.close()
            if complete:
                os.replace(partial, output)
            else:
                os.remove(partial)
    return count


def _metadata(call: Any, which: str, key: str) -> str | None:
    try:
        for name, value in getattr(call, which)() or ():
            if name == key:
                return value
    except Exception:  # noqa: BLE001 - a stub without metadata: nothing to show
        return None
    return None


@audit.command("verify")
def verify(ctx: typer.Context,
           from_seq: Annotated[int, typer.Option(min=0, help="first entry to check (default: the first)")] = 0,
           to_seq: Annotated[int, typer.Option(min=0, help="last entry to check (default: the last)")] = 0,
           export_file: Annotated[str | None, typer.Option("--export", metavar="FILE", help=(
               "check this export (complaints audit bundle) offline, asking no service"))] = None,
           anchors_file: Annotated[str | None, typer.Option("--anchors", metavar="FILE", help=(
               "with --export: the heads kept from audit.anchors.v1 (complaints audit anchors)"))] = None,
           keys_file: Annotated[str | None, typer.Option("--keys", metavar="FILE", help=(
               "with --export: the trusted public keys (PEM, one or more)"))] = None,
           target: TargetOption = None, as_json: JsonOption = False) -> None:
    """Check the audit chain: by the service (VerifyChain), or with --export offline, against the
    auditor's own keys and anchors; exit 1 when anything does not check."""
    if export_file:
        if not keys_file:
            raise typer.BadParameter("an offline check needs the trusted public keys", param_hint="--keys")
        audit_trail.verify_offline(export_file, anchors_file, keys_file, as_json)
    if anchors_file or keys_file:
        raise typer.BadParameter("--anchors and --keys go with --export", param_hint="--export")
    if to_seq and to_seq < from_seq:
        raise typer.BadParameter("--from-seq must not be after --to-seq")
    with calling(ctx, "verification", target, "the chain check") as stub:
        report = stub.VerifyChain(ver.VerifyChainRequest(from_seq=from_seq, to_seq=to_seq),
                                  **ctx.find_root().obj.options("verification"))
    if as_json:
        print_json({"ok": report.ok, **as_dict(report)})
    elif report.ok:
        print(f"audit chain OK: {report.checked} entries checked")
    else:
        print(f"audit chain BROKEN at entry {report.first_broken_seq}: {report.problem}")
    raise typer.Exit(OK if report.ok else WRONG)


def bulletin(ctx: typer.Context,
             period: Annotated[str, typer.Option(help="daily, weekly or monthly", case_sensitive=False)] = "daily",
             at: When = None,
             form: Annotated[str, typer.Option("--format", help="json, md or html")] = "json",
             output: Annotated[str | None, typer.Option("--output", "-o", metavar="FILE")] = None,
             timeout: Annotated[float, typer.Option(metavar="SECONDS")] = 60.0,
             target: TargetOption = None, as_json: JsonOption = False) -> None:
    """The complaint-handling bulletin (通报) for a day, ISO week or month (GetBulletin): KPIs, groups, rankings."""
    form = "json" if as_json else form.lower()
    if period.lower() not in PERIODS:
        raise typer.BadParameter(f"expected daily, weekly or monthly, got {period!r}", param_hint="--period")
    if form not in ("json", "md", "html"):
        raise typer.BadParameter(f"expected json, md or html, got {form!r}", param_hint="--format")
    request = esc.GetBulletinRequest(period=PERIODS[period.lower()])
    if at:
        request.at.FromDatetime(iso_time(at).astimezone(timezone.utc))
    with calling(ctx, "escalation", target, "the bulletin") as stub:
        answer = stub.GetBulletin(request, **ctx.find_root().obj.options("escalation", timeout))
    try:
        text = render(answer.json, form)
    except (ValueError, KeyError, TypeError) as error:
        fail(f"the escalation service sent a bulletin that cannot be read ({type(error).__name__}: {error})")
    try:
        write(text, output)
    except OSError as error:
        fail(f"cannot write the bulletin: {error}")
