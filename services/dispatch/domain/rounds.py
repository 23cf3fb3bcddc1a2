"""Verification's verdicts: a reopen starts a new handling round with the same owner; closure ends it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from . import events as ev
from . import work_orders as wo
from .errors import CaseClosed, IllegalCaseTransition

if TYPE_CHECKING:
    from .case import DispatchCase


def reopen(case: DispatchCase, reason: str, now: datetime) -> list[ev.Event]:
    """Same owner, whole history kept; new work to the department that replied last (or by routing).
    The case resolves again only after that work is replied and the owner answers the customer again."""
    if case.closed:
        raise CaseClosed(f"case {case.case_id} is closed")
    if case.status != "RESOLVED":
        raise IllegalCaseTransition(f"case {case.case_id} is {case.status}; only a RESOLVED case can be reopened")
    case.round += 1
    case.note("reopened", now, reason=reason, round=case.round)
    replied = [o for o in case.work_orders if o.kind == wo.DEPARTMENT and o.state == wo.REPLIED]
    if replied:  # the department that answered last knows the problem best
        last = max(replied, key=lambda o: (o.closed_at, case.work_orders.index(o)))
        dispatched = case.dispatch_candidate(last.lane, last.candidate, now)  # a return moves down its lane
    else:
        dispatched = case.dispatch_candidate(0, 0, now)
    return [ev.CaseReturnedToOwner(case.case_id, case.owner, reason, case.round, now), dispatched]


def close(case: DispatchCase, now: datetime) -> list[ev.Event]:
    """Management closure (管理办结) by verification: anything still open is cancelled."""
    if case.closed:
        return []
    cancelled: list[ev.Event] = []
    for order in case.open_orders():
        order.cancel(now)
        cancelled.append(ev.WorkOrderCancelled(case.case_id, order.work_order_id, "case closed", now))
    case.closed = True
    case.note("closed", now)
    return [*cancelled, ev.CaseEnded(case.case_id, now)]
