"""Operator commands on cases (split a wrong merge), run on the handler's thread."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from complaints.v1 import case_events_pb2, common_pb2
from complaint_platform.envelope import event_id_for, to_timestamp, wrap
from complaint_platform.grpc_errors import BadRequest, NotFound
from complaint_platform.mongo import UnitOfWork, stage
from complaint_platform.streaming import outgoing
from complaint_platform.topics import CASES_INTAKE

from .documents import CaseRecord, SubmissionRecord
from .domain import cases as rules
from .domain.classify import classify
from .domain.policy import IntakePolicy
from .handler import case_document


class IntakeCommands:
    def __init__(self, database: Any, policy: IntakePolicy, gateway) -> None:
        self._database = database
        self._policy = policy
        self._gateway = gateway

    def split(self, case_id: str, submission_key: str, operator: str, reason: str) -> CaseRecord:
        new_case_id = self._gateway.run(lambda now: self._split(case_id, submission_key, operator, reason, now))
        return CaseRecord.objects(case_id=new_case_id).first()

    def _split(self, case_id: str, key: str, operator: str, reason: str, now: datetime):
        found = self._database["cases"].find_one({"_id": case_id}, {"state": 1})
        submission_doc = self._database["submissions"].find_one({"_id": key})
        if found is None:
            raise NotFound(f"no case {case_id}")
        if submission_doc is None or submission_doc["case_id"] != case_id:
            raise BadRequest(f"submission {key} is not part of case {case_id}")
        case = rules.CaseFile.from_dict(found["state"])
        submission = rules.Submission(
            submission_id=submission_doc["submission_id"], channel=submission_doc["channel"],
            customer_id=case.customer_id, phone="", tier=case.tier, region=case.region,
            summary=submission_doc.get("summary", ""), matching_text=submission_doc.get("summary_normalised", ""),
            received_at=submission_doc["received_at"], first_contact=submission_doc.get("first_contact", ""))
        try:
            new_case = rules.split(case, submission, classify("", submission.matching_text, self._policy.categories),
                                   operator, reason, self._policy, now)
        except rules.SplitRefused as refusal:
            raise BadRequest(str(refusal)) from None
        split_event = case_events_pb2.SubmissionSplit(case_id=case_id, new_case_id=new_case.case_id,
                                                      submission_id=submission.submission_id,
                                                      operator=operator, reason=reason)
        registered = case_events_pb2.CaseRegistered(
            case_id=new_case.case_id, submission_id=submission.submission_id,
            channel=common_pb2.Channel.Value(f"CHANNEL_{submission.channel}"),
            customer=common_pb2.Customer(id=case.customer_id, tier=case.tier, region=case.region),
            category=new_case.category, category_rule=new_case.category_rule, severity=new_case.severity,
            priority=new_case.priority, first_contact=submission.first_contact, summary=submission.summary,
            received_at=to_timestamp(submission.received_at))
        events = [wrap(message, event_id=event_id_for("split", key, message.DESCRIPTOR.full_name),
                       case_id=target, producer="intake", occurred_at=now)
                  for message, target in ((split_event, case_id), (registered, new_case.case_id))]
        produced = [outgoing(CASES_INTAKE, event) for event in events]
        unit = UnitOfWork(self._database)
        unit.upsert("cases", case_document(case))
        unit.upsert("cases", case_document(new_case))
        unit.update("submissions", {"_id": key}, {"$set": {"case_id": new_case.case_id}})
        stage(unit, produced, now)
        unit.commit()
        return new_case.case_id, produced
