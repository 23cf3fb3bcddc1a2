"""Filtering and paging for auditors: a stable order and opaque page tokens bound to their filter."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from .audit import AuditEntry, canonical_bytes
from .closure import STATUSES
from .errors import InvalidInput, InvalidPageToken
from .record import VerificationRecord
from .times import iso_z

T = TypeVar("T")
DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 50, 500


@dataclass(frozen=True)
class RecordFilter:
    """Empty fields match everything; the period is on the record's opening, [from, to)."""

    period_from: datetime | None = None
    period_to: datetime | None = None
    responsible_unit: str = ""
    root_cause_class: str = ""
    result: str = ""          # AWAITING_RESOLUTION, VERIFYING, REOPENED or CLOSED

    def __post_init__(self) -> None:
        if self.result and self.result not in STATUSES:
            raise InvalidInput(f"result: expected one of {', '.join(STATUSES)}, got {self.result!r}")

    def matches(self, record: VerificationRecord) -> bool:
        opened = record.opened_at
        if (self.period_from or self.period_to) and opened is None:
            return False
        return ((self.period_from is None or opened >= self.period_from)
                and (self.period_to is None or opened < self.period_to)
                and (not self.responsible_unit or record.responsible_unit == self.responsible_unit)
                and (not self.root_cause_class or record.root_cause_class == self.root_cause_class)
                and (not self.result or record.status == self.result))


@dataclass(frozen=True)
class EntryFilter:
    """Audit entries by case, entry type and recording period [from, to)."""

    case_id: str = ""
    entry_type: str = ""
    period_from: datetime | None = None
    period_to: datetime | None = None

    def matches(self, entry: AuditEntry) -> bool:
        return ((not self.case_id or entry.case_id == self.case_id)
                and (not self.entry_type or entry.entry_type == self.entry_type)
                and (self.period_from is None or entry.recorded_at >= self.period_from)
                and (self.period_to is None or entry.recorded_at < self.period_to))


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_token: str           # "" on the last page


def record_order(record: VerificationRecord) -> list[Any]:
    """Records not yet opened sort first; ties broken by case id so the order is total."""
    return [iso_z(record.opened_at) if record.opened_at else "", record.case_id]


def page_records(records: Iterable[VerificationRecord], criteria: RecordFilter, page_size: int = 0,
                 token: str = "") -> Page[VerificationRecord]:
    return _page([r for r in records if criteria.matches(r)], record_order, criteria, page_size, token)


def page_entries(entries: Iterable[AuditEntry], criteria: EntryFilter, page_size: int = 0,
                 token: str = "") -> Page[AuditEntry]:
    return _page([e for e in entries if criteria.matches(e)], lambda e: [e.seq], criteria, page_size, token)


def checked_page_size(requested: int) -> int:
    if requested < 0 or requested > MAX_PAGE_SIZE:
        raise InvalidInput(f"page_size: expected 0 (default {DEFAULT_PAGE_SIZE}) to {MAX_PAGE_SIZE}, got {requested}")
    return requested or DEFAULT_PAGE_SIZE


def _page(items: Sequence[T], key: Callable[[T], list[Any]], criteria: object, page_size: int,
          token: str) -> Page[T]:
    size = checked_page_size(page_size)
    fingerprint = _fingerprint(criteria)
    ordered = sorted(items, key=key)
    if token:
        after = _decode(token, fingerprint)
        ordered = [item for item in ordered if key(item) > after]
    page = ordered[:size]
    more = len(ordered) > size
    return Page(page, _encode(key(page[-1]), fingerprint) if more else "")


def _fingerprint(criteria: object) -> str:
    """A token from one filter must not silently page through another."""
    return hashlib.sha256(canonical_bytes(dict(vars(criteria)))).hexdigest()[:16]


def _encode(after: list[Any], fingerprint: str) -> str:
    raw = json.dumps({"a": after, "f": fingerprint}, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(token: str, fingerprint: str) -> list[Any]:
    try:
        value = json.loads(base64.urlsafe_b64decode((token + "=" * (-len(token) % 4)).encode()))
        after, issued_for = value["a"], value["f"]
    except (ValueError, TypeError, KeyError, UnicodeDecodeError):
        raise InvalidPageToken("page_token: not a token this service issued") from None
    if not isinstance(after, list) or issued_for != fingerprint:
        raise InvalidPageToken("page_token: issued for another filter; start again without a token")
    return after
