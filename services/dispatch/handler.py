"""Kafka adapter of the dispatch service: events in, the rules applied to the cases it holds, events out
(conversions in ``wire``, persistence in ``store``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from complaints.v1 import case_events_pb2, envelope_pb2
from complaint_platform.envelope import event_names, from_timestamp
from complaint_platform.handling import Incoming
from complaint_platform.inbox import InboxHandler, RejectEvent, registered_cases
from complaint_platform.mongo import UnitOfWork
from complaint_platform.streaming import outgoing
from complaint_platform.topics import CASES_DISPATCH, CUSTOMER_NOTIFICATIONS

from .domain import case as rules
from .domain import events as ev
from .domain import inputs
from .domain.errors import DispatchError
from .domain.notifications import tell_customer
from .domain.policy import DispatchPolicy
from .store import CaseStore, hold, link_submission
from .wire import channel_name, deadline_kind, feedback_input, notifications, registered_input, to_messages

WORK_ORDER_DEADLINES = {case_events_pb2.DEADLINE_KIND_WORK_ORDER_REPLY, case_events_pb2.DEADLINE_KIND_CONSULT_REPLY}
REPLY_CLOCKS = {case_events_pb2.DEADLINE_KIND_CASE_REPLY, case_events_pb2.DEADLINE_KIND_PROMISED_REPLY}
STAGES = {"deadline_set": inputs.SET, "deadline_resumed": inputs.RESUMED, "deadline_warned": inputs.WARNED}


def rejection(events: list) -> str:
    """The first refusal among the rule events, if any (the feedback is dead-lettered)."""
    return next((event.reason for event in events if isinstance(event, ev.FeedbackRejected)), "")


class DispatchHandler(InboxHandler):
    producer = "dispatch"
    output_topic = CASES_DISPATCH
    acts_on = event_names("case_registered", "submission_linked", "deadline_set", "deadline_resumed",
                          "deadline_warned", "verification_opened", "case_reopened", "case_closed")

    def __init__(self, database: Any, policy: DispatchPolicy) -> None:
        super().__init__(database)
        self.policy = policy
        self.store = CaseStore(database, self.applied)

    def load(self, batch: list[Incoming]) -> None:
        self.cases = self.store.load(sorted({item.envelope.case_id for item in batch if item.envelope.case_id}),
                                     registered_cases(batch))
        self.changed: set[str] = set()
        self.holding: list[tuple] = []  # notifications held through the quiet hours: (item, until, decided)
        self.submissions: list[tuple] = []  # (submission, case, at) for the customer's status request

    def apply(self, incoming: Incoming, now: datetime) -> list[envelope_pb2.Envelope]:
        kind = incoming.envelope.WhichOneof("payload")
        payload = getattr(incoming.envelope, kind)
        event_id = incoming.event_id
        case = self.cases.get(incoming.envelope.case_id)
        try:
            if kind == "case_registered":
                if case is not None:
                    return []
                case, events = rules.DispatchCase.register(registered_input(event_id, payload), self.policy, now)
                self.cases[case.case_id] = case
                self.store.add(case)
                self.submissions.append((payload.submission_id, case.case_id, now))
                return self._emit(incoming, case, events, now)
            if kind == "work_order_feedback":
                if case is None:
                    raise RejectEvent(f"case_id: unknown case {payload.case_id!r}")
                events = case.on_feedback(feedback_input(event_id, payload), now)
                if rejection(events):
                    raise RejectEvent(rejection(events))
                return self._emit(incoming, case, events, now)
            if case is None:
                return []  # an event about a case dispatch never received (nothing to act on)
            if kind == "submission_linked":
                if event_id not in case.applied_event_ids:
                    self.submissions.append((payload.submission_id, case.case_id, now))
                events = case.on_submission_linked(inputs.SubmissionLinked(
                    event_id, payload.submission_id, channel_name(payload.channel),
                    contact_count=payload.contact_count), now)
            elif kind in ("deadline_set", "deadline_resumed") and payload.kind in WORK_ORDER_DEADLINES:
                # a resumed clock (the customer came back) has a new due time, like a new clock
                if not any(o.work_order_id == payload.subject_id for o in case.work_orders):
                    return []
                events = case.record_deadline(inputs.DeadlineSet(
                    event_id, payload.subject_id, from_timestamp(payload.due_at),
                    from_timestamp(incoming.envelope.occurred_at) or now), now)
            elif kind in STAGES and payload.kind in REPLY_CLOCKS:
                events = case.on_reply_due(inputs.ReplyDue(
                    event_id, deadline_kind(payload.kind), STAGES[kind], from_timestamp(payload.due_at)), now)
            elif kind == "verification_opened":
                events = case.on_verification_opened(inputs.VerificationOpened(event_id, tuple(payload.blockers)), now)
            elif kind == "case_reopened":
                events = case.on_reopen(inputs.CaseReopened(event_id, payload.reason), now)
            elif kind == "case_closed":
                events = case.on_case_closed(inputs.CaseClosed(event_id), now)
            else:
                return []
        except DispatchError as refusal:
            raise RejectEvent(str(refusal)) from None
        return self._emit(incoming, case, events, now)

    def _emit(self, incoming: Incoming, case: rules.DispatchCase, events, now: datetime):
        events = events + tell_customer(case, events, self.policy.notifications, now)
        self.changed.add(case.case_id)
        out = [self.emit(incoming, message, case.case_id, now, discriminator=tag)
               for message, tag in to_messages(case, events)]
        for message, tag, held_until in notifications(events):
            envelope = self.emit(incoming, message, case.case_id, now, discriminator=tag)
            if held_until is None:
                out.append(envelope)
            else:
                self.holding.append((outgoing(CUSTOMER_NOTIFICATIONS, envelope), held_until, now))
        return out

    def topic_of(self, event: envelope_pb2.Envelope) -> str:
        return CUSTOMER_NOTIFICATIONS if event.WhichOneof("payload") == "customer_notification" else CASES_DISPATCH

    def save(self, unit: UnitOfWork) -> None:
        for case_id in sorted(self.changed | (self.applied.touched & set(self.cases))):
            self.store.save(unit, self.cases[case_id])
        for item, until, decided in self.holding:
            hold(unit, item, until, decided)
        for submission_id, case_id, at in self.submissions:
            link_submission(unit, submission_id, case_id, at)

    def committed(self) -> None:
        self.store.committed()

    def forget_state(self) -> None:
        self.store.forget()

    def held(self) -> int:
        return len(self.store)
