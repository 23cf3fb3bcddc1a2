"""Output of the auditors' command line: RecordView messages as CSV rows or JSON lines, and a progress line.

The CSV columns are those of a RecordView an auditor filters by, times ISO-8601 UTC with Z, lists
joined with "; ".
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Callable
from datetime import timezone
from typing import Any, TextIO

from complaints.v1 import common_pb2, verification_service_pb2 as pb

from .domain.times import iso_z

CSV_COLUMNS = ("case_id", "result", "responsible_unit", "root_cause_class", "company_at_fault",
               "customer_closed_at", "management_closed_at", "blockers")


def _enum_name(enum: Any, prefix: str, value: int) -> str | None:
    """VERIFICATION_RESULT_CLOSED -> CLOSED; unset -> None; a value newer than this client -> its number."""
    if not value:
        return None
    try:
        return enum.Name(value).removeprefix(prefix)
    except ValueError:
        return str(value)


def _time(view: pb.RecordView, field: str) -> str | None:
    if not view.HasField(field):
        return None
    return iso_z(getattr(view, field).ToDatetime(tzinfo=timezone.utc))


def view_fields(view: pb.RecordView) -> dict[str, Any]:
    """The RecordView fields, CSV_COLUMNS order; unset values None, blockers a list."""
    return {"case_id": view.case_id,
            "result": _enum_name(pb.VerificationResult, "VERIFICATION_RESULT_", view.result),
            "responsible_unit": view.responsible_unit, "root_cause_class": view.root_cause_class,
            "company_at_fault": _enum_name(common_pb2.CompanyFault, "COMPANY_FAULT_", view.company_at_fault),
            "customer_closed_at": _time(view, "customer_closed_at"),
            "management_closed_at": _time(view, "management_closed_at"),
            "blockers": list(view.blockers)}


def csv_row(view: pb.RecordView) -> dict[str, str]:
    fields = view_fields(view)
    fields["blockers"] = "; ".join(fields["blockers"])
    return {column: "" if fields[column] is None else str(fields[column]) for column in CSV_COLUMNS}


def json_line(view: pb.RecordView) -> str:
    """One object: the RecordView fields, then the record's own JSON (``json``) parsed, as "record"."""
    document = {**view_fields(view), "record": json.loads(view.json) if view.json else None}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


class CsvWriter:
    def __init__(self, out: TextIO) -> None:
        self._writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
        self._writer.writeheader()

    def write(self, view: pb.RecordView) -> None:
        self._writer.writerow(csv_row(view))


class JsonLinesWriter:
    def __init__(self, out: TextIO) -> None:
        self._out = out

    def write(self, view: pb.RecordView) -> None:
        self._out.write(json_line(view) + "\n")


WRITERS = {"csv": CsvWriter, "jsonl": JsonLinesWriter}


class Progress:
    """A running count with rate and elapsed time on ``stream``.

    On a terminal: one line redrawn with \\r, at most ``per_second`` times a second. Otherwise (a log file,
    CI): one line every ``every`` records. Both end with a summary line.
    """

    def __init__(self, stream: TextIO, *, noun: str = "records", tty: bool | None = None, every: int = 1000,
                 per_second: float = 10.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._stream, self._noun, self._every, self._clock = stream, noun, every, clock
        self._tty = stream.isatty() if tty is None else tty
        self._interval = 1.0 / per_second
        self._started = clock()
        self._drawn_at: float | None = None
        self._width = 0

    def line(self, count: int, now: float) -> str:
        elapsed = max(now - self._started, 0.0)
        rate = count / elapsed if elapsed > 0 else 0.0
        minutes, seconds = divmod(int(elapsed), 60)
        return f"{count:,} {self._noun} exported ({rate:,.0f}/s, {minutes}:{seconds:02d} elapsed)"

    def update(self, count: int) -> None:
        if self._tty:
            now = self._clock()
            if self._drawn_at is None or now - self._drawn_at >= self._interval:
                self._draw(self.line(count, now))
                self._drawn_at = now
        elif count % self._every == 0:
            self._stream.write(self.line(count, self._clock()) + "\n")
            self._stream.flush()

    def finish(self, count: int) -> None:
        text = self.line(count, self._clock())
        if self._tty:
            self._draw(text)
            self._stream.write("\n")
        else:
            self._stream.write(text + "\n")
        self._stream.flush()
        self._drawn_at = None

    def abort(self) -> None:
        """Leave the terminal on a fresh line before an error message."""
        if self._tty and self._drawn_at is not None:
            self._stream.write("\n")
            self._stream.flush()
        self._drawn_at = None

    def _draw(self, text: str) -> None:
        self._stream.write("\r" + text.ljust(self._width))
        self._stream.flush()
        self._width = max(self._width, len(text))
