"""Corrective and preventive actions: planned -> done (evidence given) -> verified (verifier accepts)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from .errors import ActionConflict, EvidenceMissing, InvalidInput
from .events import ActionCompleted, ActionEvidenceRejected, ActionPlanned, ActionVerified, CorrectiveActionDue
from .inputs import ACTION_KINDS, PlannedAction
from .times import iso_z, require_utc, stored

PLANNED, DONE, VERIFIED = "PLANNED", "DONE", "VERIFIED"


@dataclass(frozen=True)
class Action:
    action_id: str
    kind: str                        # CORRECTIVE or PREVENTIVE
    owner: str
    due_at: datetime | None
    description: str = ""
    class_level: str = ""            # root-cause class when the action covers the whole class
    planned_in_loop: int = 1         # the verification loop it was planned for (a recurrence starts a new one)
    evidence: str = ""
    completed_by: str = ""
    completed_at: datetime | None = None
    verifier: str = ""
    verified_at: datetime | None = None

    @property
    def state(self) -> str:
        if self.verified_at is not None:
            return VERIFIED
        return DONE if self.evidence else PLANNED

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Action:
        return cls(**{**data, "due_at": stored(data.get("due_at")), "completed_at": stored(data.get("completed_at")),
                      "verified_at": stored(data.get("verified_at"))})


def plan(case_id: str, existing: Action | None, planned: PlannedAction, loop: int,
         class_level: str = "") -> tuple[Action | None, list]:
    """A new action, or a re-planned one (new owner or due date); a verified action stays as verified."""
    if not planned.action_id.strip() or not planned.owner.strip():
        raise InvalidInput(f"action {planned.action_id or '?'}: an action needs an id and an owner")
    if planned.kind not in ACTION_KINDS:
        raise InvalidInput(f"action {planned.action_id}: kind must be one of {', '.join(ACTION_KINDS)}, "
                           f"got {planned.kind!r}")
    due_at = require_utc(planned.due_at, f"action {planned.action_id} due_at") if planned.due_at else None
    if existing is not None:
        if existing.kind != planned.kind:
            raise ActionConflict(f"action {planned.action_id} is {existing.kind}; it cannot be re-planned as "
                                 f"{planned.kind}")
        same = (existing.owner, existing.due_at, existing.description) == (planned.owner, due_at, planned.description)
        if same:
            return None, []
        if existing.state == VERIFIED:
            raise ActionConflict(f"action {planned.action_id} is already verified; it cannot be re-planned")
    action = Action(planned.action_id, planned.kind, planned.owner, due_at, planned.description,
                    class_level or (existing.class_level if existing else ""),
                    existing.planned_in_loop if existing else loop)
    if existing is not None:  # keep any evidence already given; only the plan changed
        action = replace(action, evidence=existing.evidence, completed_by=existing.completed_by,
                         completed_at=existing.completed_at)
    events: list = [ActionPlanned(case_id, action.action_id, action.kind, action.owner, due_at, action.description,
                                  action.class_level)]
    if due_at is not None and (existing is None or existing.due_at != due_at or existing.owner != action.owner):
        events.append(CorrectiveActionDue(case_id, action.action_id, action.kind, action.owner, due_at))
    return action, events


def complete(case_id: str, action: Action, evidence: str, by: str, at: datetime) -> tuple[Action | None, list]:
    if not evidence.strip():
        raise EvidenceMissing(f"action {action.action_id}: completion needs evidence")
    if action.state == VERIFIED:
        raise ActionConflict(f"action {action.action_id} was verified at {iso_z(action.verified_at)}; "
                             "its evidence cannot change")
    if action.evidence == evidence:
        return None, []
    done = replace(action, evidence=evidence, completed_by=by, completed_at=at)
    return done, [ActionCompleted(case_id, action.action_id, evidence, by, at)]


def judge(case_id: str, action: Action, accepted: bool, verifier: str, reason: str,
          now: datetime) -> tuple[Action | None, list]:
    """The verifier's verdict; a rejection sends the action back to planned, with the reason on record."""
    if action.state == PLANNED:
        raise EvidenceMissing(f"action {action.action_id}: cannot be judged before completion evidence is given")
    if action.state == VERIFIED:
        if accepted:
            return None, []
        raise ActionConflict(f"action {action.action_id} is already verified; it cannot be rejected")
    if accepted:
        return replace(action, verifier=verifier, verified_at=now), [
            ActionVerified(case_id, action.action_id, verifier, now)]
    if not reason.strip():
        raise InvalidInput(f"action {action.action_id}: a rejection needs a reason")
    reopened = replace(action, evidence="", completed_by="", completed_at=None)
    return reopened, [ActionEvidenceRejected(case_id, action.action_id, reason, verifier)]
