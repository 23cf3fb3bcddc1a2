"""MongoDB adapter: connection, and a unit of work that stores a batch atomically.

A batch's state changes, its consumed positions with the outputs they caused,
and the inbox records of inbound events commit in one journaled transaction,
so a batch read again is recognised and its outputs re-published unchanged.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import mongoengine
from pymongo import DeleteMany, InsertOne, MongoClient, ReplaceOne, UpdateOne, monitoring
from pymongo.errors import (
    AutoReconnect,
    BulkWriteError,
    ConnectionFailure,
    NetworkTimeout,
    ServerSelectionTimeoutError,
)
from pymongo.write_concern import WriteConcern

from .handling import Outgoing

JOURNALED = WriteConcern(w=1, j=True)
MAJORITY = WriteConcern(w="majority", j=True)


def transaction_write_concern(client: MongoClient) -> WriteConcern:
    """Journaled always; acknowledged by a majority where the database is a replica set, so a batch
    the service has committed (and whose offsets it then moves) survives the primary's failover; w=1
    on a single server such as the embedded database. A ``w`` in the connection string wins."""
    given = client.write_concern.document.get("w")
    if given is not None:
        return WriteConcern(w=given, j=True)
    # a replica set, or mongos/a load balancer in front of replica sets; Single is one server
    return JOURNALED if client.topology_description.topology_type_name in ("Single", "Unknown") else MAJORITY
TRANSIENT_ERRORS = (AutoReconnect, ConnectionFailure, NetworkTimeout, ServerSelectionTimeoutError)
INBOX = "processed_events"
POSITIONS = "consumed_positions"  # per topic partition: the next offset to read (positions.py)


class OperationCounts(monitoring.CommandListener):
    """Database commands and the documents they carried, by command, as pymongo sends them: what
    a complaint costs the database (``make bench`` reads them from the services' metrics)."""

    _DOCUMENTS = {"insert": "documents", "update": "updates", "delete": "deletes"}

    def __init__(self) -> None:
        self.commands: Counter[str] = Counter()
        # by (command, collection): which collections a complaint's writes go to
        self.documents: Counter[tuple[str, str]] = Counter()

    def started(self, event) -> None:
        name = event.command_name
        self.commands[name] += 1
        field = self._DOCUMENTS.get(name)
        if field is not None:
            self.documents[(name, str(event.command.get(name, "?")))] += len(event.command.get(field) or ())

    def succeeded(self, event) -> None:
        pass

    def failed(self, event) -> None:
        pass


OPERATIONS = OperationCounts()


def connect(uri: str, database: str) -> MongoClient:
    """Register the mongoengine default connection and return its client."""
    mongoengine.disconnect()
    mongoengine.connect(db=database, host=uri, tz_aware=True, uuidRepresentation="standard",
                        serverSelectionTimeoutMS=5000, event_listeners=[OPERATIONS])
    return mongoengine.get_connection()


def ensure_indexes(documents, database: Any = None) -> None:
    """The indexes the service's mongoengine documents declare, on its connection or on
    ``database`` (a tool's own client), created only where no index has the same keys: an index
    made earlier with other options (mongoengine's ``background``, an older version's plain
    ``create_index``) counts, since SecantusDB refuses a second one with the same keys and name.
    The documents' own meta turns mongoengine's automatic index creation off for that reason."""
    from mongoengine.connection import get_db

    for document in documents:
        collection = (database if database is not None else get_db())[document._get_collection_name()]
        existing = {tuple((field, int(direction)) for field, direction in info["key"])
                    for info in collection.index_information().values()}
        for keys in document.list_indexes():
            if tuple(keys) not in existing and keys != [("_id", 1)]:
                collection.create_index(keys)


def release_abandoned_transactions(client: MongoClient, uri: str) -> None:
    """Abort the transactions a killed process of this service left open.

    The server keeps an open transaction, and its write locks, until it expires (60 s, MongoDB's
    transactionLifetimeLimitSeconds): a restarted service's batches conflicted with it for up to a
    minute (every batch writes its consumed positions). Killing the sessions of this service's
    database user (of everyone, on a server without authentication) aborts them now; a live
    replica's transaction aborted with them fails as transient and is retried."""
    from pymongo.uri_parser import parse_uri

    parsed = parse_uri(uri)
    user = parsed.get("username")
    source = parsed.get("options", {}).get("authsource") or parsed.get("database") or "admin"
    client.admin.command("killAllSessions", [{"user": user, "db": source}] if user else [])


def is_transient(error: BaseException) -> bool:
    """Worth retrying as it is: the database is unreachable, or another writer won a race."""
    if isinstance(error, (*TRANSIENT_ERRORS, ConcurrentUpdate)):
        return True
    has_label = getattr(error, "has_error_label", None)
    return bool(has_label and has_label("TransientTransactionError"))


class ConcurrentUpdate(RuntimeError):
    """A guarded write found its document changed by someone else; the whole unit is rolled back."""


@dataclass
class UnitOfWork:
    """Collects one batch's writes; ``commit`` applies them in one transaction."""

    database: Any
    writes: dict[str, list] = field(default_factory=lambda: defaultdict(list))
    inbox: list[dict] = field(default_factory=list)
    guarded: dict[str, list] = field(default_factory=lambda: defaultdict(list))

    def upsert(self, collection: str, document: dict) -> None:
        self.writes[collection].append(ReplaceOne({"_id": document["_id"]}, document, upsert=True))

    def save(self, collection: str, document: dict, new: bool) -> None:
        """Insert what is new, replace what was loaded: the embedded database writes inserts
        several times faster than upserts (DESIGN.md s.8). A new document that already exists
        (another replica won a race) fails the unit, which is then retried from fresh state."""
        if new:
            self.insert(collection, document)
        else:
            self.writes[collection].append(ReplaceOne({"_id": document["_id"]}, document))

    def insert(self, collection: str, document: dict) -> None:
        self.writes[collection].append(InsertOne(document))

    def update(self, collection: str, selector: dict, change: dict, upsert: bool = False) -> None:
        self.writes[collection].append(UpdateOne(selector, change, upsert=upsert))

    def delete(self, collection: str, selector: dict) -> None:
        self.writes[collection].append(DeleteMany(selector))

    def update_if_unchanged(self, collection: str, selector: dict, change: dict) -> None:
        """Compare-and-set: ``selector`` names the version read; a miss aborts the whole unit."""
        self.guarded[collection].append(UpdateOne(selector, change))

    def save_version(self, collection: str, document: dict, version: int | None, new: bool,
                     append: dict[str, list] | None = None) -> None:
        """A versioned aggregate: inserted at version 0, or replaced only if still at ``version``
        (None: stored before documents had versions), the stored version then one more. A
        replica holding an aggregate in memory learns so that another writer (a command on
        another replica) changed it meanwhile: the unit fails, and it reads the aggregate again.

        ``append``: lists the document keeps growing (e.g. a timeline) without the writer
        holding them: their new items are pushed, the rest of the document set."""
        if new:
            self.insert(collection, {**document, **(append or {}), "version": 0})
        elif append:
            fields = {name: value for name, value in document.items() if name != "_id"}
            self.guarded[collection].append(UpdateOne(
                {"_id": document["_id"], "version": version},
                {"$set": {**fields, "version": (version or 0) + 1},
                 "$push": {name: {"$each": items} for name, items in append.items()}}))
        else:
            self.guarded[collection].append(ReplaceOne({"_id": document["_id"], "version": version},
                                                       {**document, "version": (version or 0) + 1}))

    def record_handled(self, event_id: str, outgoing: list[Outgoing], now: datetime, fingerprint: str = "") -> None:
        self.inbox.append({"_id": event_id, "at": now, "outputs": [stored_event(item) for item in outgoing],
                           "fingerprint": fingerprint})

    def record_positions(self, positions: dict[tuple[str, int], int], now: datetime,
                         outputs: dict[tuple[str, int], list[Outgoing]] | None = None,
                         rejected: dict[tuple[str, int], list[tuple[int, str]]] | None = None) -> None:
        """The partitions' positions after this batch, stored with its effects: a database that
        loses the batch loses its positions too, so the batch is read again.

        Each position keeps the outputs its partition's events caused in this batch: Kafka's
        committed offset moves only after the broker acknowledged them, so a replica that finds
        the stored position ahead of Kafka's re-publishes them instead of handling the batch
        again (one small document per partition and batch instead of one inbox record per event).
        """
        outputs, rejected = outputs or {}, rejected or {}
        for (topic, partition), position in sorted(positions.items()):
            self.upsert(POSITIONS, {"_id": position_id(topic, partition), "topic": topic, "partition": partition,
                                    "position": position, "at": now,
                                    "outputs": [stored_event(item) for item in outputs.get((topic, partition), [])],
                                    "rejected": [{"offset": offset, "reason": reason}
                                                 for offset, reason in rejected.get((topic, partition), [])]})

    def commit(self) -> None:
        if self.inbox:
            self.writes[INBOX].extend(InsertOne(doc) for doc in self.inbox)
        if not self.writes and not self.guarded:
            return
        client = self.database.client
        with client.start_session() as session:
            with session.start_transaction(write_concern=transaction_write_concern(client)):
                for name, operations in self.guarded.items():
                    result = self.database.get_collection(name).bulk_write(operations, ordered=True, session=session)
                    if result.matched_count != len(operations):
                        raise ConcurrentUpdate(f"{len(operations) - result.matched_count} {name} changed meanwhile")
                for name, operations in self.writes.items():
                    if operations:
                        try:
                            self.database.get_collection(name).bulk_write(operations, ordered=True, session=session)
                        except BulkWriteError as error:
                            if any(item.get("code") == 11000 for item in error.details.get("writeErrors", [])):
                                # e.g. two replicas appending the same audit sequence number
                                raise ConcurrentUpdate(f"duplicate key in {name}") from error
                            raise


def position_id(topic: str, partition: int) -> str:
    return f"{topic}[{partition}]"


def stored_positions(database: Any, partitions: list[tuple[str, int]]) -> dict[tuple[str, int], int]:
    ids = [position_id(topic, partition) for topic, partition in partitions]
    found = database.get_collection(POSITIONS).find({"_id": {"$in": ids}}, {"topic": 1, "partition": 1, "position": 1})
    return {(doc["topic"], doc["partition"]): doc["position"] for doc in found}


def stored_batches(database: Any, partitions: list[tuple[str, int]]) -> dict[tuple[str, int], dict]:
    """Each partition's last stored batch: its position, its outputs and the offsets it refused
    (with the reasons)."""
    ids = [position_id(topic, partition) for topic, partition in partitions]
    return {(doc["topic"], doc["partition"]): {
        "position": doc["position"], "outputs": [event_from_store(item) for item in doc.get("outputs", [])],
        "rejected": {item["offset"]: item["reason"] for item in doc.get("rejected", [])}}
        for doc in database.get_collection(POSITIONS).find({"_id": {"$in": ids}})}


def stored_event(item: Outgoing) -> dict:
    return {"topic": item.topic, "key": item.key, "value": item.value, "event_id": item.event_id,
            "event_type": item.event_type, "case_id": item.case_id, "causation_id": item.causation_id}


def event_from_store(doc: dict) -> Outgoing:
    return Outgoing(topic=doc["topic"], key=doc["key"], value=bytes(doc["value"]), event_id=doc["event_id"],
                    event_type=doc["event_type"], case_id=doc["case_id"], causation_id=doc["causation_id"])


OUTBOX = "outbox"


def stage(unit: UnitOfWork, outgoing: list[Outgoing], now: datetime) -> None:
    """Events from timers and commands wait in the outbox until the broker has them."""
    for item in outgoing:
        document = stored_event(item)
        document.update({"_id": item.event_id, "staged_at": now, "published": False})
        unit.insert(OUTBOX, document)


class Outbox:
    """Relays staged events; publishing twice is harmless (consumers dedupe by event id)."""

    def __init__(self, database: Any) -> None:
        self._collection = database.get_collection(OUTBOX)
        self._collection.create_index([("published", 1), ("staged_at", 1)])

    def pending(self, staged_before: datetime, limit: int = 500) -> list[Outgoing]:
        found = self._collection.find({"published": False, "staged_at": {"$lte": staged_before}}).limit(limit)
        return [event_from_store(doc) for doc in found]

    def mark_published(self, event_ids: list[str]) -> None:
        if event_ids:
            # published_at starts the outbox retention (a TTL index, ensure_retention)
            self._collection.update_many({"_id": {"$in": event_ids}},
                                         {"$set": {"published": True, "published_at": datetime.now(timezone.utc)}})


def ensure_retention(database: Any, inbox_days: int, outbox_days: int) -> None:
    """TTL indexes that expire inbox records and published outbox events after the policy's days;
    a TTL index made earlier with other days is changed in place (collMod)."""
    for collection, field, days in ((INBOX, "at", inbox_days), (OUTBOX, "published_at", outbox_days)):
        seconds = days * 86_400
        existing = next((index for index in database.get_collection(collection).list_indexes()
                         if dict(index["key"]) == {field: 1}), None)
        if existing is None:
            database.get_collection(collection).create_index([(field, 1)], expireAfterSeconds=seconds,
                                                             name=f"retention_{field}")
        elif existing.get("expireAfterSeconds") != seconds:
            database.command({"collMod": collection, "index": {"keyPattern": {field: 1},
                                                               "expireAfterSeconds": seconds}})
