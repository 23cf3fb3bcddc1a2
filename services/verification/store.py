"""MongoDB storage of the verification service: records, case facts and the audit chain."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from complaint_platform.audit_chain import AuditEntry, AuditSigner, append, digest
from complaint_platform.mongo import UnitOfWork

from .documents import AuditEntryDocument, CaseFactDocument, VerificationRecordDocument
from .domain.events import audit_payload
from .domain.record import VerificationRecord

RECORDS = VerificationRecordDocument._get_collection_name()
FACTS = CaseFactDocument._get_collection_name()
AUDIT = AuditEntryDocument._get_collection_name()


def record_document(record: VerificationRecord, now: datetime) -> dict:
    """Indexed and displayed fields at the top level; the whole record under ``state``."""
    return {"_id": record.case_id, "status": record.status, "customer_id": record.customer_id,
            "category": record.category, "signature": record.signature, "opened_at": record.opened_at,
            "customer_closed_at": record.customer_closed_at, "window_ends_at": record.window_ends_at,
            "closes_at": record.closes_at, "management_closed_at": record.management_closed_at,
            "responsible_unit": record.responsible_unit, "root_cause_class": record.root_cause_class,
            "blockers": record.closure_blockers(now) if record.status != "CLOSED" else [],
            "state": record.to_dict()}


def load_records(database: Any, query: dict) -> dict[str, VerificationRecord]:
    return {doc["_id"]: VerificationRecord.from_dict(doc["state"]) for doc in database[RECORDS].find(query, {"state": 1})}



class AuditTrail:
    """Appends entries after the chain's current head; the head is read once per unit of work,
    when the first entry is added (most batches add none)."""

    _UNREAD = object()

    def __init__(self, database: Any, signer: AuditSigner) -> None:
        self._database = database
        self._signer = signer
        self.head: Any = self._UNREAD
        self.pending: list[AuditEntry] = []

    def add(self, record: VerificationRecord, events: list, now: datetime, actor: str) -> None:
        """An entry per event of a change to ``record`` (already applied: each names the state it left)."""
        if not events:
            return
        if self.head is self._UNREAD:
            self.head = chain_head(self._database)
        state = digest(record.to_dict())
        for event in events:
            self.head = append(self.head, record.case_id, *audit_payload(event), now, self._signer, actor, state)
            self.pending.append(self.head)

    def save(self, unit: UnitOfWork) -> None:
        for entry in self.pending:
            document = entry.to_dict()
            document["_id"] = document.pop("seq")  # a second writer of the same seq fails the whole unit
            unit.insert(AUDIT, document)
        self.pending = []


def chain_head(database: Any) -> AuditEntry | None:
    head = database[AUDIT].find_one(sort=[("_id", -1)])
    return AuditEntry.from_dict({**head, "seq": head["_id"]}) if head else None


def read_chain(database: Any, from_seq: int = 0, to_seq: int = 0):
    query: dict = {}
    if from_seq:
        query.setdefault("_id", {})["$gte"] = from_seq
    if to_seq:
        query.setdefault("_id", {})["$lte"] = to_seq
    for doc in database[AUDIT].find(query).sort("_id", 1):
        yield AuditEntry.from_dict({**doc, "seq": doc["_id"]})
