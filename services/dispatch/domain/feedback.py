"""Department feedback on work orders (workorders.feedback.v1).

Feedback comes from other systems, at least once and sometimes out of order, so it never raises:
what cannot be applied comes back as FeedbackRejected with a reason. Choices for late or early reports:
- REPLIED or PROGRESS on a DISPATCHED order implies the acceptance that was not (yet) reported;
  WorkOrderAccepted(implied=True) is emitted first.
- A later ACCEPTED for an order already ACCEPTED or REPLIED is a no-op (it said nothing new).
- AWAITING_CUSTOMER (with what the customer is awaited for) marks an open order as waiting on the
  customer, implying a missing acceptance like PROGRESS does; CUSTOMER_RESPONDED ends the wait.
  Escalation pauses and resumes the order's reply clock on the events they cause. AWAITING_CUSTOMER
  for an order already waiting, and CUSTOMER_RESPONDED for one not waiting, are no-ops.
- Anything else for a REPLIED, RETURNED or CANCELLED order, or an unknown one, is rejected.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from . import events as ev
from . import inputs as cmd
from . import work_orders as wo
from .errors import DomainError
from .replies import record_reply

if TYPE_CHECKING:
    from .case import DispatchCase


def apply_feedback(case: DispatchCase, feedback: cmd.WorkOrderFeedback, now: datetime) -> list[ev.Event]:
    at = feedback.reported_at or now
    try:
        if feedback.kind not in cmd.FEEDBACK_KINDS:
            return [_rejected(case, feedback, f"kind: unknown feedback kind {feedback.kind!r}")]
        if case.closed:
            return [_rejected(case, feedback, f"case {case.case_id} is closed")]
        if feedback.kind == cmd.CUSTOMER_REPLIED:
            return record_reply(case, feedback.text, at, feedback.reported_by, now)
        order = case.order(feedback.work_order_id)
        if feedback.kind == cmd.ACCEPTED and order.state in (wo.ACCEPTED, wo.REPLIED):
            return []
        if not order.is_open:
            return [_rejected(case, feedback, f"work_order_id: work order {order.work_order_id} is already "
                                              f"{order.state}; {feedback.kind} feedback does not apply")]
        return _apply(case, order, feedback, at, now)
    except DomainError as refusal:
        return [_rejected(case, feedback, str(refusal))]


def _apply(case: DispatchCase, order: wo.WorkOrder, feedback: cmd.WorkOrderFeedback, at: datetime,
           now: datetime) -> list[ev.Event]:
    if feedback.kind == cmd.ACCEPTED:
        order.accept(at)
        case.note("work order accepted", now, by=feedback.reported_by, work_order=order.work_order_id)
        return [ev.WorkOrderAccepted(case.case_id, order.work_order_id, order.department, at)]
    if feedback.kind == cmd.PROGRESS:
        if not feedback.text.strip():
            return [_rejected(case, feedback, "text: a progress note needs text")]
        produced: list[ev.Event] = []
        if order.state == wo.DISPATCHED:
            order.accept(at)
            produced.append(ev.WorkOrderAccepted(case.case_id, order.work_order_id, order.department, at, implied=True))
        order.note_progress(feedback.text, at, feedback.reported_by)
        return produced + [ev.WorkOrderProgressNoted(case.case_id, order.work_order_id, order.department,
                                                     feedback.text, feedback.reported_by, at)]
    if feedback.kind == cmd.AWAITING_CUSTOMER:
        return _await_customer(case, order, feedback, at, now)
    if feedback.kind == cmd.CUSTOMER_RESPONDED:
        if not order.customer_responded(at):
            return []  # not waiting (a duplicate report, or one for a wait never reported): nothing ends
        case.note("customer responded", now, by=feedback.reported_by, work_order=order.work_order_id)
        return [ev.WorkOrderCustomerResponded(case.case_id, order.work_order_id, order.department, at)]
    if feedback.kind == cmd.REPLIED:
        implied = order.reply(feedback.text, feedback.company_at_fault, at)
        case.note("work order replied", now, by=feedback.reported_by, work_order=order.work_order_id,
                  company_at_fault=order.company_at_fault)
        produced = [ev.WorkOrderAccepted(case.case_id, order.work_order_id, order.department, at, implied=True)] \
            if implied else []
        produced.append(ev.WorkOrderReplied(case.case_id, order.work_order_id, order.department, order.resolution,
                                            order.company_at_fault, at))
        return produced + case.resolve_if_done(now)
    return _return(case, order, feedback, at, now)


def _await_customer(case: DispatchCase, order: wo.WorkOrder, feedback: cmd.WorkOrderFeedback, at: datetime,
                    now: datetime) -> list[ev.Event]:
    """The department waits on the customer; an order not yet accepted is accepted by the report."""
    if order.awaiting_customer:
        return []  # already waiting: the first report's time and reason stand
    if not feedback.text.strip():
        return [_rejected(case, feedback, "text: waiting on the customer needs a reason "
                                          "(appointment, documents, access)")]
    produced: list[ev.Event] = []
    if order.state == wo.DISPATCHED:
        order.accept(at)
        produced.append(ev.WorkOrderAccepted(case.case_id, order.work_order_id, order.department, at, implied=True))
    order.await_customer(feedback.text, at)
    case.note("work order awaiting customer", now, by=feedback.reported_by, work_order=order.work_order_id,
              reason=feedback.text)
    return produced + [ev.WorkOrderAwaitingCustomer(case.case_id, order.work_order_id, order.department,
                                                    feedback.text, at)]


def _return(case: DispatchCase, order: wo.WorkOrder, feedback: cmd.WorkOrderFeedback, at: datetime,
            now: datetime) -> list[ev.Event]:
    """Wrong department: the next routing candidate gets a new order, or the owner must decide."""
    order.return_to_owner(feedback.text, at)
    case.note("work order returned", now, by=feedback.reported_by, work_order=order.work_order_id,
              reason=feedback.text)
    has_next = order.lane >= 0 and order.candidate + 1 < len(case.lanes[order.lane])
    if has_next:
        dispatched = case.dispatch_candidate(order.lane, order.candidate + 1, now, replaces=order.work_order_id)
        case.refresh_status()
        return [ev.WorkOrderReturned(case.case_id, order.work_order_id, order.department, feedback.text, at,
                                     dispatched.work_order_id), dispatched]
    case.note("owner decision required", now, work_order=order.work_order_id)
    case.refresh_status()
    return [ev.WorkOrderReturned(case.case_id, order.work_order_id, order.department, feedback.text, at),
            ev.OwnerDecisionRequired(case.case_id, case.owner, order.work_order_id, order.department,
                                     feedback.text, now)]


def _rejected(case: DispatchCase, feedback: cmd.WorkOrderFeedback, reason: str) -> ev.FeedbackRejected:
    return ev.FeedbackRejected(case.case_id, feedback.event_id, feedback.work_order_id, reason)
