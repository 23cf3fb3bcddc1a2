"""Customer closure (客户办结): the owner's answer to the customer, and when the case counts as resolved."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from . import events as ev
from . import work_orders as wo
from .errors import CaseClosed, IllegalCaseTransition, ReplyRequired

if TYPE_CHECKING:
    from .case import DispatchCase


def record_reply(case: DispatchCase, reply: str, replied_at: datetime, by: str, now: datetime) -> list[ev.Event]:
    """The reply may come before the departments finish; the case resolves when both are in."""
    if case.closed:
        raise CaseClosed(f"case {case.case_id} is closed")
    if not reply.strip():
        raise ReplyRequired(f"case {case.case_id}: the reply to the customer is empty")
    if case.resolved_round == case.round:
        raise IllegalCaseTransition(f"case {case.case_id} is already RESOLVED; it must be reopened to reply again")
    case.customer_reply, case.customer_replied_at, case.reply_round = reply, replied_at, case.round
    case.note("customer replied", now, by=by, replied_at=replied_at, round=case.round)
    recorded = ev.CustomerReplyRecorded(case.case_id, case.owner, reply, replied_at, case.round)
    return [recorded, *resolve_if_done(case, now)]


def resolve_if_done(case: DispatchCase, now: datetime) -> list[ev.Event]:
    """RESOLVED: no work order still open (returned and cancelled ones do not count) and the owner
    has answered the customer in the current round, i.e. after the last reopen."""
    if case.closed or case.resolved_round == case.round or case.reply_round != case.round or case.open_orders():
        return []
    case.resolved_round = case.round
    # an expert's answer is advice, not a responsibility finding: only departments' replies count here
    replied = [o for o in case.work_orders if o.state == wo.REPLIED and o.kind == wo.DEPARTMENT]
    last = max(replied, key=lambda o: (o.closed_at, case.work_orders.index(o))) if replied else None
    case.note("resolved", now, round=case.round)
    case.refresh_status()
    return [ev.CaseResolved(case.case_id, case.owner, case.customer_reply, case.customer_replied_at or now,
                            last.department if last else "", last.company_at_fault if last else "", case.round, now)]
