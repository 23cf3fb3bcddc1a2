"""Auditor exports: records and audit entries as CSV rows and JSON lines, in a stable column order."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from .audit import AuditEntry, canonical_bytes, json_friendly
from .inputs import CORRECTIVE, PREVENTIVE
from .record import VerificationRecord
from .times import iso_z

RECORD_COLUMNS = (
    "case_id", "status", "loop", "customer_id", "category", "region", "department", "owner", "responsible_unit",
    "root_cause_class", "company_at_fault", "opened_at", "customer_closed_at", "window_ends_at",
    "management_closed_at", "corrective_actions", "preventive_actions", "actions_verified", "callback",
    "unreachable_attempts", "recurrences", "reopenings", "blockers")
AUDIT_COLUMNS = ("seq", "case_id", "entry_type", "recorded_at", "prev_hash", "hash", "payload")


def record_row(record: VerificationRecord, now: datetime) -> dict[str, str]:
    """One record as strings, keys in RECORD_COLUMNS order; lists joined with "; "."""
    callback = record.callback_status()
    values: dict[str, Any] = {
        "case_id": record.case_id, "status": record.status, "loop": record.loop, "customer_id": record.customer_id,
        "category": record.category, "region": record.region, "department": record.department,
        "owner": record.owner, "responsible_unit": record.responsible_unit,
        "root_cause_class": record.root_cause_class,
        "company_at_fault": record.finding.company_at_fault if record.finding else "",
        "opened_at": record.opened_at, "customer_closed_at": record.customer_closed_at,
        "window_ends_at": record.window_ends_at, "management_closed_at": record.management_closed_at,
        "corrective_actions": _ids(record, CORRECTIVE), "preventive_actions": _ids(record, PREVENTIVE),
        "actions_verified": sum(1 for a in record.actions.values() if a.verified_at is not None),
        "callback": callback.fallback if callback.state == "FALLBACK" else callback.state,
        "unreachable_attempts": callback.unreachable_attempts,
        "recurrences": "; ".join(r.new_case_id for r in record.recurrences),
        "reopenings": len(record.reopenings), "blockers": "; ".join(record.closure_blockers(now))}
    return {column: _text(values[column]) for column in RECORD_COLUMNS}


def records_csv(records: Iterable[VerificationRecord], now: datetime) -> str:
    return _csv(RECORD_COLUMNS, (record_row(record, now) for record in records))


def record_json_line(record: VerificationRecord, now: datetime) -> str:
    """The whole record (every action, call and recurrence) plus its blockers, keys sorted."""
    document = {**record.to_dict(), "blockers": record.closure_blockers(now)}
    document.pop("applied_event_ids")  # delivery bookkeeping, not audit content
    return json.dumps(json_friendly(document), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def audit_row(entry: AuditEntry) -> dict[str, str]:
    """The payload column holds the canonical JSON the hash was computed over."""
    values = {"seq": entry.seq, "case_id": entry.case_id, "entry_type": entry.entry_type,
              "recorded_at": entry.recorded_at, "prev_hash": entry.prev_hash, "hash": entry.hash,
              "payload": canonical_bytes(entry.payload).decode("utf-8")}
    return {column: _text(values[column]) for column in AUDIT_COLUMNS}


def audit_csv(entries: Iterable[AuditEntry]) -> str:
    return _csv(AUDIT_COLUMNS, (audit_row(entry) for entry in entries))


def audit_json_line(entry: AuditEntry) -> str:
    """Canonical JSON of the whole entry: an auditor can recompute the hash from this line alone."""
    return canonical_bytes(entry.to_dict()).decode("utf-8")


def _ids(record: VerificationRecord, kind: str) -> str:
    return "; ".join(a.action_id for a in record.actions.values() if a.kind == kind)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return iso_z(value)
    return str(value)


def _csv(columns: tuple[str, ...], rows: Iterable[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
