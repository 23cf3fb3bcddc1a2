"""Formatting shared by the pages: times in the centre's zone, enum names, percentages."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from google.protobuf.timestamp_pb2 import Timestamp


def moment(stamp: Timestamp | None) -> datetime | None:
    """A protobuf time, or None when it is not set (seconds and nanos both 0)."""
    if stamp is None or (stamp.seconds == 0 and stamp.nanos == 0):
        return None
    return stamp.ToDatetime(tzinfo=timezone.utc)


def local_text(value: datetime | Timestamp | str | None, zone: str, seconds: bool = False) -> str:
    """``2026-12-03 17:05`` (with ``seconds``, ``17:05:09``) in the centre's zone; empty for no time."""
    if isinstance(value, Timestamp):
        value = moment(value)
    elif isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def enum_key(enum_type, number: int) -> str:
    """``CASE_STATUS_DISPATCHED`` -> ``DISPATCHED``: the key the labels are kept under."""
    prefix = enum_type.DESCRIPTOR.values[0].name.removesuffix("UNSPECIFIED")
    return enum_type.Name(number).removeprefix(prefix)


def percent(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value * 100:.{digits}f}%"


def points(value: float | None) -> str:
    """A change of a rate, in percentage points with its sign."""
    if value is None:
        return "—"
    return f"{value * 100:+.1f} pp"
