"""Electronic work orders (派单/电子流) and their state machine.

DISPATCHED -> ACCEPTED -> REPLIED; RETURNED (wrong department) from DISPATCHED or ACCEPTED;
CANCELLED when the case closes. A reply straight from DISPATCHED implies acceptance, because
department systems do not always report the acceptance, or report it late.

Waiting on the customer (an appointment, documents, access to premises) is an attribute of an
ACCEPTED order, not a state: it starts with ``await_customer`` and ends when the customer responds,
or when the order is replied, returned or cancelled. Every wait is kept in ``customer_waits``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any

from .errors import DispatchError, IllegalTransition, InvalidFinding, ReasonRequired  # noqa: F401 (re-export)

DEPARTMENT, CONSULT = "DEPARTMENT", "CONSULT"
KINDS = (DEPARTMENT, CONSULT)
DISPATCHED, ACCEPTED, REPLIED, RETURNED, CANCELLED = "DISPATCHED", "ACCEPTED", "REPLIED", "RETURNED", "CANCELLED"
OPEN_STATES = (DISPATCHED, ACCEPTED)
CLOSED_STATES = frozenset({REPLIED, RETURNED, CANCELLED})
FAULT_FINDINGS = ("YES", "NO", "UNCLEAR")

# sorts an order with no due time after every order with one (queues, earliest due first)
NO_DUE_TIME = datetime(9999, 12, 31, tzinfo=timezone.utc)


@dataclass
class WorkOrder:
    work_order_id: str
    case_id: str
    kind: str                 # DEPARTMENT or CONSULT
    department: str
    level: str                # city, province, headquarters
    priority: int             # 1 first
    category: str             # copied from the case so a queue can filter without the case
    region: str
    created_at: datetime
    lane: int = 0             # which of the case's routing lanes it serves; -1 for consultations
    candidate: int = 0        # position in that lane's candidate list
    round: int = 0            # 0 first handling, 1 after the first reopen ...
    state: str = DISPATCHED
    replaces: str = ""        # the returned work order this one took over from
    due_at: datetime | None = None
    due_reported_at: datetime | None = None
    promised_reply_at: datetime | None = None
    accepted_at: datetime | None = None
    closed_at: datetime | None = None
    resolution: str = ""
    company_at_fault: str = ""
    return_reason: str = ""
    notes: list[dict[str, Any]] = field(default_factory=list)
    awaiting_customer_since: datetime | None = None   # set while the department waits on the customer
    awaiting_reason: str = ""
    customer_waits: list[dict[str, Any]] = field(default_factory=list)   # finished waits: since, until, reason

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def accept(self, at: datetime) -> None:
        self._require(DISPATCHED, action="accepted")
        self.state, self.accepted_at = ACCEPTED, at

    @property
    def awaiting_customer(self) -> bool:
        return self.awaiting_customer_since is not None

    def await_customer(self, reason: str, at: datetime) -> bool:
        """The department waits on the customer. False when it already does (nothing new was said)."""
        self._require(ACCEPTED, action="put on hold for the customer")
        if self.awaiting_customer:
            return False
        if not reason.strip():
            raise ReasonRequired(f"work order {self.work_order_id}: waiting on the customer needs a reason "
                                 "(appointment, documents, access)")
        self.awaiting_customer_since, self.awaiting_reason = at, reason
        return True

    def customer_responded(self, at: datetime) -> bool:
        """The awaited customer came back. False when the order was not waiting (nothing to end)."""
        if not self.awaiting_customer:
            return False
        self._require(ACCEPTED, action="taken off hold")
        self._end_wait(at)
        return True

    def _end_wait(self, at: datetime) -> None:
        if self.awaiting_customer_since is None:
            return
        since = self.awaiting_customer_since
        self.customer_waits.append({"since": since, "until": max(at, since), "reason": self.awaiting_reason})
        self.awaiting_customer_since, self.awaiting_reason = None, ""

    def note_progress(self, text: str, at: datetime, by: str = "") -> None:
        self._require(ACCEPTED, action="given a progress note")
        self.notes.append({"at": at, "text": text, "by": by})

    def reply(self, resolution: str, company_at_fault: str, at: datetime) -> bool:
        """Returns True when the reply also stood for the missing acceptance."""
        self._require(DISPATCHED, ACCEPTED, action="replied")
        if not resolution.strip():
            raise InvalidFinding(f"work order {self.work_order_id}: a reply needs resolution text")
        if company_at_fault not in FAULT_FINDINGS:
            raise InvalidFinding(f"work order {self.work_order_id}: company_at_fault must be YES, NO or UNCLEAR, "
                                 f"got {company_at_fault!r}")
        implied = self.state == DISPATCHED
        if implied:
            self.accepted_at = at
        self._end_wait(at)  # a reply ends any wait on the customer
        self.state, self.closed_at = REPLIED, at
        self.resolution, self.company_at_fault = resolution, company_at_fault
        return implied

    def return_to_owner(self, reason: str, at: datetime) -> None:
        self._require(DISPATCHED, ACCEPTED, action="returned")
        if not reason.strip():
            raise ReasonRequired(f"work order {self.work_order_id}: a return needs a reason")
        self._end_wait(at)
        self.state, self.closed_at, self.return_reason = RETURNED, at, reason

    def cancel(self, at: datetime) -> None:
        self._require(DISPATCHED, ACCEPTED, action="cancelled")
        self._end_wait(at)
        self.state, self.closed_at = CANCELLED, at

    def record_due(self, due_at: datetime, reported_at: datetime) -> bool:
        """Escalation owns deadlines; the newest report wins even if reports arrive out of order."""
        if self.due_reported_at is not None and reported_at < self.due_reported_at:
            return False
        changed = self.due_at != due_at
        self.due_at, self.due_reported_at = due_at, reported_at
        return changed

    def _require(self, *states: str, action: str) -> None:
        if self.state not in states:
            raise IllegalTransition(self.work_order_id, self.state, action)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WorkOrder:
        values = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        values["notes"] = [dict(note) for note in data.get("notes", [])]
        values["customer_waits"] = [dict(wait) for wait in data.get("customer_waits", [])]
        return cls(**values)
