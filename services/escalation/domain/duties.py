"""The agent's and the units' own duties on a case, and what supervisors do to it by command.

The 30-minute rule: a dissatisfied rating gives the agent ``explanation_window`` to explain; a
missed explanation is marked overdue and goes to the shift leader (值班长) by itself, whose
finding may give the agent a yellow card (黄牌), counted per month in the centre's zone.
"""

from __future__ import annotations

from datetime import datetime

from .clockwork import CaseClocks, Event
from .errors import CaseClosedError, ReasonRequiredError
from .events import YellowCardRecorded
from .policy import EscalationPolicy
from .yellow_cards import month_of


class CaseDuties(CaseClocks):
    """Mixed into ``SupervisedCase``: ratings, explanations, corrective actions, supervisor commands."""

    def rating_recorded(self, event_id: str, at: datetime, policy: EscalationPolicy, *, rating_id: str,
                        agent_id: str, dissatisfied: bool) -> list[Event]:
        def act() -> list[Event]:
            if not dissatisfied:
                self.satisfied_ratings += 1
                return []
            self.dissatisfied_ratings += 1
            return self._start("EXPLANATION", rating_id, at, policy, due_at=at + policy.explanation_window,
                               owner=agent_id)
        return self._apply(event_id, at, policy, act)

    def explanation_received(self, event_id: str, at: datetime, policy: EscalationPolicy, *,
                             rating_id: str) -> list[Event]:
        """Met when it came before the due time; after it, met late (the overdue mark stays on record)."""
        return self._apply(event_id, at, policy, lambda: self._stop(("EXPLANATION",), rating_id, True, at))

    def corrective_action_due(self, event_id: str, at: datetime, policy: EscalationPolicy, *, action_id: str,
                              due_at: datetime, owner: str = "") -> list[Event]:
        return self._apply(event_id, at, policy, lambda: self._start(
            "CORRECTIVE_ACTION", action_id, at, policy, due_at=due_at, owner=owner))

    def corrective_action_done(self, event_id: str, at: datetime, policy: EscalationPolicy, *,
                               action_id: str) -> list[Event]:
        return self._apply(event_id, at, policy, lambda: self._stop(("CORRECTIVE_ACTION",), action_id, True, at))

    # --- supervisor commands (ids are command ids) ------------------------------------------------
    def mark_for_supervision(self, command_id: str, at: datetime, policy: EscalationPolicy, *, supervisor: str,
                             reason: str) -> list[Event]:
        self._require_open("mark for supervision")
        if not reason.strip() or not supervisor.strip():
            raise ReasonRequiredError(f"case {self.case_id}: supervision by command needs a supervisor and a reason")
        return self._apply(command_id, at, policy, lambda: self.supervise(supervisor, reason, at))

    def urge_case(self, command_id: str, at: datetime, policy: EscalationPolicy, *, by: str,
                  note: str) -> list[Event]:
        self._require_open("urge")
        return self._apply(command_id, at, policy, lambda: self.urge(by, note, at))

    def shift_leader_finding(self, command_id: str, at: datetime, policy: EscalationPolicy, *, agent_id: str,
                             finding: str, yellow_card: bool, shift_leader: str) -> list[Event]:
        if not finding.strip() or not agent_id.strip():
            raise ReasonRequiredError(f"case {self.case_id}: a shift leader's finding names the agent and says why")

        def act() -> list[Event]:
            month = month_of(at, policy.timezone)
            self.yellow_cards.append({"agent_id": agent_id, "finding": finding, "yellow_card": yellow_card,
                                      "by": shift_leader, "at": at, "month": month})
            return [YellowCardRecorded(self.case_id, agent_id, month, shift_leader, finding)] if yellow_card else []
        return self._apply(command_id, at, policy, act)

    def _require_open(self, action: str) -> None:
        if self.closed:
            raise CaseClosedError(f"case {self.case_id} is closed; cannot {action}")
