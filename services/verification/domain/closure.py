"""Two-step closure (1+0): customer closure opens verification; management closure needs every condition."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from .actions import PLANNED
from .callback import callback_blocker
from .inputs import ACTION_KINDS, CORRECTIVE
from .times import iso_z

if TYPE_CHECKING:
    from .state import RecordState

AWAITING_RESOLUTION, VERIFYING, REOPENED, CLOSED = "AWAITING_RESOLUTION", "VERIFYING", "REOPENED", "CLOSED"
STATUSES = (AWAITING_RESOLUTION, VERIFYING, REOPENED, CLOSED)


def closure_blockers(record: RecordState, now: datetime) -> list[str]:
    """Every condition still missing, by name; management closure is allowed when the list is empty."""
    if record.status == CLOSED:
        return []
    if record.status == AWAITING_RESOLUTION or record.rules is None or record.customer_closed_at is None:
        return ["case not resolved (no customer closure yet)"]
    if record.status == REOPENED:
        return ["case reopened: waiting for the next customer closure"]
    rules = record.rules
    blockers = []
    if rules.responsibility and record.finding is None:
        blockers.append("responsibility not determined")
    for kind, required in zip(ACTION_KINDS, (rules.corrective_actions, rules.preventive_actions)):
        planned = [action for action in record.actions.values() if action.kind == kind]
        name = kind.lower()
        if len(planned) < required:
            blockers.append(f"{name} action required ({len(planned)} of {required} planned)")
        for action in planned:
            if action.verified_at is None:
                missing = " (no completion evidence)" if action.state == PLANNED else ""
                blockers.append(f"{name} action {action.action_id} not verified{missing}")
    recurred = record.last_recurrence()
    if recurred is not None and not any(a.kind == CORRECTIVE and a.planned_in_loop > recurred.loop
                                        for a in record.actions.values()):
        # the earlier fix did not hold; the same fix verified again proves nothing
        blockers.append(f"new corrective action required after recurrence {recurred.new_case_id}")
    callback = callback_blocker(record.callback_status(), rules)
    if callback:
        blockers.append(callback)
    window_ends_at = record.window_ends_at
    if window_ends_at is not None and now < window_ends_at:
        blockers.append(f"recurrence window open until {iso_z(window_ends_at)}")
    elif record.closes_at is not None and now < record.closes_at:
        blockers.append(f"late reports awaited until {iso_z(record.closes_at)}")
    return blockers
