"""One case's full-process view: events from every service, in one order, each once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# The last of these seen decides the case's status on the timeline.
STATUS_BY_EVENT = {"CaseRegistered": "REGISTERED", "OwnerAssigned": "ASSIGNED", "WorkOrderDispatched": "DISPATCHED",
                   "CaseResolved": "RESOLVED", "VerificationOpened": "VERIFYING", "CaseClosed": "CLOSED",
                   "CaseReopened": "REOPENED"}


@dataclass(frozen=True)
class TimelineEntry:
    event_id: str
    event_type: str
    producer: str
    occurred_at: datetime
    case_id: str = ""
    body: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def short_type(self) -> str:
        return self.event_type.rsplit(".", 1)[-1]


def merge(*streams: Iterable[TimelineEntry], case_id: str | None = None) -> list[TimelineEntry]:
    """Ordered by occurred_at, then producer, then event id; a redelivered event id appears once."""
    seen: dict[str, TimelineEntry] = {}
    for stream in streams:
        for entry in stream:
            if case_id is not None and entry.case_id and entry.case_id != case_id:
                continue
            if entry.occurred_at.tzinfo is None:
                raise ValueError(f"event {entry.event_id}: occurred_at must be timezone-aware")
            seen.setdefault(entry.event_id, entry)
    return sorted(seen.values(), key=lambda e: (e.occurred_at, e.producer, e.event_id))


def status_of(entries: Iterable[TimelineEntry]) -> str:
    status = "UNSPECIFIED"
    for entry in entries:
        status = STATUS_BY_EVENT.get(entry.short_type, status)
    return status
