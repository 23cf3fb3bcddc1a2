"""Verification records (核查记录): the filter as the page reads it, rows for the table and the
exports, and the result of a chain check."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from complaints.v1 import common_pb2, verification_service_pb2 as pb

from .common import enum_key, local_text

RESULTS = {"pending": pb.VERIFICATION_RESULT_PENDING, "closed": pb.VERIFICATION_RESULT_CLOSED,
           "reopened": pb.VERIFICATION_RESULT_REOPENED}
FILTER_FIELDS = ("opened_from", "opened_to", "unit", "root_cause_class", "result")
COLUMNS = ("case_id", "result", "responsible_unit", "root_cause_class", "company_at_fault", "customer_closed_at",
           "management_closed_at", "blockers")


class FilterError(ValueError):
    """A filter field the page cannot use; the message names it."""


def day_start(text: str, field_name: str, zone: str) -> datetime | None:
    """``2026-12-01`` -> the start of that day in the centre's zone."""
    if not text:
        return None
    try:
        day = datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise FilterError(f"{field_name}: expected a date such as 2026-12-01, got {text!r}") from None
    return datetime.combine(day, time(), ZoneInfo(zone))


def record_filter(params: dict[str, str], zone: str) -> pb.RecordFilter:
    """Form fields -> RecordFilter; ``opened_to`` is inclusive on the page (the whole day)."""
    criteria = pb.RecordFilter(responsible_unit=params.get("unit", "").strip(),
                               root_cause_class=params.get("root_cause_class", "").strip())
    result = params.get("result", "")
    if result:
        if result not in RESULTS:
            raise FilterError(f"result: expected one of {', '.join(RESULTS)}, got {result!r}")
        criteria.result = RESULTS[result]
    start = day_start(params.get("opened_from", ""), "opened_from", zone)
    end = day_start(params.get("opened_to", ""), "opened_to", zone)
    if start:
        criteria.opened_from.FromDatetime(start.astimezone(timezone.utc))
    if end:
        criteria.opened_to.FromDatetime((end + timedelta(days=1)).astimezone(timezone.utc))
    return criteria


def seq_range(params: dict[str, str]) -> tuple[int, int]:
    values = []
    for name in ("from_seq", "to_seq"):
        text = params.get(name, "").strip() or "0"
        if not text.isdigit():
            raise FilterError(f"{name}: expected a whole number, got {text!r}")
        values.append(int(text))
    if values[1] and values[1] < values[0]:
        raise FilterError("to_seq: must not be below from_seq")
    return values[0], values[1]


def record_row(record: pb.RecordView, zone: str) -> dict[str, Any]:
    fault = enum_key(common_pb2.CompanyFault, record.company_at_fault) if record.company_at_fault else ""
    return {"case_id": record.case_id, "result": enum_key(pb.VerificationResult, record.result),
            "responsible_unit": record.responsible_unit, "root_cause_class": record.root_cause_class,
            "company_at_fault": fault, "customer_closed_at": local_text(record.customer_closed_at, zone),
            "management_closed_at": local_text(record.management_closed_at, zone),
            "blockers": "; ".join(record.blockers)}


def export_line(record: pb.RecordView, zone: str) -> dict[str, Any]:
    """JSON lines: the row's fields plus the whole record, as the audit command line writes them."""
    return {**record_row(record, zone), "record": json.loads(record.json or "{}")}


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    checked: int
    from_seq: int
    to_seq: int
    first_broken_seq: int
    problem: str

    @property
    def last_checked(self) -> int:
        """The last entry looked at: the range's end as checked, not as asked."""
        start = max(self.from_seq, 1)
        return self.first_broken_seq if not self.ok else start + self.checked - 1


def chain_check(answer: pb.VerifyChainResponse, from_seq: int, to_seq: int) -> ChainCheck:
    return ChainCheck(answer.ok, answer.checked, from_seq, to_seq, answer.first_broken_seq, answer.problem)
