"""The timer that closes records whose recurrence window has passed with every condition met."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from complaint_platform.envelope import event_id_for, wrap
from complaint_platform.handling import Outgoing
from complaint_platform.mongo import UnitOfWork, stage
from complaint_platform.streaming import outgoing
from complaint_platform.topics import CASES_VERIFICATION

from . import store
from .domain.policy import VerificationPolicy
from .handler import audit_payload, to_messages


class WindowClosing:
    def __init__(self, database: Any, policy: VerificationPolicy) -> None:
        self._database = database
        self._policy = policy

    def close_passed_windows(self, now: datetime) -> list[Outgoing]:
        due = store.load_records(self._database, {"status": "PENDING", "window_ends_at": {"$lte": now}})
        closing = {case_id: (record, record.try_close(now, self._policy)) for case_id, record in due.items()}
        closing = {case_id: item for case_id, item in closing.items() if item[1]}
        if not closing:
            return []
        unit = UnitOfWork(self._database)
        trail = store.AuditTrail(self._database)
        produced: list[Outgoing] = []
        for case_id, (record, events) in sorted(closing.items()):
            for event in events:
                trail.add(case_id, *audit_payload(event), now)
            for message, tag in to_messages(case_id, record, events, now, self._policy):
                produced.append(outgoing(CASES_VERIFICATION, wrap(
                    message, event_id=event_id_for("window", case_id, tag, str(record.loop)), case_id=case_id,
                    producer="verification", occurred_at=now)))
            unit.update_if_unchanged(store.RECORDS, {"_id": case_id, "status": "PENDING"},
                                     {"$set": store.record_document(record, self._policy, now)})
        trail.save(unit)
        stage(unit, produced, now)
        unit.commit()
        return produced
