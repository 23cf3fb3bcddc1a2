"""Injectable time: rules take ``now`` as an argument; adapters ask a Clock.

``OffsetFileClock`` lets integration tests move a running service's time
forward (30-minute and 30-day windows) by writing an offset to a file,
instead of sleeping. It is selected only when COMPLAINTS_CLOCK_FILE is set.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class OffsetFileClock:
    """System time plus a number of seconds read from a file (re-read at most every 100 ms)."""

    def __init__(self, path: str | Path) -> None:
        self._path = Path(path)
        self._offset = 0.0
        self._read_at = 0.0

    def now(self) -> datetime:
        monotonic = time.monotonic()
        if monotonic - self._read_at > 0.1:
            self._read_at = monotonic
            try:
                self._offset = float(self._path.read_text().strip() or 0)
            except (OSError, ValueError):
                self._offset = 0.0
        return datetime.now(timezone.utc) + timedelta(seconds=self._offset)


def clock_from(path: str) -> Clock:
    return OffsetFileClock(path) if path else SystemClock()
