"""The timer that fires due deadlines: once, even with several replicas running.

Each tick reads the clocks due now, applies warnings, breaches and ladder steps,
and writes them back compare-and-set on the version it read, in one transaction
with the events it stages in the outbox. If another replica fired any of them
first, the whole tick rolls back and the next tick starts from the new state.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from complaints.v1 import case_events_pb2
from complaint_platform.envelope import event_id_for, wrap
from complaint_platform.handling import Outgoing
from complaint_platform.mongo import UnitOfWork, stage
from complaint_platform.streaming import outgoing
from complaint_platform.topics import CASES_SUPERVISION

from . import outcomes, store
from .domain.deadlines import Deadline
from .domain.policy import EscalationPolicy

BATCH = 1000


class DeadlineFiring:
    def __init__(self, database: Any, policy: EscalationPolicy, meter=None) -> None:
        self._database = database
        self._policy = policy
        self._breaches = meter.create_counter("complaints_deadline_breaches", description="deadlines breached, by kind") if meter else None
        self._escalations = meter.create_counter("complaints_escalations", description="case escalations, by level") if meter else None

    def fire_due_deadlines(self, now: datetime) -> list[Outgoing]:
        due = list(self._database[store.DEADLINES].find({"next_fire_at": {"$lte": now}})
                   .sort("next_fire_at", 1).limit(BATCH))
        if not due:
            return []
        cases = store.load_cases(self._database, sorted({doc["case_id"] for doc in due}))
        unit = UnitOfWork(self._database)
        produced: list[Outgoing] = []
        fired_messages: list = []
        for doc in due:
            deadline = Deadline.from_dict(doc)
            case = cases.get(deadline.case_id)
            fired = deadline.fire(now, self._policy)
            for message, tag in outcomes.fired(case, fired, self._policy, now):
                fired_messages.append(message)
                envelope = wrap(message, event_id=event_id_for("deadline", deadline.case_id, tag), case_id=deadline.case_id,
                                producer="escalation", occurred_at=now, causation_id=deadline.deadline_id)
                produced.append(outgoing(CASES_SUPERVISION, envelope))
                store.record_timeline(unit, envelope)
            store.save_deadline(unit, deadline, doc.get("version", 0))
        for case in cases.values():
            store.save_case(unit, case)
        stage(unit, produced, now)
        unit.commit()
        self._count(fired_messages)
        return produced

    def _count(self, messages: list) -> None:
        """Counted once committed, from the messages themselves."""
        if self._breaches is None:
            return
        for message in messages:
            if isinstance(message, case_events_pb2.DeadlineBreached):
                self._breaches.add(1, {"kind": case_events_pb2.DeadlineKind.Name(message.kind)})
            elif isinstance(message, case_events_pb2.CaseEscalated):
                self._escalations.add(1, {"level": str(message.level)})
