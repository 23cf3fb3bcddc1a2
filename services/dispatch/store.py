"""Persistence of the dispatch service: the cases it holds in memory and their documents."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from datetime import datetime

from complaint_platform.handling import Outgoing
from complaint_platform.inbox import AppliedEvents
from complaint_platform.mongo import UnitOfWork, event_from_store, stored_event

from .documents import DispatchCaseRecord, DispatchCaseState, HeldNotification, SubmissionCase, WorkOrderRecord
from .domain import case as rules
from .domain.work_orders import NO_DUE_TIME

_CASES, _ORDERS = DispatchCaseRecord._get_collection_name(), WorkOrderRecord._get_collection_name()
_STATES = DispatchCaseState._get_collection_name()
_HELD = HeldNotification._get_collection_name()
_SUBMISSIONS = SubmissionCase._get_collection_name()


@dataclass
class HeldCase:
    """A case as this replica holds it: the version stored and its work orders' rows as written."""

    case: rules.DispatchCase
    version: int | None = None  # of its state document; None: stored before it had versions
    stored: bool = False        # its state document is stored
    row: dict | None = None     # its row in ``cases`` as stored
    orders: dict[str, dict] = field(default_factory=dict)


class CaseStore:
    """Dispatch cases held in memory between batches, for the partitions this replica consumes;
    shared by the handler and the operator commands (one thread). A batch reads only cases it
    does not hold yet, and none for a case it registers (while nothing failed since, a case it
    does not hold was never stored: were it, its insert fails and the batch is read again).
    Every write is compare-and-set on the case's version, so a case changed by another replica
    (a command sent there) is read again instead of overwritten. Closed cases leave memory.

    A case's document keeps the ids of the last events applied to it (``AppliedEvents``)."""

    LIMIT = 100_000  # open cases held at most (the least recently used leave first)

    def __init__(self, database: Any, applied: AppliedEvents | None = None) -> None:
        self.database = database
        self.applied = applied if applied is not None else AppliedEvents()
        self._held: OrderedDict[str, HeldCase] = OrderedDict()
        self._written: dict[str, tuple[HeldCase, dict, dict]] = {}  # this unit's writes: case -> order rows, row
        self._trusted = False

    def load(self, case_ids: list[str], registering: set[str] = frozenset()) -> dict[str, rules.DispatchCase]:
        wanted = [case_id for case_id in case_ids
                  if case_id not in self._held and not (self._trusted and case_id in registering)]
        if wanted:
            for doc in self.database[_STATES].find({"_id": {"$in": wanted}}):
                self._hold(doc, stored=True)
            # a case stored before its state had a document of its own keeps it in its row
            legacy = [case_id for case_id in wanted if case_id not in self._held]
            if legacy:
                for doc in self.database[_CASES].find({"_id": {"$in": legacy}, "state": {"$exists": True}}):
                    self._hold(doc, stored=False)
        for case_id in case_ids:
            if case_id in self._held:
                self._held.move_to_end(case_id)
        return {case_id: self._held[case_id].case for case_id in case_ids if case_id in self._held}

    def _hold(self, doc: dict, stored: bool) -> None:
        case = rules.DispatchCase.from_dict(doc["state"])
        self._held[doc["_id"]] = HeldCase(case, doc.get("version") if stored else None, stored, case_row(case),
                                          {order.work_order_id: order_row(case, order) for order in case.work_orders})
        self.applied.remember(doc["_id"], doc)

    def add(self, case: rules.DispatchCase) -> None:
        """A case registered in this batch."""
        self._held[case.case_id] = HeldCase(case)

    def save(self, unit: UnitOfWork, case: rules.DispatchCase) -> None:
        held = self._held[case.case_id]
        unit.save_version(_STATES, {"_id": case.case_id, "state": case.to_dict(),
                                    AppliedEvents.FIELD: self.applied.of(case.case_id)},
                          held.version, new=not held.stored)
        row = case_row(case)
        if row != held.row:  # the owner's queue row changes with the owner and the status only
            unit.save(_CASES, row, new=held.row is None)
        rows = {}
        for order in case.work_orders:
            row = rows[order.work_order_id] = order_row(case, order)
            stored = held.orders.get(order.work_order_id)
            if row != stored:  # a work order is rewritten (all its indexes) only when it changed
                unit.save(_ORDERS, row, new=stored is None)
        self._written[case.case_id] = (held, rows, row)

    def committed(self) -> None:
        for case_id, (held, rows, row) in self._written.items():
            held.version = 0 if not held.stored else (held.version or 0) + 1
            held.stored, held.orders, held.row = True, rows, row
            if held.case.status == rules.CLOSED:
                self._held.pop(case_id, None)  # loaded again if an event still comes for it
        self._written.clear()
        while len(self._held) > self.LIMIT:
            self._held.popitem(last=False)
        self._trusted = True

    def forget(self) -> None:
        self._held.clear()
        self._written.clear()
        self._trusted = False

    def __len__(self) -> int:
        return len(self._held)


def case_row(case: rules.DispatchCase) -> dict:
    """A case's row in ``cases``, for the owners' queues."""
    return {"_id": case.case_id, "owner": case.owner, "status": case.status,
            "priority": min((o.priority for o in case.work_orders), default=9),
            "open_work_orders": len(case.open_orders())}


def order_row(case: rules.DispatchCase, order) -> dict:
    """A work order's row in ``work_orders``, for the department queues."""
    return {"_id": order.work_order_id, "case_id": case.case_id, "department": order.department,
            "level": order.level, "kind": order.kind, "state": order.state, "priority": order.priority,
            "due_sort": order.due_at or NO_DUE_TIME, "due_at": order.due_at,
            "dispatched_at": order.created_at, "category": case.category, "region": case.region,
            "resolution": order.resolution}


def hold(unit: UnitOfWork, item: Outgoing, release_at: datetime, decided_at: datetime) -> None:
    """A notification kept through the quiet hours, stored with the batch (or command) that decided it."""
    unit.insert(_HELD, {**stored_event(item), "_id": item.event_id, "release_at": release_at,
                        "decided_at": decided_at})


def due_notifications(database: Any, now: datetime, limit: int) -> list[Outgoing]:
    """Held notifications whose quiet hours are over, oldest first (one indexed query)."""
    found = database[_HELD].find({"release_at": {"$lte": now}}).sort([("release_at", 1), ("decided_at", 1)])
    return [event_from_store(doc) for doc in found.limit(limit)]


def release(unit: UnitOfWork, items: list[Outgoing]) -> None:
    unit.delete(_HELD, {"_id": {"$in": [item.event_id for item in items]}})


def link_submission(unit: UnitOfWork, submission_id: str, case_id: str, at: datetime) -> None:
    """An insert (the cheapest write): the pair is its id, so no other writer's row can conflict."""
    if submission_id:
        unit.insert(_SUBMISSIONS, {"_id": f"{submission_id}|{case_id}", "case_id": case_id, "at": at})
