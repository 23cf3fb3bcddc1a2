"""MongoDB documents of the intake service (its own database).

Writes go through the platform's unit of work in bulk; these classes declare
the collections, their indexes, and typed reads for the gRPC servicer.
"""

from __future__ import annotations

from mongoengine import (
    BooleanField,
    DateTimeField,
    DictField,
    Document,
    FloatField,
    IntField,
    ListField,
    StringField,
)

from complaint_platform import mongo


class CaseRecord(Document):
    """One customer problem as intake's rules see it; indexed for the lookups. What the other
    services report about it (owner, deadlines, escalation) is in ``CaseViewRecord``."""

    case_id = StringField(primary_key=True)
    customer_id = StringField(required=True)
    category = StringField(required=True)
    category_rule = StringField()
    category_confidence = FloatField()               # issue 16: the model's probability (1 for a rule)
    category_candidates = ListField(DictField())     # the model's best: {"category", "confidence"}
    needs_triage = BooleanField(default=False)
    severity = IntField()
    severity_rule = StringField()
    tier = IntField()
    priority = IntField()
    region = StringField()
    channels = ListField(StringField())
    contact_count = IntField(default=1)
    submission_keys = ListField(StringField())
    status = StringField(required=True)
    owner = StringField()
    regulator_case = BooleanField(default=False)
    regulator_risk = FloatField(default=0.0)
    proxy_case = BooleanField(default=False)
    proxy_case_id = StringField()
    proxy_members = ListField(StringField())
    attributes = DictField()
    summary = StringField()
    registered_at = DateTimeField()
    last_contact_at = DateTimeField()
    history = ListField(DictField())
    state = DictField()  # the domain aggregate as it serialises itself

    meta = {
        "collection": "cases",
        "strict": False, "auto_create_index": False,
        # SecantusDB uses an index only when it holds every field a query names: the case id closes
        # each one so that the keyset pages (registered_at = t and _id beyond the last) stay indexed.
        "indexes": [
            {"fields": ["customer_id", "-registered_at", "-case_id"]},
            {"fields": ["registered_at", "case_id"]},
            {"fields": ["region", "category", "registered_at", "case_id"]},
        ],
    }


class CaseViewRecord(Document):
    """The read model other services keep current, one per case. Apart from the indexed case
    document: it changes with most events a case sees (every deadline set, stopped or breached),
    and SecantusDB rewrites every index of a document it replaces, changed or not; this one has
    none but its id. It also keeps the ids of the last events applied to the case."""

    case_id = StringField(primary_key=True)
    owner = StringField()
    open_deadlines = DictField()  # deadline id -> due time, from the escalation service
    escalation_level = IntField(default=0)
    overdue = BooleanField(default=False)
    updated_at = DateTimeField()
    applied_events = ListField(StringField())

    meta = {"collection": "case_views", "strict": False, "auto_create_index": False}


class SubmissionRecord(Document):
    """One contact; the id is ``<CHANNEL>:<submission_id>``, the idempotency key."""

    key = StringField(primary_key=True)
    submission_id = StringField(required=True)
    channel = StringField(required=True)
    case_id = StringField(required=True)
    customer_id = StringField()
    received_at = DateTimeField()
    summary = StringField()
    summary_normalised = StringField()
    first_contact = StringField()
    merge_reason = StringField()     # why it joined its case (issue 16); empty for the first contact
    history = ListField(DictField())

    meta = {"collection": "submissions", "strict": False, "auto_create_index": False,
            "indexes": [{"fields": ["case_id", "received_at"]}]}


class CustomerDirectoryEntry(Document):
    """Customer tiers loaded from the operator's CSV export."""

    customer_id = StringField(primary_key=True)
    tier = IntField(min_value=1, max_value=3)
    region = StringField()

    meta = {"collection": "customer_directory", "strict": False, "auto_create_index": False}


class PublicOpinionItem(Document):
    """A social post that matched the keywords but names no customer (舆情)."""

    mention_id = StringField(primary_key=True)
    platform = StringField()
    text = StringField()
    region = StringField()
    category = StringField()
    posted_at = DateTimeField()
    url = StringField()
    proxy_case_id = StringField()

    meta = {"collection": "public_opinion", "strict": False, "auto_create_index": False,
            "indexes": [{"fields": ["region", "category", "posted_at"]}]}


class IntakeCounter(Document):
    """Counts that are kept, not stored item by item (e.g. non-matching mentions)."""

    name = StringField(primary_key=True)
    value = IntField(default=0)

    meta = {"collection": "counters", "strict": False, "auto_create_index": False}


class DetectorState(Document):
    """The proxy-case detector as one document, as earlier versions kept it: read once to move
    its faults into ``ProxyFault`` documents, then deleted (it grew with every fault ever seen)."""

    name = StringField(primary_key=True)
    state = DictField()

    meta = {"collection": "detector_state", "strict": False, "auto_create_index": False}


class ProxyFault(Document):
    """One fault's (region|category) recent reports and open proxy incident, so the windows
    survive a restart; written only when a batch changed that fault, deleted when nothing of it
    can count any more (the detector prunes), so the collection stays as small as the faults
    being reported now."""

    fault = StringField(primary_key=True)
    recent = ListField(ListField())
    incident = DictField(null=True)

    meta = {"collection": "proxy_faults", "strict": False, "auto_create_index": False}


ALL = (CaseRecord, CaseViewRecord, SubmissionRecord, CustomerDirectoryEntry, PublicOpinionItem, IntakeCounter,
       DetectorState, ProxyFault)


def ensure_indexes() -> None:
    mongo.ensure_indexes(ALL)
