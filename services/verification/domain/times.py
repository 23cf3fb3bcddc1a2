"""Time values: always aware UTC inside the rules; ISO-8601 with Z outside."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from .errors import InvalidInput


def require_utc(value: datetime, field: str) -> datetime:
    """Inputs must carry aware times; a naive one is a bug upstream, not a guess to make here."""
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(f"{field}: expected a timezone-aware datetime, got {value!r}")
    return value.astimezone(timezone.utc)


def stored(value: Any) -> datetime | None:
    """A time read back from storage: aware, naive (MongoDB returns naive UTC) or an ISO string."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def iso_z(value: datetime) -> str:
    """2026-03-01T08:00:00Z; fractions only when present, so messages stay readable."""
    moment = value.astimezone(timezone.utc)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond:06d}".rstrip("0")
    return text + "Z"
