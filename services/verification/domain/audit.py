"""The tamper-evident audit chain: every change to a verification record, hash-linked in one sequence.

hash = sha256(bytes.fromhex(prev_hash) + canonical JSON of the entry without its hash). The chain is
global per service, so removing any entry (even of another case) breaks the link after it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from .errors import InvalidInput
from .times import require_utc, stored

GENESIS = "0" * 64
SEQUENCE_GAP, PREV_LINK_MISMATCH, HASH_MISMATCH = "sequence gap", "prev link mismatch", "hash mismatch"


def canonical_bytes(value: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8, times as ISO-8601 UTC with Z: the same entry, the same bytes."""
    return json.dumps(json_friendly(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def json_friendly(value: Any) -> Any:
    if isinstance(value, datetime):
        # milliseconds: what MongoDB keeps, so an entry read back hashes the same as when written;
        # naive times are what MongoDB returns for stored UTC
        moment = (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    if isinstance(value, dict):
        return {str(key): json_friendly(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_friendly(item) for item in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise InvalidInput(f"audit payload: {type(value).__name__} is not JSON-friendly ({value!r})")


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    case_id: str
    entry_type: str
    payload: dict[str, Any]
    recorded_at: datetime
    prev_hash: str
    hash: str

    def body(self) -> dict[str, Any]:
        """What the hash covers: everything but the hash itself."""
        return {"seq": self.seq, "case_id": self.case_id, "entry_type": self.entry_type, "payload": self.payload,
                "recorded_at": self.recorded_at, "prev_hash": self.prev_hash}

    def to_dict(self) -> dict[str, Any]:
        return {**self.body(), "hash": self.hash}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AuditEntry:
        return cls(int(data["seq"]), data["case_id"], data["entry_type"], data["payload"],
                   stored(data["recorded_at"]), data["prev_hash"], data["hash"])


def entry_hash(prev_hash: str, body: dict[str, Any]) -> str:
    return hashlib.sha256(bytes.fromhex(prev_hash) + canonical_bytes(body)).hexdigest()


def append(head: AuditEntry | None, case_id: str, entry_type: str, payload: dict[str, Any],
           recorded_at: datetime) -> AuditEntry:
    """The entry after ``head`` (None: the first entry, linked to the genesis hash)."""
    recorded_at = require_utc(recorded_at, "recorded_at")
    seq = head.seq + 1 if head else 1
    prev_hash = head.hash if head else GENESIS
    body = {"seq": seq, "case_id": case_id, "entry_type": entry_type, "payload": payload,
            "recorded_at": recorded_at, "prev_hash": prev_hash}
    return AuditEntry(seq, case_id, entry_type, payload, recorded_at, prev_hash, entry_hash(prev_hash, body))


def append_all(head: AuditEntry | None, items: Iterable[tuple[str, str, dict[str, Any]]],
               recorded_at: datetime) -> list[AuditEntry]:
    """(case_id, entry_type, payload) items appended in order after ``head``."""
    entries: list[AuditEntry] = []
    for case_id, entry_type, payload in items:
        head = append(head, case_id, entry_type, payload, recorded_at)
        entries.append(head)
    return entries


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_broken_seq: int = 0
    problem: str = ""      # starts with SEQUENCE_GAP, PREV_LINK_MISMATCH or HASH_MISMATCH


def verify_chain(entries: Iterable[AuditEntry], previous_hash: str = GENESIS,
                 expected_seq: int = 1) -> ChainReport:
    """Walk entries in sequence order and report the first that does not check.
    To check a slice, pass the hash and seq + 1 of the entry before it."""
    checked = 0
    for entry in entries:
        if entry.seq != expected_seq:
            return ChainReport(False, checked, expected_seq,
                               f"{SEQUENCE_GAP}: expected entry {expected_seq}, found {entry.seq}")
        if entry.prev_hash != previous_hash:
            return ChainReport(False, checked, entry.seq,
                               f"{PREV_LINK_MISMATCH}: prev_hash is not the hash of entry {entry.seq - 1}")
        if entry_hash(entry.prev_hash, entry.body()) != entry.hash:
            return ChainReport(False, checked, entry.seq, f"{HASH_MISMATCH}: entry {entry.seq} was altered")
        previous_hash, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
    return ChainReport(True, checked)
