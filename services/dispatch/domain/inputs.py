"""What reaches the dispatch rules: other services' events and owners' commands.

Every input carries the id the idempotency check uses: the envelope's event id for events,
a caller-chosen command id for commands (a retried command reuses it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

# --- events from other services -------------------------------------------------------------


@dataclass(frozen=True)
class CaseRegistered:
    event_id: str
    case_id: str
    channel: str
    category: str
    region: str
    tier: int                 # 1 top .. 3
    severity: int             # 1 low .. 4 critical
    first_contact: str = ""   # agent or unit on first contact; empty -> policy default owner
    is_proxy: bool = False
    submission_id: str = ""
    customer_id: str = ""
    summary: str = ""         # complaint text, for keyword routing
    attributes: Mapping[str, str] = field(default_factory=dict)
    promised_reply_at: datetime | None = None
    phone: str = ""           # where an SMS reaches the customer (personal data)
    opted_out: bool = False   # the customer asked not to be sent notifications


@dataclass(frozen=True)
class SubmissionLinked:
    event_id: str
    submission_id: str
    channel: str
    first_contact: str = ""   # recorded only: a merged submission never changes the owner
    contact_count: int = 0


# kinds of work-order feedback (inbound.proto FeedbackKind without its prefix)
ACCEPTED, PROGRESS, REPLIED, RETURNED = "ACCEPTED", "PROGRESS", "REPLIED", "RETURNED"
CUSTOMER_REPLIED = "CUSTOMER_REPLIED"
AWAITING_CUSTOMER, CUSTOMER_RESPONDED = "AWAITING_CUSTOMER", "CUSTOMER_RESPONDED"   # the reply clock pauses between
FEEDBACK_KINDS = (ACCEPTED, PROGRESS, REPLIED, RETURNED, CUSTOMER_REPLIED, AWAITING_CUSTOMER, CUSTOMER_RESPONDED)


@dataclass(frozen=True)
class WorkOrderFeedback:
    event_id: str             # the reporting system's feedback id
    kind: str
    work_order_id: str = ""   # empty for CUSTOMER_REPLIED
    text: str = ""            # note, resolution, return reason, what the customer is awaited for, or the reply
    company_at_fault: str = ""
    reported_by: str = ""
    reported_at: datetime | None = None


@dataclass(frozen=True)
class DeadlineSet:
    event_id: str
    work_order_id: str
    due_at: datetime
    occurred_at: datetime     # orders reports that arrive out of order


# what escalation says of the customer's reply clocks
REPLY_CLOCKS = ("CASE_REPLY", "PROMISED_REPLY")
SET, RESUMED, WARNED = "SET", "RESUMED", "WARNED"


@dataclass(frozen=True)
class ReplyDue:
    """A reply clock of the case started (SET), ran again after a pause (RESUMED) or nears its
    due time (WARNED)."""

    event_id: str
    clock: str                # CASE_REPLY (限时办结) or PROMISED_REPLY (the customer's own time)
    stage: str                # SET, RESUMED or WARNED
    due_at: datetime


@dataclass(frozen=True)
class VerificationOpened:
    event_id: str
    blockers: tuple[str, ...] = ()   # what verification still waits for, e.g. "callback pending"


@dataclass(frozen=True)
class CaseReopened:
    event_id: str
    reason: str


@dataclass(frozen=True)
class CaseClosed:
    event_id: str


# --- owners' commands ------------------------------------------------------------------------


@dataclass(frozen=True)
class ReassignOwner:
    command_id: str
    new_owner: str
    reason: str
    by: str = ""


@dataclass(frozen=True)
class RequestConsult:
    command_id: str
    question: str
    promised_reply_at: datetime
    by: str = ""


@dataclass(frozen=True)
class RecordCustomerReply:
    command_id: str
    reply: str
    replied_at: datetime | None = None   # when the owner answered; defaults to now
    by: str = ""


@dataclass(frozen=True)
class RecordPromisedReply:
    command_id: str
    promised_reply_at: datetime
    note: str = ""


@dataclass(frozen=True)
class DispatchWorkOrder:
    """The owner's decision after a return with no candidate left: send it to a department they choose."""

    command_id: str
    department: str
    level: str
    reason: str
    by: str = ""
