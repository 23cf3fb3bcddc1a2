"""Work the owner starts: expert consultation (专家咨询), a department of their choice, a promised reply time."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from . import events as ev
from . import inputs as cmd
from . import work_orders as wo
from .errors import InvalidDestination, InvalidPromise, ReasonRequired
from .policy import LEVELS, Destination, DispatchPolicy

if TYPE_CHECKING:
    from .case import DispatchCase


def consult(case: DispatchCase, command: cmd.RequestConsult, policy: DispatchPolicy, now: datetime) -> list[ev.Event]:
    """A CONSULT work order to the expert group; the promised time becomes escalation's deadline."""
    case.check_working("consult experts")
    if not command.question.strip():
        raise ReasonRequired(f"case {case.case_id}: a consultation needs a question")
    _check_future(case.case_id, command.promised_reply_at, now)
    order, dispatched = case.new_order(wo.CONSULT, policy.consult.for_region(case.region), -1, 0, now,
                                       promised_reply_at=command.promised_reply_at)
    order.notes.append({"at": now, "text": command.question, "by": command.by})
    return [dispatched, ev.ConsultRequested(case.case_id, order.work_order_id, order.department, command.question,
                                            command.promised_reply_at, command.by, now)]


def dispatch_manually(case: DispatchCase, command: cmd.DispatchWorkOrder, now: datetime) -> list[ev.Event]:
    """The owner's own choice, typically after OwnerDecisionRequired; a return of it comes back to them."""
    case.check_working("dispatch work")
    if not command.department.strip():
        raise InvalidDestination(f"case {case.case_id}: department is empty")
    if command.level not in LEVELS:
        raise InvalidDestination(f"case {case.case_id}: level must be one of {', '.join(LEVELS)}, "
                                 f"got {command.level!r}")
    if not command.reason.strip():
        raise ReasonRequired(f"case {case.case_id}: a manual dispatch needs a reason")
    where = Destination(command.department.strip(), command.level)
    case.lanes.append([{"department": where.department, "level": where.level}])
    _, dispatched = case.new_order(wo.DEPARTMENT, where, len(case.lanes) - 1, 0, now)
    case.note("owner dispatched", now, by=command.by, department=where.department, reason=command.reason)
    return [dispatched]


def promise_reply(case: DispatchCase, command: cmd.RecordPromisedReply, now: datetime) -> list[ev.Event]:
    """The customer's special request for a reply time: its own item for escalation to watch."""
    case.check_not_closed()
    _check_future(case.case_id, command.promised_reply_at, now)
    case.promised_reply_at = command.promised_reply_at
    case.note("reply promised", now, promised_reply_at=command.promised_reply_at, note=command.note)
    return [ev.PromisedReplyRecorded(case.case_id, command.promised_reply_at, now, command.note)]


def _check_future(case_id: str, promised: datetime, now: datetime) -> None:
    if promised <= now:
        raise InvalidPromise(f"case {case_id}: promised_reply_at {promised.isoformat()} is not after "
                             f"now ({now.isoformat()})")
