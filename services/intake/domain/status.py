"""The case lifecycle as intake sees it, learnt from other services' events (late, twice, out of order)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum
from typing import Any

from .errors import IllegalStatusTransition, UnknownStatus


class CaseStatus(str, Enum):
    REGISTERED = "REGISTERED"
    ASSIGNED = "ASSIGNED"
    DISPATCHED = "DISPATCHED"
    RESOLVED = "RESOLVED"
    VERIFYING = "VERIFYING"
    CLOSED = "CLOSED"
    REOPENED = "REOPENED"

    @classmethod
    def parse(cls, value: str | CaseStatus) -> CaseStatus:
        try:
            return cls(value.value if isinstance(value, CaseStatus) else str(value).upper())
        except ValueError:
            raise UnknownStatus(f"unknown case status {value!r}") from None


S = CaseStatus
ALLOWED: dict[CaseStatus, frozenset[CaseStatus]] = {
    S.REGISTERED: frozenset({S.ASSIGNED}),
    S.ASSIGNED: frozenset({S.DISPATCHED}),
    S.DISPATCHED: frozenset({S.RESOLVED}),
    S.RESOLVED: frozenset({S.VERIFYING, S.REOPENED}),
    S.VERIFYING: frozenset({S.CLOSED, S.REOPENED}),
    S.REOPENED: frozenset({S.ASSIGNED, S.DISPATCHED}),
    S.CLOSED: frozenset(),
}
# Position within one handling loop; REOPENED starts the next loop just before ASSIGNED.
_RANK = {S.REGISTERED: 0, S.REOPENED: 0.5, S.ASSIGNED: 1, S.DISPATCHED: 2, S.RESOLVED: 3, S.VERIFYING: 4,
         S.CLOSED: 5}
_MAX_DEFERRED = 16


def check_transition(current: CaseStatus, target: CaseStatus) -> None:
    """The strict lifecycle, for callers that drive the status themselves."""
    if target not in ALLOWED[current]:
        allowed = ", ".join(sorted(s.value for s in ALLOWED[current])) or "nothing (final)"
        raise IllegalStatusTransition(f"a {current.value} case cannot become {target.value}; allowed: {allowed}")


class Observation(str, Enum):
    ADVANCED = "advanced"
    DUPLICATE = "duplicate"        # same status seen again: nothing changes
    STALE = "stale"                # older than what we already know
    DEFERRED = "deferred"          # looks backwards; kept until the REOPENED it implies arrives
    FINAL = "final"                # the case is closed; later news changes nothing


@dataclass(frozen=True)
class StatusView:
    status: CaseStatus = S.REGISTERED
    status_at: datetime | None = None
    deferred: tuple[tuple[CaseStatus, datetime], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status.value, "status_at": self.status_at,
                "deferred": [[status.value, at] for status, at in self.deferred]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StatusView:
        return cls(CaseStatus.parse(data.get("status", "REGISTERED")), data.get("status_at"),
                   tuple((CaseStatus.parse(s), at) for s, at in data.get("deferred", [])))


@dataclass(frozen=True)
class StatusChange:
    view: StatusView
    outcome: Observation

    @property
    def changed(self) -> bool:
        return self.outcome is Observation.ADVANCED


def advance_status(current: StatusView, observed: CaseStatus | str, occurred_at: datetime) -> StatusChange:
    """Move forward only, except through REOPENED; idempotent, and order-independent given event times.

    Rules: CLOSED is final; news older than the current status is stale; REOPENED is taken whenever it is
    newer; a newer status that ranks behind the current one (DISPATCHED after VERIFYING) must belong to
    a later loop whose REOPENED has not arrived yet, so it is deferred and replayed when it does.
    """
    observed = CaseStatus.parse(observed)
    change = _observe(current, observed, occurred_at)
    if change.outcome is Observation.ADVANCED and observed is S.REOPENED:
        return StatusChange(_replay(change.view), Observation.ADVANCED)
    return change


def _observe(view: StatusView, observed: CaseStatus, at: datetime) -> StatusChange:
    if view.status is S.CLOSED:
        return StatusChange(view, Observation.FINAL if observed is not S.CLOSED else Observation.DUPLICATE)
    if observed is S.CLOSED:  # closure is the last word whenever it arrives
        return StatusChange(StatusView(S.CLOSED, at), Observation.ADVANCED)
    if view.status_at is not None and at < view.status_at:
        return StatusChange(view, Observation.STALE)
    if observed is view.status:
        return StatusChange(replace(view, status_at=at), Observation.DUPLICATE)
    if observed is S.REOPENED or _RANK[observed] > _RANK[view.status]:
        kept = tuple(item for item in view.deferred if item[1] > at)
        return StatusChange(StatusView(observed, at, kept), Observation.ADVANCED)
    if (observed, at) in view.deferred:
        return StatusChange(view, Observation.DEFERRED)
    deferred = tuple(sorted((*view.deferred, (observed, at)), key=lambda item: item[1]))[-_MAX_DEFERRED:]
    return StatusChange(replace(view, deferred=deferred), Observation.DEFERRED)


def _replay(view: StatusView) -> StatusView:
    pending, view = view.deferred, replace(view, deferred=())
    for status, at in pending:
        view = _observe(view, status, at).view
    return view
