"""Supervisors' commands (mark for supervision, urge, record a shift leader's finding), run on
the handler's thread through the platform's command pipeline; the deadline-firing timer is in
``clocks.py``.

A command's id comes from the client's request id, or without one from its content, and a case
keeps the ids of the last commands and events applied to it: a client that retries after a timeout
is answered with the case as it stands, and the command is applied once (one urging, one yellow
card). The actor is the authenticated caller (access.acting).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from complaints.v1 import case_events_pb2
from complaint_platform.commands import CommandPipeline, Decision, command_identity
from complaint_platform.envelope import event_id_for
from complaint_platform.grpc_errors import BadRequest, NotFound, require_id
from complaint_platform.inbox import AppliedEvents
from complaint_platform.mongo import UnitOfWork
from complaint_platform.topics import CASES_SUPERVISION

from . import store
from .domain.supervision import SupervisedCase


class EscalationCommands:
    """``release``: the handler's, told which cases a command changed (it reads them again)."""

    def __init__(self, database: Any, gateway, release: Callable[[list[str]], None] | None = None) -> None:
        self._database = database
        release = release or (lambda case_ids: None)
        self._pipeline = CommandPipeline(database, gateway, CASES_SUPERVISION, "escalation",
                                         settled=lambda case_ids, ok: release(case_ids))

    def mark_for_supervision(self, case_id: str, supervisor: str, reason: str, request_id: str = "") -> SupervisedCase:
        if not reason.strip():
            raise BadRequest("reason is required")
        supervisor = require_id(supervisor, "supervisor")
        return self._run(case_id, ("supervise", *command_identity(request_id, supervisor, reason)), lambda case, now: [
            (case_events_pb2.SupervisionOpened(case_id=case.case_id, supervisor=e.supervisor, reason=e.reason),
             "supervision") for e in case.supervise(supervisor, reason, now)])

    def urge(self, case_id: str, by: str, note: str, request_id: str = "") -> SupervisedCase:
        by = require_id(by, "by")

        def urge(case: SupervisedCase, now: datetime) -> list:
            if not case.supervisor:
                raise BadRequest(f"case {case.case_id} is not on the supervision list")
            case.urge(by, note, now)
            # an event: the owner's systems and the timeline see the urging, not only the list
            return [(case_events_pb2.CaseUrged(case_id=case.case_id, by=by, note=note, urgings=len(case.urgings)),
                     "urged")]

        return self._run(case_id, ("urge", *command_identity(request_id, by, note)), urge)

    def record_finding(self, case_id: str, agent_id: str, finding: str, yellow_card: bool, shift_leader: str,
                       month: str, request_id: str = "") -> SupervisedCase:
        """A yellow card counts once per agent and month however often the command is sent."""
        agent = require_id(agent_id, "agent_id")

        def record(case: SupervisedCase, now: datetime) -> list:
            case.yellow_cards.append({"agent_id": agent, "finding": finding, "yellow_card": yellow_card,
                                      "by": shift_leader, "at": now})
            return []

        def count_card(unit: UnitOfWork) -> None:
            if yellow_card:
                unit.update(store.YELLOW_CARDS, {"_id": f"{agent}:{month}"},
                            {"$inc": {"count": 1}, "$set": {"agent_id": agent, "month": month}}, upsert=True)

        return self._run(case_id, ("finding", month, *command_identity(request_id, agent, finding, str(yellow_card),
                                                                        shift_leader)), record, count_card)

    def _run(self, case_id: str, content: tuple[str, ...], action, extra=None) -> SupervisedCase:
        case_id = require_id(case_id, "case_id")
        command_id = event_id_for("command", case_id, *content)

        def decide(now: datetime) -> Decision:
            applied = AppliedEvents()
            case = store.load_cases(self._database, [case_id], applied).get(case_id)
            if case is None:
                raise NotFound(f"no supervised case {case_id}")
            if applied.seen(case_id, command_id):
                return Decision(case)  # applied already: a retry is answered, not applied again
            messages = action(case, now)
            applied.add(case_id, command_id)

            def write(unit: UnitOfWork, produced) -> None:
                store.save_commanded(unit, case, applied.of(case_id), [item.value for item in produced])
                if extra is not None:
                    extra(unit)

            return Decision(case, {case_id: messages}, write)

        return self._pipeline.run(command_id, [case_id], decide)
