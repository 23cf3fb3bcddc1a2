"""The timer that closes records whose recurrence window (and grace) has passed with nothing missing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from complaint_platform.envelope import event_id_for, wrap
from complaint_platform.handling import Outgoing
from complaint_platform.mongo import UnitOfWork, stage
from complaint_platform.streaming import outgoing
from complaint_platform.topics import CASES_VERIFICATION

from . import store
from .domain.events import audit_payload
from .domain.policy import VerificationPolicy
from .wire import to_messages

BATCH = 500


class WindowClosing:
    def __init__(self, database: Any, policy: VerificationPolicy) -> None:
        self._database = database
        self._policy = policy

    def close_passed_windows(self, now: datetime) -> list[Outgoing]:
        # records still blocked by something else are looked at again next tick; BATCH bounds the work
        due = store.load_records(self._database, {"status": "VERIFYING", "closes_at": {"$lte": now}})
        unit = UnitOfWork(self._database)
        trail = store.AuditTrail(self._database)
        produced: list[Outgoing] = []
        for case_id, record in sorted(due.items())[:BATCH]:
            events = record.tick(now)
            if not events:
                continue
            for event in events:
                trail.add(case_id, *audit_payload(event), now)
            for message, tag in to_messages(events):
                produced.append(outgoing(CASES_VERIFICATION, wrap(
                    message, event_id=event_id_for("window", case_id, tag), case_id=case_id,
                    producer="verification", occurred_at=now)))
            unit.update_if_unchanged(store.RECORDS, {"_id": case_id, "status": "VERIFYING"},
                                     {"$set": store.record_document(record, now)})
        if not produced and not trail.pending:
            return []
        trail.save(unit)
        stage(unit, produced, now)
        unit.commit()
        return produced
