"""Owner commands (reassign, consult, reply to the customer), run on the handler's thread."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from complaint_platform.commands import CommandPipeline, Decision, command_events, command_identity
from complaint_platform.envelope import event_id_for
from complaint_platform.grpc_errors import BadRequest, NotFound
from complaint_platform.handling import Outgoing
from complaint_platform.mongo import UnitOfWork, stage
from complaint_platform.topics import CASES_DISPATCH, CUSTOMER_NOTIFICATIONS

from .domain import inputs
from .domain.errors import DispatchError
from .domain.notifications import tell_customer
from .domain.policy import DispatchPolicy
from .store import CaseStore, due_notifications, hold, release
from .wire import notifications, to_messages


def topic_of(message) -> str:
    """Customer notifications go to the gateways' topic, the rest to dispatch's own."""
    return CUSTOMER_NOTIFICATIONS if message.DESCRIPTOR.name == "CustomerNotification" else CASES_DISPATCH


class DispatchCommands:
    """``store``: the handler's, so a command sees and changes the cases it holds; ``forget``:
    told when a command's unit failed after changing a held case."""

    def __init__(self, database: Any, policy: DispatchPolicy, gateway, store: CaseStore | None = None,
                 forget=None) -> None:
        self._store = store if store is not None else CaseStore(database)
        forget = forget or self._store.forget
        self._pipeline = CommandPipeline(
            database, gateway, CASES_DISPATCH, "dispatch",
            # stored: the held case is the stored one; failed: it may have gone ahead of it
            settled=lambda case_ids, ok: self._store.committed() if ok else forget(), topic_of=topic_of)
        self._policy = policy

    # Command ids come from the request's content, so a client's retry is applied once.
    def reassign(self, case_id: str, new_owner: str, reason: str, by: str, request_id: str = "") -> str:
        command = inputs.ReassignOwner(
            event_id_for(case_id, "reassign", *command_identity(request_id, new_owner, reason)), new_owner, reason, by)
        return self._run(case_id, command.command_id,
                         lambda case, now: (case.reassign(command, now), lambda: case.owner))

    def consult(self, case_id: str, question: str, promised_reply_at: datetime, by: str, request_id: str = "") -> str:
        command = inputs.RequestConsult(
            event_id_for(case_id, "consult", *command_identity(request_id, question, promised_reply_at.isoformat())),
            question, promised_reply_at, by)
        return self._run(case_id, command.command_id,
                         lambda case, now: (case.request_consult(command, self._policy, now),
                                            lambda: case.work_orders[-1].work_order_id))

    def customer_reply(self, case_id: str, reply: str, replied_at: datetime | None, by: str,
                       request_id: str = "") -> str:
        command = inputs.RecordCustomerReply(event_id_for(case_id, "reply", *command_identity(request_id, reply)),
                                             reply, replied_at, by)
        return self._run(case_id, command.command_id,
                         lambda case, now: (case.record_customer_reply(command, now), lambda: case.status))

    def _run(self, case_id: str, command_id: str, action) -> Any:
        def decide(now: datetime) -> Decision:
            case = self._store.load([case_id]).get(case_id)
            if case is None:
                raise NotFound(f"no case {case_id}")
            try:
                events, result = action(case, now)
            except DispatchError as refusal:
                raise BadRequest(str(refusal)) from None
            events = events + tell_customer(case, events, self._policy.notifications, now)
            told = notifications(events)
            held = [(item, until) for (message, tag, until) in told if until is not None
                    for item in command_events(CUSTOMER_NOTIFICATIONS, "dispatch", command_id, case_id,
                                               [(message, tag)], now)]

            def write(unit: UnitOfWork, produced: list[Outgoing]) -> None:
                self._store.save(unit, case)
                for item, until in held:
                    hold(unit, item, until, now)

            messages = to_messages(case, events) + [(message, tag) for message, tag, until in told if until is None]
            return Decision(result(), {case_id: messages}, write=write)

        return self._pipeline.run(command_id, [case_id], decide)


class QuietHoursRelease:
    """The timer that publishes notifications held through the quiet hours once they are over:
    each leaves the held collection and enters the outbox in one unit of work, under the id
    decided with its step, so a crash in between neither loses nor doubles it."""

    BATCH = 500

    def __init__(self, database: Any) -> None:
        self._database = database

    def release_held_notifications(self, now: datetime) -> list[Outgoing]:
        due = due_notifications(self._database, now, self.BATCH)
        if due:
            unit = UnitOfWork(self._database)
            release(unit, due)
            stage(unit, due, now)
            unit.commit()
        return due
