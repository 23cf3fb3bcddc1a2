"""Verification's timer: closes the records whose recurrence window (and grace) has passed with
nothing missing, through the platform's command pipeline (verification has no operator command
that changes a record; the auditors' tools read)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from complaint_platform.commands import CommandPipeline, Decision
from complaint_platform.handling import Outgoing
from complaint_platform.topics import CASES_VERIFICATION

from . import store
from .domain.events import audit_payload
from .domain.policy import VerificationPolicy
from .wire import to_messages

BATCH = 500
# the timer's command id: a record's window closes once, so its events' ids need nothing else
WINDOW_CLOSING = "window"


class WindowClosing:
    def __init__(self, database: Any, policy: VerificationPolicy) -> None:
        self._database = database
        self._policy = policy
        self._pipeline = CommandPipeline(database, None, CASES_VERIFICATION, "verification")

    def close_passed_windows(self, now: datetime) -> list[Outgoing]:
        # records still blocked by something else are looked at again next tick; BATCH bounds the work
        due = store.load_records(self._database, {"status": "VERIFYING", "closes_at": {"$lte": now}})
        due = dict(sorted(due.items())[:BATCH])

        def decide(now: datetime) -> Decision:
            trail = store.AuditTrail(self._database)
            events, closed = {}, []
            for case_id, record in due.items():
                changes = record.tick(now)
                if not changes:
                    continue
                for event in changes:
                    trail.add(case_id, *audit_payload(event), now)
                events[case_id] = to_messages(changes)
                closed.append((case_id, record))

            def write(unit, produced) -> None:
                for case_id, record in closed:
                    unit.update_if_unchanged(store.RECORDS, {"_id": case_id, "status": "VERIFYING"},
                                             {"$set": store.record_document(record, now)})
                trail.save(unit)

            return Decision(None, events, write)

        return self._pipeline.apply(WINDOW_CLOSING, sorted(due), decide, now)[1]
