"""MongoDB documents of the escalation service (its own database).

Writes go through the platform's unit of work in bulk (``store.py``); these classes declare the
collections and their indexes, each index with the query that needs it. SecantusDB rewrites
every index of a document it replaces, changed or not, and each index roughly halves its insert
speed (docs/performance.md): what is written often has no index but its id.
"""

from __future__ import annotations

from typing import Any

from mongoengine import (BinaryField, BooleanField, DateTimeField, DictField, Document, FloatField, IntField,
                         ListField, StringField)

from complaint_platform import mongo


class SupervisedCaseRow(Document):
    """A case's row, for the watch lists, the bulletin and the metrics; rewritten only when one
    of these fields changes."""

    case_id = StringField(primary_key=True)
    risk_score = FloatField()
    escalation_level = IntField()
    supervised_since = DateTimeField()
    region = StringField()
    department = StringField()
    owner = StringField()
    opened_at = DateTimeField()
    resolved_at = DateTimeField()
    closed = BooleanField()
    overdue = BooleanField()
    timely = BooleanField()

    meta = {"collection": "cases", "strict": False, "auto_create_index": False, "indexes": [
        {"fields": ["-risk_score"]},       # ListAtRiskCases
        {"fields": ["supervised_since"]},  # ListSupervisedCases
        {"fields": ["resolved_at"]},       # the bulletin's period, the timely-handling rate
        {"fields": ["opened_at"]},         # the bulletin's period
    ]}


class SupervisedCaseState(Document):
    """The case as the rules keep it, its clocks (each with its own version, which its firings
    name), its timeline (events as they travelled, appended), the ids of the last events applied
    to it and its version (compare-and-set); written with every change, so no index but its id."""

    case_id = StringField(primary_key=True)
    state = DictField()
    clocks = ListField(DictField())
    timeline = ListField(BinaryField())
    applied_events = ListField(StringField())
    version = IntField()

    meta = {"collection": "case_states", "strict": False, "auto_create_index": False}


class DeadlineDocument(Document):
    """A clock as of its ``version`` stored apart from its case: how clocks were kept before
    they moved into their case's state document (read, never written, so stored ones count)."""

    deadline_id = StringField(primary_key=True)
    case_id = StringField(required=True)
    kind = StringField()
    state = StringField()
    due_at = DateTimeField()
    version = IntField()

    meta = {"collection": "deadlines", "strict": False, "auto_create_index": False, "indexes": [
        {"fields": ["case_id", "state"]},  # a case's clocks; the live clocks (open-deadlines gauge, start-up)
    ]}


class DeadlineFiring(Document):
    """One warning, breach or ladder step of a clock: an insert, never an update, with a unique
    id per firing, so a second replica's attempt fails instead of firing twice."""

    firing_id = StringField(primary_key=True)
    deadline_id = StringField()
    case_id = StringField()
    version = IntField()
    n = IntField()
    at = DateTimeField()
    deadline = DictField()
    outputs = ListField(DictField())

    meta = {"collection": "deadline_firings", "strict": False, "auto_create_index": False, "indexes": [
        {"fields": ["case_id"]},  # a case's firings (its clocks' state, its timeline); the only one
    ]}


class FiringRelay(Document):
    """One outbox entry per tick, removed once the broker has the tick's events."""

    relay_id = StringField(primary_key=True)
    firings = ListField(StringField())
    at = DateTimeField()

    meta = {"collection": "deadline_firing_relay", "strict": False, "auto_create_index": False}


class TimelineBatch(Document):
    """The events of one case in one batch as they travelled (protobuf bytes), as they were kept
    before the timeline moved into the case's state document (read, never written)."""

    case_id = StringField()
    entries = ListField(BinaryField())

    meta = {"collection": "timeline", "strict": False, "auto_create_index": False, "indexes": [
        {"fields": ["case_id"]},  # GetTimeline
    ]}


class EarlyEvent(Document):
    """An event that overtook its case's registration, applied when the registration comes."""

    event_id = StringField(primary_key=True)
    case_id = StringField()
    envelope = BinaryField()

    meta = {"collection": "early_events", "strict": False, "auto_create_index": False, "indexes": [
        {"fields": ["case_id"]},  # the registration picks up its case's early events
    ]}


class YellowCardCount(Document):
    """Yellow cards of one agent in one month (``agent:month``)."""

    card_id = StringField(primary_key=True)
    agent_id = StringField()
    month = StringField()
    count = IntField()

    meta = {"collection": "yellow_cards", "strict": False, "auto_create_index": False, "indexes": [
        {"fields": ["agent_id", "month"]},  # the bulletin's cards per unit and month
    ]}


DOCUMENTS = (SupervisedCaseRow, SupervisedCaseState, DeadlineDocument, DeadlineFiring, FiringRelay, TimelineBatch,
             EarlyEvent, YellowCardCount)


def ensure_indexes(database: Any = None) -> None:
    mongo.ensure_indexes(DOCUMENTS, database)
