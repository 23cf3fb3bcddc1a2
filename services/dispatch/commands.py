"""Owner commands (reassign, consult, reply to the customer), run on the handler's thread."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from complaint_platform.envelope import event_id_for, wrap
from complaint_platform.grpc_errors import BadRequest, NotFound
from complaint_platform.mongo import UnitOfWork, stage
from complaint_platform.streaming import outgoing
from complaint_platform.topics import CASES_DISPATCH

from .domain import inputs
from .domain.errors import DispatchError
from .domain.policy import DispatchPolicy
from .store import CaseStore
from .wire import to_messages


class DispatchCommands:
    """``store``: the handler's, so a command sees and changes the cases it holds; ``forget``:
    told when a command's unit failed after changing a held case."""

    def __init__(self, database: Any, policy: DispatchPolicy, gateway, store: CaseStore | None = None,
                 forget=None) -> None:
        self._store = store if store is not None else CaseStore(database)
        self._forget = forget or self._store.forget
        self._database = database
        self._policy = policy
        self._gateway = gateway

    # Command ids come from the request's content, so a client's retry is applied once.
    def reassign(self, case_id: str, new_owner: str, reason: str, by: str = "") -> str:
        command = inputs.ReassignOwner(event_id_for(case_id, "reassign", new_owner, reason), new_owner, reason, by)
        return self._run(case_id, command.command_id,
                         lambda case, now: (case.reassign(command, now), lambda: case.owner))

    def consult(self, case_id: str, question: str, promised_reply_at: datetime) -> str:
        command = inputs.RequestConsult(event_id_for(case_id, "consult", question, promised_reply_at.isoformat()),
                                        question, promised_reply_at)
        return self._run(case_id, command.command_id,
                         lambda case, now: (case.request_consult(command, self._policy, now),
                                            lambda: case.work_orders[-1].work_order_id))

    def customer_reply(self, case_id: str, reply: str, replied_at: datetime | None) -> str:
        command = inputs.RecordCustomerReply(event_id_for(case_id, "reply", reply), reply, replied_at)
        return self._run(case_id, command.command_id,
                         lambda case, now: (case.record_customer_reply(command, now), lambda: case.status))

    def _run(self, case_id: str, command_id: str, action) -> Any:
        def command(now: datetime):
            case = self._store.load([case_id]).get(case_id)
            if case is None:
                raise NotFound(f"no case {case_id}")
            try:
                events, result = action(case, now)
            except DispatchError as refusal:
                self._forget()  # a refusal may come after the rules changed the held case
                raise BadRequest(str(refusal)) from None
            produced = [outgoing(CASES_DISPATCH, wrap(message, event_id=event_id_for(command_id, tag),
                                                      case_id=case_id, producer="dispatch", occurred_at=now,
                                                      causation_id=command_id))
                        for message, tag in to_messages(case, events)]
            unit = UnitOfWork(self._database)
            try:
                self._store.save(unit, case)
                stage(unit, produced, now)
                unit.commit()
            except BaseException:
                self._forget()  # the held case went ahead of the stored one
                raise
            self._store.committed()
            return result(), produced

        return self._gateway.run(command)
