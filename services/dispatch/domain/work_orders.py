"""Electronic work orders (派单/电子流) and their state machine."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

DISPATCHED, ACCEPTED, REPLIED, RETURNED, CANCELLED = "DISPATCHED", "ACCEPTED", "REPLIED", "RETURNED", "CANCELLED"
CLOSED_STATES = {REPLIED, RETURNED, CANCELLED}
ALLOWED = {
    DISPATCHED: {ACCEPTED, REPLIED, RETURNED, CANCELLED},  # REPLIED straight away implies acceptance
    ACCEPTED: {REPLIED, RETURNED, CANCELLED},
    REPLIED: set(), RETURNED: set(), CANCELLED: set(),
}


class DispatchError(Exception):
    """Base of the dispatch rules' named errors."""


class IllegalTransition(DispatchError):
    def __init__(self, work_order_id: str, current: str, wanted: str) -> None:
        super().__init__(f"work order {work_order_id} is {current}; it cannot become {wanted}")
        self.current, self.wanted = current, wanted


class UnknownWorkOrder(DispatchError):
    pass


class OwnerRequired(DispatchError):
    pass


class ReasonRequired(DispatchError):
    pass


class CaseClosedError(DispatchError):
    pass


@dataclass
class WorkOrder:
    work_order_id: str
    case_id: str
    kind: str                # DEPARTMENT or CONSULT
    department: str
    level: str
    lane: int                # which of the case's lanes (work items) this serves
    candidate: int           # position in that lane's routing candidates
    priority: int
    dispatched_at: datetime
    loop: int = 0            # handling loop: 0, then 1 after the first reopen ...
    state: str = DISPATCHED
    due_at: datetime | None = None
    promised_reply_at: datetime | None = None
    accepted_at: datetime | None = None
    closed_at: datetime | None = None
    resolution: str = ""
    company_at_fault: str = ""
    return_reason: str = ""
    replaces: str = ""
    notes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.state not in CLOSED_STATES

    def move(self, wanted: str, at: datetime) -> None:
        if wanted not in ALLOWED[self.state]:
            raise IllegalTransition(self.work_order_id, self.state, wanted)
        if wanted == ACCEPTED or (wanted == REPLIED and self.accepted_at is None):
            self.accepted_at = at
        if wanted in CLOSED_STATES:
            self.closed_at = at
        self.state = wanted

    def note(self, text: str, at: datetime, by: str = "") -> None:
        self.notes.append({"at": at, "text": text, "by": by})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WorkOrder:
        return cls(**{name: data[name] for name in cls.__dataclass_fields__ if name in data})
