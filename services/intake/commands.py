"""Operator commands on cases (split a wrong merge), run on the handler's thread."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from complaint_platform.commands import CommandPipeline, Decision
from complaint_platform.envelope import event_id_for
from complaint_platform.grpc_errors import BadRequest, NotFound
from complaint_platform.inbox import AppliedEvents
from complaint_platform.topics import CASES_INTAKE

from .domain.case import CaseFile
from .domain.errors import IntakeError
from .domain.merge import split
from .domain.policy import IntakePolicy
from .domain.submission import RawSubmission, normalise
from .store import VIEW_FIELDS, case_document, view_document
from .wire import to_message


class IntakeCommands:
    def __init__(self, database: Any, policy: IntakePolicy, gateway) -> None:
        self._database = database
        self._policy = policy
        # the handler reads the cases a command changed again (set by the app to its release)
        self.release = lambda case_ids: None
        self._pipeline = CommandPipeline(database, gateway, CASES_INTAKE, "intake",
                                         settled=lambda case_ids, ok: self.release(case_ids))

    def split(self, case_id: str, submission_key: str, operator: str, reason: str) -> str:
        """The id of the case the submission now belongs to."""
        command_id = event_id_for("split", case_id, submission_key)
        return self._pipeline.run(command_id, [case_id],
                                  lambda now: self._split(command_id, case_id, submission_key, operator, reason, now))

    def _split(self, command_id: str, case_id: str, key: str, operator: str, reason: str, now: datetime) -> Decision:
        found = self._database["cases"].find_one({"_id": case_id})
        stored = self._database["submissions"].find_one({"_id": key})
        if found is None:
            raise NotFound(f"no case {case_id}")
        if stored is None or stored["case_id"] != case_id:
            raise BadRequest(f"submission {key} is not part of case {case_id}")
        case = CaseFile.from_dict(found["state"])
        raw = RawSubmission(submission_id=stored["submission_id"], channel=stored["channel"],
                            customer_id=case.customer_key, tier=case.tier, region=case.region,
                            summary=stored.get("summary", ""), received_at=stored["received_at"],
                            first_contact=stored.get("first_contact", ""))
        try:
            result = split(case, normalise(raw, self._policy, now), operator=operator, reason=reason,
                           command_id=command_id, policy=self._policy, now=now)
        except IntakeError as refusal:
            raise BadRequest(str(refusal)) from None
        if result.new_case is None:  # the same split again
            return Decision(self._database["submissions"].find_one({"_id": key})["case_id"])
        new_case = result.new_case
        events: dict[str, list] = {}
        for event in result.events:
            events.setdefault(event.case_id, []).append((to_message(event, None), event.event_id))
        stored_view = self._database["case_views"].find_one({"_id": case_id}) or found
        view = {name: stored_view.get(name) for name in VIEW_FIELDS}

        def write(unit, produced) -> None:
            unit.upsert("cases", case_document(case))
            unit.upsert("case_views", view_document(case, view, stored_view.get(AppliedEvents.FIELD) or []))
            unit.upsert("cases", case_document(new_case))
            unit.upsert("case_views", view_document(new_case, {"owner": view.get("owner"), "updated_at": now}, []))
            unit.update("submissions", {"_id": key}, {"$set": {"case_id": new_case.case_id}})

        return Decision(new_case.case_id, events, write, touched=[new_case.case_id])
