"""MongoDB documents of the verification service (its own database).

Writes go through the platform's unit of work in bulk (``store.py``); these classes declare the
collections and their indexes, each index with the query that needs it.
"""

from __future__ import annotations

from mongoengine import DateTimeField, DictField, Document, IntField, ListField, StringField

from complaint_platform import mongo


class VerificationRecordDocument(Document):
    """A case's verification record: the fields queries select and show at the top level, the
    whole record as the rules keep it under ``state``, the ids of the last events applied."""

    case_id = StringField(primary_key=True)
    status = StringField(required=True)
    customer_id = StringField()
    category = StringField()
    signature = StringField()
    opened_at = DateTimeField()
    customer_closed_at = DateTimeField()
    window_ends_at = DateTimeField()
    closes_at = DateTimeField()
    management_closed_at = DateTimeField()
    responsible_unit = StringField()
    root_cause_class = StringField()
    blockers = ListField(StringField())
    state = DictField()
    applied_events = ListField(StringField())

    meta = {"collection": "records", "strict": False, "auto_create_index": False, "indexes": [
        {"fields": ["status", "customer_id", "category"]},  # a new case reopening a record of its customer
        {"fields": ["status", "signature"]},                # ... or of its fault signature
        {"fields": ["status", "closes_at"]},                # the window-closing timer
        {"fields": ["opened_at", "_id"]},                   # ListRecords / ExportRecords order
        {"fields": ["root_cause_class", "status"]},         # GetRecurrenceRates
    ]}


class CaseFactDocument(Document):
    """What verification observed of every case (registered when, by whom, which fault): a case
    registered after another's closure may be a recurrence of it."""

    case_id = StringField(primary_key=True)
    customer_id = StringField()
    category = StringField()
    region = StringField()
    signature = StringField()
    registered_at = DateTimeField()
    attributes = DictField()

    meta = {"collection": "case_facts", "strict": False, "auto_create_index": False, "indexes": [
        {"fields": ["customer_id", "category", "registered_at"]},  # recurrences of a resolved case, same customer
        {"fields": ["signature", "registered_at"]},                # ... same fault signature
    ]}


class AuditEntryDocument(Document):
    """One entry of the hash chain; its id is its sequence number (a second writer of the same
    number fails its whole unit of work)."""

    seq = IntField(primary_key=True)
    case_id = StringField()
    entry_type = StringField()
    recorded_at = DateTimeField()
    prev_hash = StringField()
    hash = StringField()
    payload = DictField()
    actor = StringField()          # who caused the change
    record_digest = StringField()  # the record's state after it (exports are checked against it)
    key_id = StringField()         # the signing key (audit_chain.key_id_of)
    signature = StringField()      # Ed25519 over the hash, by a key the database does not hold

    # GetCaseAudit (the console's case page): one case's entries without reading the whole chain
    meta = {"collection": "audit_chain", "strict": False, "auto_create_index": False, "indexes": [{"fields": ["case_id", "seq"]}]}


def ensure_indexes() -> None:
    mongo.ensure_indexes((VerificationRecordDocument, CaseFactDocument, AuditEntryDocument))
