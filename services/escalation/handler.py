"""Kafka adapter of the escalation service: case events start and stop clocks."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from complaints.v1 import case_events_pb2, common_pb2, envelope_pb2, inbound_pb2
from complaint_platform.envelope import from_timestamp
from complaint_platform.handling import Incoming
from complaint_platform.inbox import InboxHandler, registered_cases
from complaint_platform.mongo import UnitOfWork
from complaint_platform.topics import CASES_SUPERVISION

from . import outcomes, store, wire
from .domain.deadlines import PAUSED, Deadline, DeadlineStoppedError, deadline_id_for
from .domain.policy import EscalationPolicy
from .domain.supervision import SupervisedCase

CASE_CLOCKS = ("CASE_REPLY", "PROMISED_REPLY")
# a work order's clocks that stop counting while its department waits on the customer
WAITING_CLOCKS = frozenset({"WORK_ORDER_REPLY", "CONSULT_REPLY"})


@dataclass
class HeldCase:
    """A supervised case as this replica holds it between batches, with its clocks (each with
    the version stored; None: not stored yet)."""

    case: SupervisedCase
    version: int | None = None  # of its state document
    stored: bool = False        # its state document is stored
    row: dict | None = None     # its row in ``cases`` as stored (None: not stored)
    deadlines: dict[str, tuple[Deadline, int | None]] = field(default_factory=dict)


class EscalationHandler(InboxHandler):
    """Holds its cases and their clocks in memory between batches (see dispatch's ``CaseStore``
    for the rules: reads only for cases it does not hold, compare-and-set writes, dropped on
    revocation, failure or lost writes). The firing timer and operator commands change cases
    outside a batch: they ``release`` them, and the next event reads them again."""

    producer = "escalation"
    output_topic = CASES_SUPERVISION
    LIMIT = 100_000  # open cases held at most

    def __init__(self, database: Any, policy: EscalationPolicy,
                 on_stored: Callable[[Deadline, int], None] | None = None) -> None:
        super().__init__(database)
        self.policy = policy
        self._on_stored = on_stored  # the firing timetable follows every stored clock
        self._held: OrderedDict[str, HeldCase] = OrderedDict()
        self._trusted = False

    def forget_state(self) -> None:
        self._held.clear()
        self._trusted = False

    def held(self) -> int:
        return len(self._held)

    def release(self, case_ids) -> None:
        """These cases were changed outside a batch (a firing, a command): read them again."""
        for case_id in case_ids:
            self._held.pop(case_id, None)
            self.applied.drop(case_id)

    def _hold(self, case_ids: list[str], registering: set[str]) -> None:
        """Cases (and their clocks) this replica does not hold yet, read in one query each; for a
        case it registers now, none (it was never stored: if it was, its insert fails and the
        batch is read again) but the events that overtook its registration."""
        unknown = [case_id for case_id in case_ids if case_id not in self._held]
        wanted = [case_id for case_id in unknown if not (self._trusted and case_id in registering)]
        if wanted:
            versions: dict[str, int | None] = {}
            clocks: dict[str, tuple[Deadline, int, int]] = {}
            found = store.load_cases(self.database, wanted, self.applied, versions, clocks)
            for case_id, case in found.items():
                # a case without a state document of its own (stored before) has it written now
                self._held[case_id] = HeldCase(case, versions.get(case_id), case_id in versions,
                                               store.case_document(case))
            for deadline_id, (deadline, version, _) in clocks.items():
                self._held[deadline.case_id].deadlines[deadline_id] = (deadline, version)
        self.parked = store.load_parked(self.database, unknown) if unknown else {}
        for case_id in case_ids:
            if case_id in self._held:
                self._held.move_to_end(case_id)

    def load(self, batch: list[Incoming]) -> None:
        case_ids = sorted({item.envelope.case_id for item in batch if item.envelope.case_id})
        self._hold(case_ids, registered_cases(batch))
        self.cases = {case_id: self._held[case_id].case for case_id in case_ids if case_id in self._held}
        self.stored_cases = set(self.cases)
        # the batch's clocks, a handful per case
        self.deadlines = {deadline_id: clock for case_id in self.cases
                          for deadline_id, clock in self._held[case_id].deadlines.items()}
        self.new_deadlines: dict[str, Deadline] = {}
        self.changed_cases: set[str] = set()
        self.changed_deadlines: set[str] = set()
        self.seen: list[envelope_pb2.Envelope] = []
        self.early_stopped: list[tuple[object, str]] = []
        self.yellow: list[dict] = []
        self.to_park: list[envelope_pb2.Envelope] = []
        self.unparked: list[str] = []

    def apply(self, incoming: Incoming, now: datetime) -> list[envelope_pb2.Envelope]:
        kind = incoming.envelope.WhichOneof("payload")
        payload = getattr(incoming.envelope, kind)
        case_id = incoming.envelope.case_id
        case = self.cases.get(case_id)
        if case is None and any(early.event_id == incoming.event_id for early in self.parked.get(case_id, ())):
            return []  # a copy of an event kept until its case arrives
        self.seen.append(incoming.envelope)
        if kind == "case_registered":
            if case is not None:
                return []
            case = self._open_case(payload, now)
        if case is None:
            # It overtook its case's registration (topics share no order): kept until it arrives.
            if case_id:
                self.to_park.append(incoming.envelope)
                self.parked.setdefault(case_id, []).append(incoming.envelope)
            return []
        envelopes = self._apply_to(case, incoming, kind, payload, now)
        if kind == "case_registered":
            for early in sorted(self.parked.pop(case_id, []), key=lambda e: (e.occurred_at.ToDatetime(), e.event_id)):
                self.unparked.append(early.event_id)
                self.applied.add(case_id, early.event_id)  # a later copy of it is a repeat
                self.seen.append(early)  # on the case's timeline from now on
                early_kind = early.WhichOneof("payload")
                envelopes += self._apply_to(case, Incoming(incoming.record, early), early_kind,
                                            getattr(early, early_kind), now)
        return envelopes

    def _apply_to(self, case: SupervisedCase, cause: Incoming, kind: str, payload, now: datetime
                  ) -> list[envelope_pb2.Envelope]:
        messages = self._react(kind, payload, case, now)
        messages += self.early_stopped
        self.early_stopped = []
        self.changed_cases.add(case.case_id)
        messages += outcomes.reassessed(case, self.policy, now)
        envelopes = [self.emit(cause, message, case.case_id, now, discriminator=tag) for message, tag in messages]
        self.seen.extend(envelopes)
        return envelopes

    def _open_case(self, registered, now: datetime) -> SupervisedCase:
        case = SupervisedCase(
            case_id=registered.case_id, category=registered.category, tier=registered.customer.tier or 3,
            channel=common_pb2.Channel.Name(registered.channel).removeprefix("CHANNEL_"),
            region=registered.customer.region, severity=registered.severity or 1,
            regulator_case=registered.regulator_case, owner=registered.first_contact,
            opened_at=from_timestamp(registered.received_at) or now)
        self.cases[case.case_id] = case
        self._held[case.case_id] = HeldCase(case)
        return case

    def _react(self, kind: str, event, case: SupervisedCase, now: datetime) -> list[tuple[object, str]]:
        if kind == "case_registered":
            started = [self._start(case, "CASE_REPLY", case.case_id, now, self._allowed("case_reply", case))]
            if event.HasField("promised_reply_at"):
                started.append(self._start(case, "PROMISED_REPLY", case.case_id, now,
                                           due_at=from_timestamp(event.promised_reply_at)))
            return started
        if kind == "submission_linked":
            case.contact_count = max(case.contact_count, event.contact_count)
            case.regulator_case |= event.channel == common_pb2.CHANNEL_REGULATOR
        elif kind == "owner_assigned":
            case.owner = event.owner
        elif kind == "work_order_dispatched":
            return self._work_order_clocks(case, event, now)
        elif kind == "work_order_accepted":
            return self._stop(case, {"WORK_ORDER_ACCEPT"}, event.work_order_id, True, now)
        elif kind == "work_order_replied":
            return self._stop(case, {"WORK_ORDER_ACCEPT", "WORK_ORDER_REPLY", "CONSULT_REPLY"}, event.work_order_id,
                              True, now)
        elif kind == "work_order_returned":
            return self._stop(case, {"WORK_ORDER_ACCEPT", "WORK_ORDER_REPLY"}, event.work_order_id, False, now)
        elif kind == "work_order_awaiting_customer":
            return self._pause(case, event.work_order_id, now)
        elif kind == "work_order_customer_responded":
            return self._resume(case, event.work_order_id, now)
        elif kind == "case_resolved":
            case.resolved_at = from_timestamp(event.replied_at) or now
            stopped = self._stop(case, set(CASE_CLOCKS), None, True, now)
            case.timely = not any(d.late for d, _ in self.deadlines.values()
                                  if d.case_id == case.case_id and d.kind == "CASE_REPLY" and d.state == "MET")
            return stopped + self._stop(case, {"WORK_ORDER_ACCEPT", "WORK_ORDER_REPLY", "CONSULT_REPLY"}, None, False, now)
        elif kind == "case_reopened":
            case.generation += 1
            case.resolved_at = None
            return [self._start(case, "CASE_REPLY", case.case_id, now, self._allowed("case_reply", case))]
        elif kind == "case_closed":
            case.closed = True
            return self._stop(case, None, None, False, now)
        elif kind == "service_rating" and event.result == inbound_pb2.RATING_RESULT_SATISFIED:
            case.satisfied_ratings += 1
        elif kind == "service_rating" and event.result == inbound_pb2.RATING_RESULT_DISSATISFIED:
            case.dissatisfied_ratings += 1
            rated_at = from_timestamp(event.rated_at) or now
            return [self._start(case, "EXPLANATION", event.rating_id, rated_at,
                                due_at=rated_at + self.policy.explanation_window, department=event.agent_id)]
        elif kind == "agent_explanation":
            return self._stop(case, {"EXPLANATION"}, event.rating_id, True, now)
        elif kind == "corrective_action_due":
            return [self._start(case, "CORRECTIVE_ACTION", event.action_id, now, due_at=from_timestamp(event.due_at),
                                department=event.owner)]
        elif kind == "action_verified":
            return self._stop(case, {"CORRECTIVE_ACTION"}, event.action_id, True, now)
        return []

    def _work_order_clocks(self, case: SupervisedCase, order, now: datetime) -> list[tuple[object, str]]:
        case.department = order.department
        if order.kind == case_events_pb2.WORK_ORDER_KIND_CONSULT:
            promised = from_timestamp(order.promised_reply_at)
            return [self._start(case, "CONSULT_REPLY", order.work_order_id, now,
                                None if promised else self._allowed("work_order_reply", case), due_at=promised,
                                department=order.department)]
        return [self._start(case, kind, order.work_order_id, now, self._allowed(policy_name, case),
                            department=order.department)
                for kind, policy_name in (("WORK_ORDER_ACCEPT", "work_order_accept"),
                                          ("WORK_ORDER_REPLY", "work_order_reply"))]

    def _allowed(self, name: str, case: SupervisedCase) -> timedelta:
        return self.policy.allowed(name, case.category, case.tier, case.channel)

    def _start(self, case: SupervisedCase, kind: str, subject: str, now: datetime, allowed: timedelta | None = None,
               due_at: datetime | None = None, department: str = "") -> tuple[object, str]:
        deadline = Deadline.start(case.case_id, kind, subject, now, self.policy.calendar_for(department or case.department),
                                  self.policy, allowed=allowed, due_at=due_at, department=department or case.department,
                                  region=case.region, generation=case.generation)
        if deadline.deadline_id not in self.deadlines:
            self.new_deadlines[deadline.deadline_id] = deadline
            self.deadlines[deadline.deadline_id] = (deadline, None)
            early = case.early_stops.pop(deadline.deadline_id, None)
            if early is not None and deadline.stop(early["met"], early["at"]):
                # its stop overtook it (ratings and explanations share no order)
                self.early_stopped.append((wire.deadline_stopped(deadline), f"{deadline.deadline_id}:stopped"))
        return wire.deadline_set(self.deadlines[deadline.deadline_id][0]), deadline.deadline_id

    def _stop(self, case: SupervisedCase, kinds: set[str] | None, subject: str | None, met: bool,
              now: datetime) -> list[tuple[object, str]]:
        if subject is not None and kinds is not None:
            for kind in sorted(kinds):  # remember a stop that arrives before its start
                key = deadline_id_for(case.case_id, kind, subject, case.generation)
                if key not in self.deadlines and kind in ("EXPLANATION", "CORRECTIVE_ACTION"):
                    case.early_stops.setdefault(key, {"met": met, "at": now})
        stopped = []
        for deadline_id, (deadline, _) in sorted(self.deadlines.items()):
            if deadline.case_id != case.case_id or (kinds is not None and deadline.kind not in kinds):
                continue
            if subject is not None and deadline.subject_id != subject:
                continue
            if deadline.state == PAUSED:  # done while the customer was awaited: the pause counts, not as late
                deadline.resume(now, self.policy.calendar_for(deadline.department))
            if deadline.stop(met, now):
                case.clear_overdue(deadline_id)
                self.changed_deadlines.add(deadline_id)
                stopped.append((wire.deadline_stopped(deadline), f"{deadline_id}:stopped"))
        return stopped

    def _waiting_clocks(self, case: SupervisedCase, work_order_id: str) -> list[tuple[str, Deadline]]:
        return [(deadline_id, deadline) for deadline_id, (deadline, _) in sorted(self.deadlines.items())
                if deadline.case_id == case.case_id and deadline.kind in WAITING_CLOCKS
                and deadline.subject_id == work_order_id]

    def _pause(self, case: SupervisedCase, work_order_id: str, now: datetime) -> list[tuple[object, str]]:
        """Waiting on the customer stops the work order's reply clock. An overdue clock keeps running
        (the firing timer marks it), and a paused, stopped or breached one has nothing to pause."""
        paused = []
        for deadline_id, deadline in self._waiting_clocks(case, work_order_id):
            try:
                deadline.pause(now)
            except DeadlineStoppedError:
                continue
            self.changed_deadlines.add(deadline_id)
            paused.append((wire.deadline_paused(deadline), f"{deadline_id}:paused"))
        return paused

    def _resume(self, case: SupervisedCase, work_order_id: str, now: datetime) -> list[tuple[object, str]]:
        """The customer came back: the clock runs again, due later by the working time spent paused."""
        resumed = []
        for deadline_id, deadline in self._waiting_clocks(case, work_order_id):
            if deadline.state != PAUSED:
                continue  # never paused (it was overdue already) or stopped meanwhile
            deadline.resume(now, self.policy.calendar_for(deadline.department))
            self.changed_deadlines.add(deadline_id)
            resumed.append((wire.deadline_resumed(deadline), f"{deadline_id}:resumed"))
        return resumed

    def save(self, unit: UnitOfWork) -> None:
        timeline: dict[str, list[bytes]] = {}
        recorded = set()
        for envelope in self.seen:  # an event kept for a case not registered yet joins it when applied
            if envelope.case_id in self.cases and envelope.event_id not in recorded:
                recorded.add(envelope.event_id)
                timeline.setdefault(envelope.case_id, []).append(envelope.SerializeToString())
        clocks: dict[str, list[tuple[Deadline, int]]] = {}
        for deadline_id, (deadline, version) in sorted(self.deadlines.items()):
            clocks.setdefault(deadline.case_id, []).append((deadline, self._version_stored(deadline_id, version)))
        self.saved = sorted(self.changed_cases | (self.applied.touched & set(self.cases)) | set(timeline))
        self.rows = {}
        for case_id in self.saved:
            held = self._held[case_id]
            self.rows[case_id] = store.save_case(unit, self.cases[case_id], applied=self.applied.of(case_id),
                                                 version=held.version, stored_row=held.row,
                                                 state_stored=held.stored, clocks=clocks.get(case_id, []),
                                                 timeline=timeline.get(case_id, []))
        store.park(unit, [envelope for envelope in self.to_park if envelope.event_id not in self.unparked])
        store.unpark(unit, [event_id for event_id in self.unparked
                            if event_id not in {envelope.event_id for envelope in self.to_park}])

    def _version_stored(self, deadline_id: str, version: int | None) -> int:
        """A clock's version once this batch is stored: 0 when new, one more when it changed."""
        if deadline_id in self.new_deadlines:
            return 0
        return version + 1 if deadline_id in self.changed_deadlines else version

    def committed(self) -> None:
        for deadline_id, (deadline, version) in sorted(self.deadlines.items()):
            if deadline_id not in self.new_deadlines and deadline_id not in self.changed_deadlines:
                continue
            version = self._version_stored(deadline_id, version)
            held = self._held.get(deadline.case_id)
            if held is not None:
                held.deadlines[deadline_id] = (deadline, version)
            if self._on_stored is not None:
                self._on_stored(deadline, version)
        for case_id in self.saved:
            held = self._held[case_id]
            held.version = 0 if not held.stored else (held.version or 0) + 1
            held.stored, held.row = True, self.rows[case_id]
            if held.case.closed:
                self._held.pop(case_id, None)  # read again if an event still comes for it
        while len(self._held) > self.LIMIT:
            self._held.popitem(last=False)
        self._trusted = True
