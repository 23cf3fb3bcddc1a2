"""Customer callback (回访): the latest decisive call wins; enough unreachable calls apply the fallback."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .inputs import SATISFIED, UNREACHABLE, UNSATISFIED
from .policy import CLOSE_WITHOUT_CALLBACK, KEEP_OPEN, TREAT_AS_SATISFIED, CategoryRules
from .times import stored

PENDING, FALLBACK = "PENDING", "FALLBACK"


@dataclass(frozen=True)
class CallbackAttempt:
    event_id: str
    outcome: str
    called_at: datetime
    reason: str = ""
    agent_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CallbackAttempt:
        return cls(**{**data, "called_at": stored(data["called_at"])})


@dataclass(frozen=True)
class CallbackStatus:
    state: str                   # PENDING, SATISFIED, UNSATISFIED or FALLBACK
    unreachable_attempts: int
    fallback: str = ""           # the policy fallback once the attempts ran out (keep_open stays PENDING)
    reason: str = ""             # the customer's reason when UNSATISFIED

    def met(self) -> bool:
        return self.state in (SATISFIED, FALLBACK)


def callback_status(attempts: Iterable[CallbackAttempt], since: datetime | None,
                    rules: CategoryRules) -> CallbackStatus:
    """Only calls made at or after this loop's customer closure count; they are judged in call order,
    not arrival order, so a late-delivered earlier call cannot override the customer's latest word."""
    if since is None:
        return CallbackStatus(PENDING, 0)
    current = sorted((a for a in attempts if a.called_at >= since), key=lambda a: (a.called_at, a.event_id))
    unreachable = sum(1 for a in current if a.outcome == UNREACHABLE)
    decisive = [a for a in current if a.outcome in (SATISFIED, UNSATISFIED)]
    if decisive:
        last = decisive[-1]
        return CallbackStatus(last.outcome, unreachable, reason=last.reason)
    if unreachable >= rules.unreachable_attempts:
        if rules.callback_fallback in (TREAT_AS_SATISFIED, CLOSE_WITHOUT_CALLBACK):
            return CallbackStatus(FALLBACK, unreachable, rules.callback_fallback)
        return CallbackStatus(PENDING, unreachable, KEEP_OPEN)
    return CallbackStatus(PENDING, unreachable)


def callback_blocker(status: CallbackStatus, rules: CategoryRules) -> str:
    """The closure blocker for the callback, or "" when the callback condition is met."""
    if not rules.callback or status.met():
        return ""
    if status.state == UNSATISFIED:
        return "callback unsatisfied"
    if status.fallback == KEEP_OPEN:
        return f"callback pending ({status.unreachable_attempts} unreachable attempts; policy keeps it open)"
    if status.unreachable_attempts:
        return f"callback pending ({status.unreachable_attempts} of {rules.unreachable_attempts} unreachable attempts)"
    return "callback pending"
