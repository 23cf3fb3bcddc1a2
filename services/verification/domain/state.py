"""The verification record's state: what it knows, and what follows from it. Inputs are in record.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .actions import Action
from .callback import PENDING, CallbackAttempt, CallbackStatus, callback_status
from .closure import AWAITING_RESOLUTION, CLOSED, VERIFYING, closure_blockers
from .inputs import ResponsibilityFinding
from .policy import CategoryRules
from .recurrence import Recurrence
from .serialise import record_from_dict, record_to_dict


@dataclass
class RecordState:
    case_id: str
    status: str = AWAITING_RESOLUTION
    loop: int = 0                            # customer closures so far; a reopen starts the next loop
    owner: str = ""                          # original owner: a reopened case goes back to them
    customer_id: str = ""
    category: str = ""
    region: str = ""
    department: str = ""
    attributes: dict[str, str] = field(default_factory=dict)
    signature: str = ""
    rules: CategoryRules | None = None       # the policy as it was at this loop's opening
    late_report_grace: timedelta = timedelta(0)
    opened_at: datetime | None = None
    customer_closed_at: datetime | None = None
    customer_closures: list[datetime] = field(default_factory=list)
    finding: ResponsibilityFinding | None = None
    finding_by: str = ""
    actions: dict[str, Action] = field(default_factory=dict)
    callbacks: list[CallbackAttempt] = field(default_factory=list)
    fallback_loop: int = 0                   # loop in which the callback fallback was recorded
    recurrences: list[Recurrence] = field(default_factory=list)
    reopenings: list[dict] = field(default_factory=list)
    management_closed_at: datetime | None = None
    applied_event_ids: list[str] = field(default_factory=list)

    # --- derived ------------------------------------------------------------------------------
    @property
    def root_cause_class(self) -> str:
        return self.finding.root_cause_class if self.finding else ""

    @property
    def responsible_unit(self) -> str:
        return self.finding.responsible_unit if self.finding else ""

    @property
    def window_ends_at(self) -> datetime | None:
        if self.customer_closed_at is None or self.rules is None:
            return None
        return self.customer_closed_at + self.rules.recurrence_window

    @property
    def closes_at(self) -> datetime | None:
        """Earliest management closure (window end plus grace): the adapter's timer index."""
        end = self.window_ends_at
        return None if end is None else end + self.late_report_grace

    def callback_status(self) -> CallbackStatus:
        if self.rules is None or self.status not in (VERIFYING, CLOSED):
            return CallbackStatus(PENDING, 0)
        return callback_status(self.callbacks, self.customer_closed_at, self.rules)

    def last_recurrence(self) -> Recurrence | None:
        reopen_by_recurrence = [r for r in self.recurrences if not r.late]
        return reopen_by_recurrence[-1] if reopen_by_recurrence else None

    def closure_blockers(self, now: datetime) -> list[str]:
        return closure_blockers(self, now)

    def to_dict(self) -> dict:
        return record_to_dict(self)

    @classmethod
    def from_dict(cls, data: dict) -> RecordState:
        return cls(**record_from_dict(data))
