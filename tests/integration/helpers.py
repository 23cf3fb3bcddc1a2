"""Waiting for events the services publish, without sleeping blindly."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from tools.eventlog import EventTail, SeenEvent


def wait_for(tail: EventTail, predicate: Callable[[SeenEvent], bool], timeout_s: float = 60,
             seen: list[SeenEvent] | None = None) -> SeenEvent:
    """Return the first event matching ``predicate``; every event read is kept in ``seen``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        batch = tail.poll(0.2)
        if seen is not None:
            seen.extend(batch)  # the whole batch: events after the match belong to later checks
        for event in batch:
            if predicate(event):
                return event
    names = sorted({event.name for event in seen or []})
    raise AssertionError(f"no matching event within {timeout_s}s; saw {names}")


def collect_case(tail: EventTail, case_id: str, until: Callable[[list[SeenEvent]], bool],
                 timeout_s: float = 60, seen: list[SeenEvent] | None = None) -> list[SeenEvent]:
    """Gather a case's events until ``until`` is satisfied."""
    mine = [event for event in (seen or []) if event.case_id == case_id]
    deadline = time.monotonic() + timeout_s
    while not until(mine):
        if time.monotonic() > deadline:
            raise AssertionError(f"case {case_id}: got only {[event.name for event in mine]} in {timeout_s}s")
        batch = tail.poll(0.2)
        if seen is not None:
            seen.extend(batch)
        mine.extend(event for event in batch if event.case_id == case_id)
    return mine


def names(events: list[SeenEvent]) -> list[str]:
    return [event.name for event in events]


def move_clock(stack, delta: timedelta) -> None:
    """The services share a clock offset file: tests move time forward instead of sleeping."""
    offset = float(stack.clock_file.read_text() or 0) + delta.total_seconds()
    stack.clock_file.write_text(str(offset))


def service_now(stack) -> datetime:
    return datetime.now(timezone.utc) + timedelta(seconds=float(stack.clock_file.read_text() or 0))
