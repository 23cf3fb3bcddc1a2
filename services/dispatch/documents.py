"""MongoDB documents of the dispatch service (its own database)."""

from __future__ import annotations

from mongoengine import BinaryField, DateTimeField, DictField, Document, IntField, ListField, StringField

from complaint_platform import mongo


class DispatchCaseRecord(Document):
    """The owner's case as the owner queues list it; rewritten only when one of these changes."""

    case_id = StringField(primary_key=True)
    owner = StringField(required=True)
    status = StringField(required=True)
    priority = IntField()
    open_work_orders = IntField(default=0)

    meta = {"collection": "cases", "strict": False, "auto_create_index": False,
            "indexes": [{"fields": ["owner", "status"]}]}  # ListOwnerCases


class DispatchCaseState(Document):
    """The case with every work order and the whole history, as the rules keep it, and the ids of
    the last events applied to it. Written with every change of the case, so it has no index but
    its id: SecantusDB rewrites every index of a document it replaces, changed or not."""

    case_id = StringField(primary_key=True)
    state = DictField()
    applied_events = ListField(StringField())
    version = IntField()

    meta = {"collection": "case_states", "strict": False, "auto_create_index": False}


class WorkOrderRecord(Document):
    """One work order, kept beside its case for queue queries."""

    work_order_id = StringField(primary_key=True)
    case_id = StringField(required=True)
    department = StringField(required=True)
    level = StringField()
    kind = StringField()
    state = StringField(required=True)
    priority = IntField()
    due_sort = DateTimeField()     # due time, or far future when not yet known
    due_at = DateTimeField()
    dispatched_at = DateTimeField()
    category = StringField()
    region = StringField()
    resolution = StringField()

    meta = {"collection": "work_orders", "strict": False, "auto_create_index": False,
            "indexes": [{"fields": ["department", "state", "priority", "due_sort", "dispatched_at", "work_order_id"]},
                        {"fields": ["case_id"]}]}


class HeldNotification(Document):
    """A customer notification kept through the quiet hours (an SMS at night), published when they
    end. Written only then, in the batch that decided it; deleted in the unit that stages it in
    the outbox."""

    event_id = StringField(primary_key=True)
    case_id = StringField(required=True)
    release_at = DateTimeField(required=True)
    decided_at = DateTimeField()
    topic = StringField()
    key = StringField()
    value = BinaryField()
    event_type = StringField()
    causation_id = StringField()

    meta = {"collection": "held_notifications", "strict": False, "auto_create_index": False,
            "indexes": [{"fields": ["release_at", "decided_at"]}]}  # the release timer's query


class SubmissionCase(Document):
    """Which case a submission belongs to, for the customer's status request by submission id.
    Inserted with the batch that registers or links it, never changed: ``_id`` is
    ``<submission_id>|<case_id>``, so a submission split off to a new case gets a second row (the
    later one counts) instead of a conflicting write; looked up by ``_id`` range."""

    key = StringField(primary_key=True)
    case_id = StringField(required=True)
    at = DateTimeField()

    meta = {"collection": "submission_cases", "strict": False, "auto_create_index": False}


def ensure_indexes() -> None:
    mongo.ensure_indexes((DispatchCaseRecord, DispatchCaseState, WorkOrderRecord, HeldNotification, SubmissionCase))
