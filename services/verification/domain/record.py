"""The verification record: cause found, fixes verified, customer called back, problem gone; then closed.

Each ``on_*`` method takes one input and returns the events it caused (every event is also an audit
entry). An input whose event id was applied before returns [] and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from . import actions as action_rules
from .actions import Action
from .callback import FALLBACK, PENDING, CallbackAttempt, CallbackStatus
from .closure import CLOSED, REOPENED, VERIFYING
from .errors import IllegalTransition, InvalidFinding, InvalidInput, RecordClosed, UnknownAction
from .events import (CallbackFallbackApplied, CallbackRecorded, CaseClosed, CaseReopened, RecurrenceDetected,
                     ResponsibilityDetermined, VerificationOpened)
from .inputs import (CALLBACK_OUTCOMES, FAULT_VALUES, UNSATISFIED, ActionEvidence, ActionVerdict, CallbackResult,
                     CapaReport, CaseResolved, NewCaseObserved, ResponsibilityFinding)
from .policy import VerificationPolicy
from .recurrence import Recurrence, fault_signature, in_window, match
from .state import RecordState
from .times import require_utc

RECURRENCE, CALLBACK_UNSATISFIED = "RECURRENCE", "CALLBACK_UNSATISFIED"


@dataclass
class VerificationRecord(RecordState):
    """One case's closed loop; see the module docstring for the input contract."""

    # --- inputs -------------------------------------------------------------------------------
    def on_case_resolved(self, event: CaseResolved, policy: VerificationPolicy, now: datetime,
                         later_cases: Iterable[NewCaseObserved] = ()) -> list:
        """Customer closure opens a loop. ``later_cases``: cases registered after the closure that were
        seen before this event (topics are not ordered with each other), checked at once."""
        if self._seen(event.event_id, event.case_id):
            return []
        closed_at = require_utc(event.customer_closed_at, "customer_closed_at")
        if self.status == CLOSED:
            raise RecordClosed(f"case {self.case_id} was closed by management; it cannot be resolved again")
        if self.status == VERIFYING:
            if closed_at == self.customer_closed_at:
                return self._applied(event.event_id, [])  # the same closure told twice
            raise IllegalTransition(self.case_id, VERIFYING, "be resolved again before it is reopened")
        if self.customer_closed_at is not None and closed_at <= self.customer_closed_at:
            raise InvalidInput(f"customer_closed_at: {closed_at} is not after the previous closure "
                               f"{self.customer_closed_at}")
        self.status, self.loop, self.owner = VERIFYING, self.loop + 1, event.owner or self.owner
        self.customer_id, self.category, self.region = event.customer_id, event.category, event.region
        self.department, self.attributes = event.department, dict(event.attributes)
        self.rules, self.late_report_grace = policy.rules_for(event.category), policy.late_report_grace
        self.signature = fault_signature(self.region, self.category, self.attributes,
                                         self.rules.fault_signature_attributes)
        self.opened_at = self.opened_at or now
        self.customer_closed_at = closed_at
        self.customer_closures.append(closed_at)
        events: list = [VerificationOpened(self.case_id, self.loop, closed_at, self.owner, self.window_ends_at,
                                           tuple(self.closure_blockers(now)))]
        for case in sorted(later_cases, key=lambda c: (c.registered_at, c.case_id)):
            if self.status == VERIFYING:
                events += self._check_recurrence(case, now)
        if self.status == VERIFYING:
            events += self._settle_callback(CallbackStatus(PENDING, 0), now)
        return self._applied(event.event_id, events + self._try_close(now))

    def on_capa_report(self, report: CapaReport, now: datetime, class_level: str = "") -> list:
        if self._seen(report.event_id, report.case_id or self.case_id):
            return []
        self._refuse_if_closed("take a CAPA report")
        events: list = []
        if report.finding is not None:
            events += self._determine(report.finding, report.reported_by)
        for planned in report.actions:
            action, planned_events = action_rules.plan(self.case_id, self.actions.get(planned.action_id), planned,
                                                       self._planning_loop(), class_level)
            if action is not None:
                self.actions[action.action_id] = action
            events += planned_events
        return self._applied(report.event_id, events + self._try_close(now))

    def on_action_evidence(self, evidence: ActionEvidence, now: datetime) -> list:
        if self._seen(evidence.event_id, evidence.case_id):
            return []
        self._refuse_if_closed("take action evidence")
        at = require_utc(evidence.completed_at, "completed_at") if evidence.completed_at else now
        action, events = action_rules.complete(self.case_id, self._action(evidence.action_id), evidence.evidence,
                                               evidence.completed_by, at)
        if action is not None:
            self.actions[action.action_id] = action
        return self._applied(evidence.event_id, events)

    def verify_action(self, verdict: ActionVerdict, now: datetime) -> list:
        if self._seen(verdict.event_id, verdict.case_id):
            return []
        self._refuse_if_closed("verify an action")
        action, events = action_rules.judge(self.case_id, self._action(verdict.action_id), verdict.accepted,
                                            verdict.verifier, verdict.reason, now)
        if action is not None:
            self.actions[action.action_id] = action
        return self._applied(verdict.event_id, events + self._try_close(now))

    def on_callback(self, result: CallbackResult, now: datetime) -> list:
        if self._seen(result.event_id, result.case_id):
            return []
        self._refuse_if_closed("take a callback result")
        if result.outcome not in CALLBACK_OUTCOMES:
            raise InvalidInput(f"outcome: expected one of {', '.join(CALLBACK_OUTCOMES)}, got {result.outcome!r}")
        if result.outcome == UNSATISFIED and not result.reason.strip():
            raise InvalidInput("reason: an unsatisfied callback must say why")
        called_at = require_utc(result.called_at, "called_at")
        before = self.callback_status()
        self.callbacks.append(CallbackAttempt(result.event_id, result.outcome, called_at, result.reason,
                                              result.agent_id))
        after = self.callback_status()
        events: list = [CallbackRecorded(self.case_id, result.outcome, called_at, result.reason,
                                         after.unreachable_attempts)]
        if self.status == VERIFYING:  # before resolution (or while reopened) a call is kept for later
            events += self._settle_callback(before, now)
        return self._applied(result.event_id, events + self._try_close(now))

    def on_new_case_observed(self, case: NewCaseObserved, now: datetime) -> list:
        if case.event_id in self.applied_event_ids:
            return []
        return self._applied(case.event_id, self._check_recurrence(case, now))

    def tick(self, now: datetime) -> list:
        """The clock moved: management closure once the window (and grace) passed with all conditions met."""
        return self._try_close(now)

    # --- helpers ------------------------------------------------------------------------------
    def _determine(self, finding: ResponsibilityFinding, by: str) -> list:
        if not finding.responsible_unit.strip() or not finding.root_cause_class.strip():
            raise InvalidFinding("a responsibility finding needs the responsible unit and the root-cause class")
        if finding.company_at_fault not in FAULT_VALUES:
            raise InvalidFinding(f"company_at_fault: expected one of {', '.join(FAULT_VALUES)}, "
                                 f"got {finding.company_at_fault!r}")
        if finding == self.finding:
            return []
        revised, self.finding, self.finding_by = self.finding is not None, finding, by
        return [ResponsibilityDetermined(self.case_id, finding.responsible_unit, finding.root_cause_class,
                                         finding.company_at_fault, by, revised)]

    def _check_recurrence(self, case: NewCaseObserved, now: datetime) -> list:
        registered_at = require_utc(case.registered_at, "registered_at")
        if case.case_id == self.case_id or self.status not in (VERIFYING, CLOSED) or self.rules is None:
            return []
        if any(r.new_case_id == case.case_id for r in self.recurrences):
            return []
        if not in_window(self.customer_closed_at, self.rules.recurrence_window, registered_at):
            return []
        matched_by = match(self.customer_id, self.category, self.signature, case.customer_id, case.category,
                           fault_signature(case.region, case.category, case.attributes,
                                           self.rules.fault_signature_attributes))
        if not matched_by:
            return []
        late = self.status == CLOSED
        self.recurrences.append(Recurrence(case.case_id, matched_by, registered_at, self.loop, late))
        detected = RecurrenceDetected(self.case_id, case.case_id, matched_by, registered_at, late)
        if late:
            return [detected]
        return [detected, self._reopen(RECURRENCE, f"recurrence: case {case.case_id} ({matched_by})", now)]

    def _settle_callback(self, before: CallbackStatus, now: datetime) -> list:
        after = self.callback_status()
        if after.state == UNSATISFIED and before.state != UNSATISFIED:
            return [self._reopen(CALLBACK_UNSATISFIED, f"callback unsatisfied: {after.reason}", now)]
        if after.fallback and self.fallback_loop != self.loop and after.state in (FALLBACK, PENDING):
            self.fallback_loop = self.loop
            return [CallbackFallbackApplied(self.case_id, after.fallback, after.unreachable_attempts)]
        return []

    def _reopen(self, cause: str, reason: str, now: datetime) -> CaseReopened:
        self.status = REOPENED
        self.reopenings.append({"loop": self.loop, "cause": cause, "reason": reason, "at": now})
        return CaseReopened(self.case_id, cause, reason, self.owner, self.loop, now)

    def _try_close(self, now: datetime) -> list:
        if self.status != VERIFYING or self.closure_blockers(now):
            return []
        self.status, self.management_closed_at = CLOSED, now
        return [CaseClosed(self.case_id, self.loop, self.customer_closed_at, now)]

    def _planning_loop(self) -> int:
        return self.loop if self.status == VERIFYING else self.loop + 1

    def _seen(self, event_id: str, case_id: str) -> bool:
        if not event_id:
            raise InvalidInput("event_id: every input needs an id (idempotency depends on it)")
        if case_id != self.case_id:
            raise InvalidInput(f"case_id: input is for case {case_id!r}, this record is {self.case_id!r}")
        return event_id in self.applied_event_ids

    def _applied(self, event_id: str, events: list) -> list:
        self.applied_event_ids.append(event_id)
        return events

    def _refuse_if_closed(self, action: str) -> None:
        if self.status == CLOSED:
            raise RecordClosed(f"case {self.case_id} was closed by management; it cannot {action}")

    def _action(self, action_id: str) -> Action:
        if action_id not in self.actions:
            raise UnknownAction(f"action_id: no action {action_id!r} on case {self.case_id}")
        return self.actions[action_id]
