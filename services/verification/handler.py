"""Kafka adapter of the verification service: closed-loop checks and the audit chain."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from complaints.v1 import case_events_pb2, common_pb2, envelope_pb2, inbound_pb2
from complaint_platform.envelope import from_timestamp, to_timestamp
from complaint_platform.handling import Incoming
from complaint_platform.inbox import InboxHandler, RejectEvent
from complaint_platform.mongo import UnitOfWork
from complaint_platform.topics import CASES_VERIFICATION

from . import store
from .domain import record as rules
from .domain.policy import VerificationPolicy
from .domain.record import VerificationError, VerificationRecord, fault_signature

CAPA_KIND = {inbound_pb2.CAPA_KIND_CORRECTIVE_ACTION: "corrective", inbound_pb2.CAPA_KIND_PREVENTIVE_ACTION: "preventive"}


def fault(value: int) -> str:
    return common_pb2.CompanyFault.Name(value).removeprefix("COMPANY_FAULT_") if value else "UNCLEAR"


def to_messages(case_id: str, record: VerificationRecord, events, now: datetime, policy) -> list[tuple[object, str]]:
    messages: list[tuple[object, str]] = []
    for event in events:
        if isinstance(event, rules.VerificationOpened):
            messages.append((case_events_pb2.VerificationOpened(case_id=case_id,
                                                                customer_closed_at=to_timestamp(record.customer_closed_at),
                                                                blockers=list(event.blockers)), f"opened{record.loop}"))
        elif isinstance(event, rules.ResponsibilityDetermined):
            messages.append((case_events_pb2.ResponsibilityDetermined(
                case_id=case_id, responsible_unit=event.unit, root_cause_class=event.root_cause_class,
                company_at_fault=common_pb2.CompanyFault.Value(f"COMPANY_FAULT_{event.company_at_fault}")),
                f"responsibility:{event.unit}:{event.root_cause_class}"))
        elif isinstance(event, rules.CorrectiveActionDue):
            messages.append((case_events_pb2.CorrectiveActionDue(case_id=case_id, action_id=event.action_id,
                                                                 owner=event.owner, due_at=to_timestamp(event.due_at)),
                             f"due:{event.action_id}"))
        elif isinstance(event, rules.ActionVerified):
            messages.append((case_events_pb2.ActionVerified(case_id=case_id, action_id=event.action_id),
                             f"verified:{event.action_id}"))
        elif isinstance(event, rules.RecurrenceDetected):
            messages.append((case_events_pb2.RecurrenceDetected(case_id=case_id, new_case_id=event.new_case_id,
                                                                matched_by=event.matched_by),
                             f"recurrence:{event.new_case_id}"))
        elif isinstance(event, rules.CaseReopened):
            messages.append((case_events_pb2.CaseReopened(case_id=case_id, reason=event.reason), f"reopened{record.loop}"))
        elif isinstance(event, rules.CaseClosed):
            messages.append((case_events_pb2.CaseClosed(case_id=case_id,
                                                        customer_closed_at=to_timestamp(event.customer_closed_at),
                                                        management_closed_at=to_timestamp(event.management_closed_at)),
                             "closed"))
    return messages


def audit_payload(event) -> tuple[str, dict]:
    name = type(event).__name__
    fields = {key: value for key, value in vars(event).items()}
    return name, fields


class VerificationHandler(InboxHandler):
    producer = "verification"
    output_topic = CASES_VERIFICATION

    def __init__(self, database: Any, policy: VerificationPolicy) -> None:
        super().__init__(database)
        self.policy = policy

    def load(self, batch: list[Incoming]) -> None:
        case_ids = sorted({item.envelope.case_id for item in batch if item.envelope.case_id})
        self.records = store.load_records(self.database, {"_id": {"$in": case_ids}})
        self.facts = {doc["_id"]: doc for doc in self.database[store.FACTS].find({"_id": {"$in": case_ids}})}
        self.new_facts: list[dict] = []
        self.changed: set[str] = set()
        self.audit = store.AuditTrail(self.database)

    def apply(self, incoming: Incoming, now: datetime) -> list[envelope_pb2.Envelope]:
        kind = incoming.envelope.WhichOneof("payload")
        payload = getattr(incoming.envelope, kind)
        produced: list[tuple[str, object, str]] = []  # (case id, message, tag)
        try:
            if kind == "case_registered":
                produced = self._registered(payload, now)
            elif kind == "case_resolved":
                produced = self._resolved(payload, now)
            elif kind == "capa_report":
                produced = self._capa(payload, now)
            elif kind == "callback_result":
                produced = self._callback(payload, now)
        except VerificationError as refusal:
            raise RejectEvent(str(refusal)) from None
        return [self.emit(incoming, message, case_id, now, discriminator=tag) for case_id, message, tag in produced]

    # --- inputs -------------------------------------------------------------------------------
    def _registered(self, event, now: datetime):
        facts = {"_id": event.case_id, "customer_id": event.customer.id, "category": event.category,
                 "region": event.customer.region, "attributes": dict(event.attributes),
                 "registered_at": from_timestamp(event.received_at) or now}
        self.facts[event.case_id] = facts
        self.new_facts.append(facts)
        signature = fault_signature(facts["region"], facts["category"], facts["attributes"], self.policy)
        watched = [{"customer_id": facts["customer_id"], "category": facts["category"]}]
        if signature:
            watched.append({"signature": signature})
        candidates = store.load_records(self.database, {"status": "PENDING", "$or": watched})
        candidates.update({case_id: r for case_id, r in self.records.items() if r.status == "PENDING"})
        produced = []
        for case_id, record in sorted(candidates.items()):
            self.records.setdefault(case_id, record)
            events = self.records[case_id].check_recurrence(
                event.case_id, facts["customer_id"], facts["category"], facts["region"], facts["attributes"],
                facts["registered_at"], self.policy)
            produced += self._changed(self.records[case_id], events, now)
        return produced

    def _resolved(self, event, now: datetime):
        record = self.records.get(event.case_id)
        closed_at = from_timestamp(event.replied_at) or now
        if record is None:
            record = VerificationRecord.open(event.case_id, event.customer_id, event.category, event.region,
                                             dict(event.attributes), event.department, closed_at, now)
            self.records[event.case_id] = record
        elif not record.resolved_again(closed_at):
            return []
        opened = rules.VerificationOpened(tuple(record.closure_blockers(now, self.policy)))
        return self._changed(record, [opened], now)

    def _capa(self, report, now: datetime):
        if not report.case_id and report.root_cause_class and report.kind in CAPA_KIND:
            # a class-level fix: one action covers every open record of the root-cause class
            targets = store.load_records(self.database, {"status": "PENDING", "root_cause_class": report.root_cause_class})
            for case_id, record in targets.items():
                self.records.setdefault(case_id, record)
            return [item for case_id in sorted(targets) for item in self._capa_one(self.records[case_id], report, now, True)]
        record = self.records.get(report.case_id)
        if record is None:
            raise RejectEvent(f"case_id: no verification record for case {report.case_id!r} (not resolved yet?)")
        return self._capa_one(record, report, now, False)

    def _capa_one(self, record: VerificationRecord, report, now: datetime, class_level: bool):
        action = report.action
        if report.kind == inbound_pb2.CAPA_KIND_RESPONSIBILITY:
            if not report.root_cause_class or not report.responsible_unit:
                raise RejectEvent("root_cause_class: a responsibility finding needs the unit and the root-cause class")
            events = [record.determine_responsibility(report.responsible_unit, report.root_cause_class,
                                                      fault(report.company_at_fault))]
        elif report.kind in CAPA_KIND:
            if not action.action_id:
                raise RejectEvent("action.action_id: is required")
            events = record.plan_action(action.action_id, CAPA_KIND[report.kind], action.description, action.owner,
                                        from_timestamp(action.due_at), class_level)
        elif report.kind == inbound_pb2.CAPA_KIND_ACTION_COMPLETED:
            record.complete_action(action.action_id, action.evidence, now)
            events = []
        else:
            events = record.verify_action(action.action_id, now)
        self.audit.add(record.case_id, "capa", {"kind": inbound_pb2.CapaKind.Name(report.kind),
                                                "report_id": report.report_id, "by": report.reported_by,
                                                "action_id": action.action_id, "evidence": action.evidence}, now)
        return self._changed(record, events, now)

    def _callback(self, result, now: datetime):
        record = self.records.get(result.case_id)
        if record is None:
            raise RejectEvent(f"case_id: no verification record for case {result.case_id!r}")
        outcome = inbound_pb2.CallbackOutcome.Name(result.outcome).removeprefix("CALLBACK_OUTCOME_")
        self.audit.add(record.case_id, "callback", {"outcome": outcome, "reason": result.reason,
                                                    "callback_id": result.callback_id}, now)
        return self._changed(record, record.on_callback(outcome, result.reason, now, self.policy), now)

    def _changed(self, record: VerificationRecord, events: list, now: datetime):
        events = list(events) + record.try_close(now, self.policy)
        self.changed.add(record.case_id)
        for event in events:
            self.audit.add(record.case_id, *audit_payload(event), now)
        return [(record.case_id, message, tag) for message, tag in to_messages(record.case_id, record, events, now,
                                                                               self.policy)]

    def save(self, unit: UnitOfWork) -> None:
        for facts in self.new_facts:
            unit.upsert(store.FACTS, facts)
        for case_id in sorted(self.changed):
            unit.upsert(store.RECORDS, store.record_document(self.records[case_id], self.policy, self._now))
        self.audit.save(unit)

    def handle_batch(self, batch, now):
        self._now = now
        return super().handle_batch(batch, now)
