"""gRPC side of verification, for auditors: records, filtered pages, export, chain checks."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from complaints.v1 import common_pb2, verification_service_pb2 as pb, verification_service_pb2_grpc
from complaint_platform.envelope import from_timestamp, to_timestamp
from complaint_platform.grpc_errors import BadRequest, NotFound, require_id, rpc
from complaint_platform.paging import page_by_time, period

from complaint_platform.audit_chain import GENESIS, AuditEntry, TrustedKeys, canonical_bytes, verify_chain

from . import store
from .domain.classes import recurrence_rates
from .domain.errors import VerificationError
from .domain.record import VerificationRecord

RESULT = {"AWAITING_RESOLUTION": pb.VERIFICATION_RESULT_PENDING, "VERIFYING": pb.VERIFICATION_RESULT_PENDING,
          "CLOSED": pb.VERIFICATION_RESULT_CLOSED, "REOPENED": pb.VERIFICATION_RESULT_REOPENED}
STATUSES = {pb.VERIFICATION_RESULT_PENDING: ["AWAITING_RESOLUTION", "VERIFYING"],
            pb.VERIFICATION_RESULT_CLOSED: ["CLOSED"], pb.VERIFICATION_RESULT_REOPENED: ["REOPENED"]}


def record_view(doc: dict) -> pb.RecordView:
    record = VerificationRecord.from_dict(doc["state"])
    fault = record.finding.company_at_fault if record.finding else ""
    view = pb.RecordView(case_id=record.case_id, result=RESULT[record.status], responsible_unit=record.responsible_unit,
                         root_cause_class=record.root_cause_class, blockers=doc.get("blockers", []),
                         company_at_fault=common_pb2.CompanyFault.Value(f"COMPANY_FAULT_{fault}") if fault else 0,
                         json=json.dumps(record.to_dict(), ensure_ascii=False, default=str, sort_keys=True))
    if record.customer_closed_at:
        view.customer_closed_at.CopyFrom(to_timestamp(record.customer_closed_at))
    if record.management_closed_at:
        view.management_closed_at.CopyFrom(to_timestamp(record.management_closed_at))
    return view


def filter_query(criteria: pb.RecordFilter) -> dict:
    query: dict = {}
    if window := period(criteria, "opened"):
        query["opened_at"] = window
    if criteria.responsible_unit:
        query["responsible_unit"] = criteria.responsible_unit
    if criteria.root_cause_class:
        query["root_cause_class"] = criteria.root_cause_class
    if criteria.result:
        query["status"] = {"$in": STATUSES[criteria.result]}
    return query


class VerificationServicer(verification_service_pb2_grpc.VerificationServiceServicer):
    """Read-only: auditors may call every method here."""

    def __init__(self, database: Any, keys: TrustedKeys) -> None:
        self._database = database
        self._keys = keys  # the service's own public key and those it signed with before a rotation

    @rpc
    def GetRecord(self, request, context):
        doc = self._database[store.RECORDS].find_one({"_id": require_id(request.case_id, "case_id")})
        if doc is None:
            raise NotFound(f"no verification record for case {request.case_id}")
        return pb.GetRecordResponse(record=record_view(doc))

    @rpc
    def ListRecords(self, request, context):
        docs, token = page_by_time(self._database[store.RECORDS], filter_query(request.filter), "opened_at", request)
        return pb.ListRecordsResponse(records=[record_view(doc) for doc in docs], next_page_token=token)

    def ExportRecords(self, request, context):
        cursor = self._database[store.RECORDS].find(filter_query(request.filter)).sort([("opened_at", 1), ("_id", 1)])
        count = (("record-count", str(self._database[store.RECORDS].count_documents(filter_query(request.filter)))),)
        context.send_initial_metadata(count)  # first: a client's progress bar shows the total from the start
        context.set_trailing_metadata(count)
        for doc in cursor:
            yield pb.ExportRecordsResponse(record=record_view(doc))

    def ExportAudit(self, request, context):
        # records first, then the chain up to a head read after them: every record's last change
        # was committed with its entries, so the entries a record's state names are all exported
        for doc in self._database[store.RECORDS].find(filter_query(request.filter), {"state": 1}).sort("_id", 1):
            record = VerificationRecord.from_dict(doc["state"])
            yield pb.ExportAuditResponse(record=pb.AuditedRecord(
                case_id=record.case_id, canonical_json=canonical_bytes(record.to_dict()).decode("utf-8")))
        head = store.chain_head(self._database)
        exported_at = datetime.now(timezone.utc)
        if head is None:
            return
        for entry in store.read_chain(self._database, 1, head.seq):
            yield pb.ExportAuditResponse(entry=pb.SignedAuditEntry(
                seq=entry.seq, canonical_json=canonical_bytes(entry.body()).decode("utf-8"), hash=entry.hash,
                signature=entry.signature))
        yield pb.ExportAuditResponse(head=pb.AuditHead(seq=head.seq, hash=head.hash, key_id=head.key_id,
                                                       signature=head.signature,
                                                       exported_at=to_timestamp(exported_at)))

    @rpc
    def VerifyChain(self, request, context):
        if request.from_seq < 0 or request.to_seq < 0 or (request.to_seq and request.to_seq < request.from_seq):
            raise BadRequest("from_seq and to_seq must be positive with from_seq <= to_seq")
        start = max(request.from_seq, 1)
        previous_hash, expected = GENESIS, 1
        if start > 1:
            before = self._database[store.AUDIT].find_one({"_id": start - 1})
            if before is None:
                return pb.VerifyChainResponse(ok=False, checked=0, first_broken_seq=start - 1,
                                              problem=f"entry {start - 1} is missing")
            previous_hash, expected = before["hash"], start
        report = verify_chain(store.read_chain(self._database, start, request.to_seq), self._keys, previous_hash,
                              expected)
        return pb.VerifyChainResponse(ok=report.ok, checked=report.checked, first_broken_seq=report.first_broken_seq,
                                      problem=report.problem)

    @rpc
    def GetCaseAudit(self, request, context):
        case_id = require_id(request.case_id, "case_id")
        audit = self._database[store.AUDIT]
        docs = list(audit.find({"case_id": case_id}).sort("_id", 1))
        # each entry is checked with the one before it in the chain (often another case's)
        before = {doc["_id"]: doc["hash"] for doc in audit.find({"_id": {"$in": [d["_id"] - 1 for d in docs]}})}
        entries = []
        for doc in docs:
            entry = AuditEntry.from_dict({**doc, "seq": doc["_id"]})
            link = GENESIS if entry.seq == 1 else before.get(entry.seq - 1)
            report = verify_chain([entry], self._keys, link or entry.prev_hash, entry.seq)
            problem = report.problem if not report.ok else (
                "" if link is not None else f"entry {entry.seq - 1} before it is missing")
            entries.append(pb.CaseAuditEntry(seq=entry.seq, entry_type=entry.entry_type, hash=entry.hash,
                                             recorded_at=to_timestamp(entry.recorded_at), intact=not problem,
                                             problem=problem))
        return pb.GetCaseAuditResponse(entries=entries)

    @rpc
    def GetRecurrenceRates(self, request, context):
        if not (request.HasField("closed_from") and request.HasField("closed_to")):
            raise BadRequest("closed_from and closed_to are required")
        start, end = from_timestamp(request.closed_from), from_timestamp(request.closed_to)
        documents = self._database[store.RECORDS].find(
            {"root_cause_class": {"$ne": ""}, "customer_closed_at": {"$gte": start}}, {"state": 1})
        try:
            rates = recurrence_rates((VerificationRecord.from_dict(doc["state"]) for doc in documents), start, end)
        except VerificationError as problem:
            raise BadRequest(str(problem)) from None
        return pb.GetRecurrenceRatesResponse(classes=[
            pb.ClassRecurrenceRate(root_cause_class=rate.root_cause_class, watched=rate.watched,
                                   recurrences=rate.recurrences, rate=rate.rate) for rate in rates])
