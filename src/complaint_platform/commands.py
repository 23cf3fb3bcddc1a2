"""One pipeline for operator commands and timers: load, rules, events with deterministic ids,
one unit of work, publish.

Every service's commands (a split in intake, a reassignment in dispatch, an urging in
escalation) and timers (a recurrence window closing in verification) run the same steps on the
handler's thread, so they never interleave with a batch:

1. the command's id comes from the request's content (never the clock), so a client that retries
   after a timeout gets the same id, and the same events;
2. the service loads what the command acts on and applies its rules;
3. each event's id is derived from the command's id, its case and a tag, so a command
   applied again produces the same events, which consumers take for repeats;
4. the state and the events (in the outbox) are stored in one transaction;
5. the events are published once the transaction is committed, and marked published in the
   outbox (the relay publishes what a crash left behind).

The service says what to do on success and failure: a service that holds cases in memory
forgets or re-reads those a command changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from google.protobuf.message import Message

from .envelope import event_id_for, wrap
from .grpc_errors import NotFound, require_id
from .handling import Outgoing
from .mongo import UnitOfWork, stage
from .streaming import outgoing


def command_identity(request_id: str, *content: str) -> tuple[str, ...]:
    """What names a command: the client's request id when it sends one (its retries carry the same,
    and two requests alike in content are two commands), otherwise the command's content."""
    return ("request", require_id(request_id, "request_id")) if request_id else content


def command_events(topic: str, producer: str, command_id: str, case_id: str,
                   messages: Iterable[tuple[Message, str]], now: datetime,
                   topic_of: Callable[[Message], str] | None = None) -> list[Outgoing]:
    """The events of one command on one case: ids from the command's id, the case's and each
    event's tag (a timer's command, e.g. "window", acts on many cases at once). ``topic_of``: the
    topic of a message the service writes elsewhere than ``topic`` (an outbound topic)."""
    return [outgoing(topic_of(message) if topic_of else topic,
                     wrap(message, event_id=event_id_for(command_id, case_id, tag), case_id=case_id,
                          producer=producer, occurred_at=now, causation_id=command_id))
            for message, tag in messages]


@dataclass
class Decision:
    """What a command decided: the answer for the caller, the events (message, tag) per case,
    what to write beside the outbox in the command's unit of work (given the events, for a
    service that keeps them too), and cases it touched beyond those it was asked about (a case
    a split created)."""

    result: Any
    events: dict[str, list[tuple[Message, str]]] = field(default_factory=dict)
    write: Callable[[UnitOfWork, list[Outgoing]], None] = lambda unit, produced: None
    touched: list[str] = field(default_factory=list)


class CommandPipeline:
    """Runs one service's commands: ``gateway`` runs them on the handler's thread and publishes
    what they staged; ``settled(case_ids, ok)`` is told, after the commit or its failure, which
    cases a command touched (a service holding cases drops or re-reads them)."""

    def __init__(self, database: Any, gateway, topic: str, producer: str,
                 settled: Callable[[list[str], bool], None] = lambda case_ids, ok: None,
                 topic_of: Callable[[Message], str] | None = None) -> None:
        self._database = database
        self._topic_of = topic_of
        self._gateway = gateway
        self._topic = topic
        self._producer = producer
        self._settled = settled

    def run(self, command_id: str, case_ids: list[str], decide: Callable[[datetime], Decision]) -> Any:
        """``decide(now)`` loads and applies the rules (raising a gRPC error to refuse)."""
        return self._gateway.run(lambda now: self.apply(command_id, case_ids, decide, now))

    def apply(self, command_id: str, case_ids: list[str], decide: Callable[[datetime], Decision],
              now: datetime) -> tuple[Any, list[Outgoing]]:
        """The steps after the gateway (also what a timer calls on its own tick)."""
        decision = None
        try:
            decision = decide(now)
            produced = [item for case_id, messages in decision.events.items()
                        for item in command_events(self._topic, self._producer, command_id, case_id, messages, now,
                                                   self._topic_of)]
            unit = UnitOfWork(self._database)
            decision.write(unit, produced)
            stage(unit, produced, now)
            unit.commit()
        except NotFound:
            raise  # nothing was loaded, so nothing held changed
        except BaseException:
            # the rules may have changed a held case before refusing, or the commit failed
            self._settled(case_ids + (decision.touched if decision else []), False)
            raise
        self._settled(case_ids + decision.touched, True)
        return decision.result, produced


__all__ = ["CommandPipeline", "Decision", "command_events"]
