"""What the dispatch rules decided; the adapter publishes these on cases.dispatch.v1."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class OwnerAssigned:
    case_id: str
    owner: str
    source: str               # "first_contact" or "default:<channel>/<region>"
    assigned_at: datetime


@dataclass(frozen=True)
class OwnerReassigned:
    case_id: str
    owner: str
    previous_owner: str
    reason: str
    by: str
    reassigned_at: datetime


@dataclass(frozen=True)
class WorkOrderDispatched:
    case_id: str
    work_order_id: str
    kind: str                 # DEPARTMENT or CONSULT
    department: str
    level: str
    priority: int
    category: str
    region: str
    channel: str
    tier: int
    round: int
    dispatched_at: datetime
    replaces_work_order_id: str = ""
    promised_reply_at: datetime | None = None


@dataclass(frozen=True)
class WorkOrderAccepted:
    case_id: str
    work_order_id: str
    department: str
    accepted_at: datetime
    implied: bool = False     # True when a later report (reply, progress) stood for it


@dataclass(frozen=True)
class WorkOrderProgressNoted:
    case_id: str
    work_order_id: str
    department: str
    note: str
    by: str
    noted_at: datetime


@dataclass(frozen=True)
class WorkOrderReplied:
    case_id: str
    work_order_id: str
    department: str
    resolution: str
    company_at_fault: str     # YES, NO or UNCLEAR
    replied_at: datetime


@dataclass(frozen=True)
class WorkOrderReturned:
    case_id: str
    work_order_id: str
    department: str
    reason: str
    returned_at: datetime
    next_work_order_id: str = ""   # empty: no candidate left, see OwnerDecisionRequired


@dataclass(frozen=True)
class WorkOrderAwaitingCustomer:
    """The department waits on the customer (appointment, documents, access); escalation pauses the reply clock."""

    case_id: str
    work_order_id: str
    department: str
    reason: str
    since: datetime


@dataclass(frozen=True)
class WorkOrderCustomerResponded:
    """The awaited customer came back; escalation lets the reply clock run again."""

    case_id: str
    work_order_id: str
    department: str
    responded_at: datetime


@dataclass(frozen=True)
class WorkOrderCancelled:
    case_id: str
    work_order_id: str
    reason: str
    cancelled_at: datetime


@dataclass(frozen=True)
class OwnerDecisionRequired:
    case_id: str
    owner: str
    work_order_id: str        # the work order that came back with nobody left to try
    department: str
    reason: str
    raised_at: datetime


@dataclass(frozen=True)
class ConsultRequested:
    case_id: str
    work_order_id: str
    expert_group: str
    question: str
    promised_reply_at: datetime   # escalation turns it into a deadline
    requested_by: str
    requested_at: datetime


@dataclass(frozen=True)
class PromisedReplyRecorded:
    case_id: str
    promised_reply_at: datetime   # the customer's special request, its own deadline item
    recorded_at: datetime
    note: str = ""


@dataclass(frozen=True)
class CustomerReplyRecorded:
    case_id: str
    owner: str
    reply: str
    replied_at: datetime
    round: int


@dataclass(frozen=True)
class CaseResolved:
    """Customer closure (客户办结); management closure is verification's."""

    case_id: str
    owner: str
    reply: str
    replied_at: datetime
    department: str               # the department whose reply came last
    company_at_fault: str
    round: int
    resolved_at: datetime


@dataclass(frozen=True)
class CaseReturnedToOwner:
    """Verification reopened the case; the same owner takes it up again."""

    case_id: str
    owner: str
    reason: str
    round: int
    reopened_at: datetime


@dataclass(frozen=True)
class FeedbackRejected:
    """Feedback the rules cannot apply; the adapter sends it to the dead-letter topic with the reason."""

    case_id: str
    feedback_event_id: str
    work_order_id: str
    reason: str


# --- steps the customer is told about (domain/notifications.py) --------------------------------


@dataclass(frozen=True)
class CaseOpened:
    """The owner's side took the case in: the customer is acknowledged."""

    case_id: str
    promised_reply_at: datetime | None   # the time the customer asked for, if any


@dataclass(frozen=True)
class PromisedTimeNear:
    """Escalation warned that the reply promised to the customer is coming due."""

    case_id: str
    due_at: datetime


@dataclass(frozen=True)
class PromisedTimeMoved:
    """The reply time moved (its clock paused while the customer was awaited)."""

    case_id: str
    due_at: datetime


@dataclass(frozen=True)
class CallbackAhead:
    """Verification opened and waits on a callback (回访) to the customer."""

    case_id: str


@dataclass(frozen=True)
class CaseEnded:
    """Management closure reached the owner's side."""

    case_id: str
    closed_at: datetime


@dataclass(frozen=True)
class CustomerNotified:
    """A message for the customer; ``held_until``: kept through the quiet hours, sent then."""

    case_id: str
    step: str
    channel: str              # SMS, WECHAT, EMAIL or APP
    customer_id: str
    phone: str
    text: str
    template: str             # e.g. RESOLVED/default
    urgent: bool
    decided_at: datetime
    promised_reply_at: datetime | None
    round: int
    held_until: datetime | None = None
    survey_rating_id: str = ""        # a survey: the rating id its answer carries
    survey_choices: tuple = ()        # a survey: notifications.SurveyChoice, the replies it offers


Event = (OwnerAssigned | OwnerReassigned | WorkOrderDispatched | WorkOrderAccepted | WorkOrderProgressNoted
         | WorkOrderReplied | WorkOrderReturned | WorkOrderAwaitingCustomer | WorkOrderCustomerResponded
         | WorkOrderCancelled | OwnerDecisionRequired | ConsultRequested | PromisedReplyRecorded
         | CustomerReplyRecorded | CaseResolved | CaseReturnedToOwner | FeedbackRejected | CaseOpened
         | PromisedTimeNear | PromisedTimeMoved | CallbackAhead | CaseEnded | CustomerNotified)
