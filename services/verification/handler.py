"""Kafka adapter of the verification service: closed-loop checks and the audit chain."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from complaints.v1 import envelope_pb2, inbound_pb2
from complaint_platform.audit_chain import AuditSigner
from complaint_platform.envelope import event_names, from_timestamp
from complaint_platform.handling import Incoming
from complaint_platform.inbox import AppliedEvents, InboxHandler, RejectEvent
from complaint_platform.mongo import UnitOfWork
from complaint_platform.topics import CASES_VERIFICATION

from . import store
from .wire import PLANNED_KIND, fault, to_messages
from .domain import classes, inputs
from .domain.errors import VerificationError
from .domain.policy import VerificationPolicy
from .domain.record import VerificationRecord
from .domain.recurrence import fault_signature

WATCHED_STATUSES = ["VERIFYING", "CLOSED"]  # records a new case of the same class may reopen
# who an event says acted: the audit entries it causes carry it with the system that reported it
PERSON_FIELD = {"capa_report": "reported_by", "callback_result": "agent_id", "case_resolved": "owner"}
# inbound topics' events come from other systems ("external"): named by what they report
REPORTING_SYSTEM = {"capa_report": "capa", "callback_result": "callback-centre"}


def actor_of(producer: str, kind: str, payload) -> str:
    person = getattr(payload, PERSON_FIELD[kind], "") if kind in PERSON_FIELD else ""
    system = REPORTING_SYSTEM.get(kind, kind) if producer in ("", "external") else producer
    return f"{system}:{person}" if person else system


class VerificationHandler(InboxHandler):
    producer = "verification"
    output_topic = CASES_VERIFICATION
    acts_on = event_names("case_registered", "case_resolved")

    def __init__(self, database: Any, policy: VerificationPolicy, signer: AuditSigner) -> None:
        super().__init__(database)
        self.policy = policy
        self.signer = signer

    def load(self, batch: list[Incoming]) -> None:
        # a new case has no record yet: only the cases of other events are read
        case_ids = sorted({item.envelope.case_id for item in batch if item.envelope.case_id
                           and item.envelope.WhichOneof("payload") != "case_registered"})
        self.records = self._records({"_id": {"$in": case_ids}}) if case_ids else {}
        self.stored = set(self.records)
        self._load_watched([item.envelope.case_registered for item in batch
                            if item.envelope.WhichOneof("payload") == "case_registered"])
        self.new_facts: list[dict] = []
        self.changed: set[str] = set()
        self.audit = store.AuditTrail(self.database, self.signer)

    def _load_watched(self, registered: list) -> None:
        """For the batch's new cases: the records of the same class they may reopen, and which of
        them verification observed already (a copy of CaseRegistered re-published after a crash).
        Two indexed queries per batch (the embedded database answers "$or" with a full scan)."""
        self.observed = {doc["_id"] for doc in self.database[store.FACTS].find(
            {"_id": {"$in": sorted({event.case_id for event in registered})}}, {"_id": 1})} if registered else set()
        self.watched: dict[str, VerificationRecord] = {}
        customers = sorted({event.customer.id for event in registered})
        signatures = sorted({self._signature(self._observed("", event, None)) for event in registered} - {""})
        for field, values in (("customer_id", customers), ("signature", signatures)):
            if values:
                self.watched.update(self._records({"status": {"$in": WATCHED_STATUSES}, field: {"$in": values}}))

    def _records(self, query: dict) -> dict[str, VerificationRecord]:
        found = {}
        for doc in self.database[store.RECORDS].find(query, {"state": 1, AppliedEvents.FIELD: 1}):
            found[doc["_id"]] = VerificationRecord.from_dict(doc["state"])
            self.applied.remember(doc["_id"], doc)
        return found

    def handle_batch(self, batch, now, positions=None, maybe_stored=False):
        self._now = now
        return super().handle_batch(batch, now, positions, maybe_stored)

    def apply(self, incoming: Incoming, now: datetime) -> list[envelope_pb2.Envelope]:
        kind = incoming.envelope.WhichOneof("payload")
        payload = getattr(incoming.envelope, kind)
        self._actor = actor_of(incoming.envelope.producer, kind, payload)
        try:
            if kind == "case_registered":
                produced = self._registered(incoming.event_id, payload, now)
            elif kind == "case_resolved":
                produced = self._resolved(incoming.event_id, payload, now)
            elif kind == "capa_report":
                produced = self._capa(incoming.event_id, payload, now)
            elif kind == "callback_result":
                produced = self._callback(incoming.event_id, payload, now)
            else:
                return []
        except VerificationError as refusal:
            raise RejectEvent(str(refusal)) from None
        return [self.emit(incoming, message, case_id, now, discriminator=tag) for case_id, message, tag in produced]

    # --- inputs -------------------------------------------------------------------------------
    @staticmethod
    def _observed(event_id: str, event, now: datetime | None) -> inputs.NewCaseObserved:
        return inputs.NewCaseObserved(event_id, event.case_id, event.customer.id, event.category,
                                      event.customer.region, from_timestamp(event.received_at) or now,
                                      dict(event.attributes))

    def _registered(self, event_id: str, event, now: datetime):
        if event.case_id in self.observed:
            return []  # a copy: its facts are stored and its class was watched
        self.observed.add(event.case_id)
        observed = self._observed(event_id, event, now)
        self.new_facts.append({"_id": event.case_id, "customer_id": observed.customer_id, "category": observed.category,
                               "region": observed.region, "attributes": dict(observed.attributes),
                               "registered_at": observed.registered_at, "signature": self._signature(observed)})
        signature = self._signature(observed)
        candidates = {case_id: record for case_id, record in self.watched.items()
                      if (record.customer_id == observed.customer_id and record.category == observed.category)
                      or (signature and record.signature == signature)}
        produced = []
        for case_id in sorted(candidates):
            record = self.records.setdefault(case_id, candidates[case_id])
            self.stored.add(case_id)
            produced += self._changed(record, record.on_new_case_observed(observed, now))
        return produced

    def _resolved(self, event_id: str, event, now: datetime):
        record = self.records.setdefault(event.case_id, VerificationRecord(event.case_id))
        resolved = inputs.CaseResolved(event_id, event.case_id, event.customer_id, event.category, event.region,
                                       event.owner, from_timestamp(event.replied_at) or now, event.department,
                                       dict(event.attributes))
        # cases registered after the closure but seen before it (topics are not ordered with each other)
        same_class = [{"customer_id": event.customer_id, "category": event.category}]
        signature = self._signature(inputs.NewCaseObserved("", event.case_id, event.customer_id, event.category,
                                                           event.region, resolved.customer_closed_at,
                                                           dict(event.attributes)))
        if signature:
            same_class.append({"signature": signature})
        found = {doc["_id"]: doc for same in same_class for doc in self.database[store.FACTS].find(
            {**same, "registered_at": {"$gte": resolved.customer_closed_at}}) if doc["_id"] != event.case_id}
        later = [inputs.NewCaseObserved(f"fact:{doc['_id']}", doc["_id"], doc["customer_id"], doc["category"],
                                        doc["region"], doc["registered_at"], doc.get("attributes", {}))
                 for _, doc in sorted(found.items())]
        return self._changed(record, record.on_case_resolved(resolved, self.policy, now, later))

    def _capa(self, event_id: str, report, now: datetime):
        action = report.action
        if report.kind == inbound_pb2.CAPA_KIND_ACTION_COMPLETED:
            change = inputs.ActionEvidence(event_id, report.case_id, action.action_id, action.evidence,
                                           report.reported_by, from_timestamp(report.reported_at) or now)
            return self._for_case_or_class(report, lambda r: r.on_action_evidence(change, now),
                                           lambda rs: classes.apply_class_evidence(rs, report.root_cause_class, change, now))
        if report.kind == inbound_pb2.CAPA_KIND_ACTION_VERIFIED:
            verdict = inputs.ActionVerdict(event_id, report.case_id, action.action_id, True, report.reported_by)
            return self._for_case_or_class(report, lambda r: r.verify_action(verdict, now),
                                           lambda rs: classes.apply_class_verdict(rs, report.root_cause_class, verdict, now))
        finding = None
        actions: tuple = ()
        if report.kind == inbound_pb2.CAPA_KIND_RESPONSIBILITY:
            finding = inputs.ResponsibilityFinding(report.responsible_unit, report.root_cause_class,
                                                   fault(report.company_at_fault))
        else:
            actions = (inputs.PlannedAction(action.action_id, PLANNED_KIND[report.kind], action.owner,
                                            from_timestamp(action.due_at), action.description),)
        capa = inputs.CapaReport(event_id, report.case_id, finding, actions,
                                 "" if report.case_id else report.root_cause_class, report.reported_by,
                                 from_timestamp(report.reported_at) or now)
        return self._for_case_or_class(report, lambda r: r.on_capa_report(capa, now),
                                       lambda rs: classes.apply_class_actions(rs, capa, now))

    def _for_case_or_class(self, report, one, whole_class):
        if report.case_id:
            record = self.records.get(report.case_id)
            if record is None:
                raise RejectEvent(f"case_id: no verification record for case {report.case_id!r} (not resolved yet?)")
            return self._changed(record, one(record))
        if not report.root_cause_class:
            raise RejectEvent("case_id: give a case_id, or a root_cause_class for a class-level action")
        members = self._records({"root_cause_class": report.root_cause_class, "status": {"$ne": "CLOSED"}})
        for case_id, record in members.items():
            self.records.setdefault(case_id, record)
            self.stored.add(case_id)
        outcome = whole_class([self.records[case_id] for case_id in members])
        return [item for case_id in sorted(outcome) for item in self._changed(self.records[case_id], outcome[case_id])]

    def _callback(self, event_id: str, result, now: datetime):
        record = self.records.get(result.case_id)
        if record is None:
            raise RejectEvent(f"case_id: no verification record for case {result.case_id!r}")
        outcome = inbound_pb2.CallbackOutcome.Name(result.outcome).removeprefix("CALLBACK_OUTCOME_")
        callback = inputs.CallbackResult(event_id, result.case_id, outcome, from_timestamp(result.called_at) or now,
                                         result.reason, result.agent_id)
        return self._changed(record, record.on_callback(callback, now))

    def _changed(self, record: VerificationRecord, events: list):
        self.changed.add(record.case_id)
        self.audit.add(record, events, self._now, self._actor)
        return [(record.case_id, message, tag) for message, tag in to_messages(events)]

    def _signature(self, observed: inputs.NewCaseObserved) -> str:
        names = self.policy.rules_for(observed.category).fault_signature_attributes
        return fault_signature(observed.region, observed.category, dict(observed.attributes), names)

    def save(self, unit: UnitOfWork) -> None:
        for facts in self.new_facts:
            unit.insert(store.FACTS, facts)
        for case_id in sorted(self.changed | (self.applied.touched & set(self.records))):
            unit.save(store.RECORDS, {**store.record_document(self.records[case_id], self._now),
                                      "applied_events": self.applied.of(case_id)},
                      new=case_id not in self.stored)
        self.audit.save(unit)
