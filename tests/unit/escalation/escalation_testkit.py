"""Moments for the escalation rules' tests: UTC and the centre's zone (Asia/Shanghai)."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


def local(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=SHANGHAI)
