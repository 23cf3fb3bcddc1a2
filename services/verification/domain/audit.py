"""The tamper-evident audit chain: every change to a verification record, hash-linked."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

GENESIS = "0" * 64


def canonical_bytes(value: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8, times as ISO-8601 UTC with Z: the same entry, the same bytes."""
    return json.dumps(_plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        # milliseconds: what the database keeps, so a stored entry hashes the same when read back
        moment = moment.astimezone(timezone.utc)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


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
        return {"seq": self.seq, "case_id": self.case_id, "entry_type": self.entry_type, "payload": self.payload,
                "recorded_at": self.recorded_at, "prev_hash": self.prev_hash}

    def to_dict(self) -> dict[str, Any]:
        return {**self.body(), "hash": self.hash}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AuditEntry:
        return cls(int(data["seq"]), data["case_id"], data["entry_type"], data["payload"], data["recorded_at"],
                   data["prev_hash"], data["hash"])


def entry_hash(prev_hash: str, body: dict[str, Any]) -> str:
    return hashlib.sha256(bytes.fromhex(prev_hash) + canonical_bytes(body)).hexdigest()


def append(previous: AuditEntry | None, case_id: str, entry_type: str, payload: dict[str, Any],
           recorded_at: datetime) -> AuditEntry:
    seq = previous.seq + 1 if previous else 1
    prev_hash = previous.hash if previous else GENESIS
    body = {"seq": seq, "case_id": case_id, "entry_type": entry_type, "payload": payload,
            "recorded_at": recorded_at, "prev_hash": prev_hash}
    return AuditEntry(seq, case_id, entry_type, payload, recorded_at, prev_hash, entry_hash(prev_hash, body))


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_broken_seq: int = 0
    problem: str = ""


def verify_chain(entries, previous_hash: str = GENESIS, expected_seq: int = 1) -> ChainReport:
    """Walk entries in sequence order; report the first that does not check."""
    checked = 0
    for entry in entries:
        if entry.seq != expected_seq:
            return ChainReport(False, checked, expected_seq, f"entry {expected_seq} is missing (found {entry.seq})")
        if entry.prev_hash != previous_hash:
            return ChainReport(False, checked, entry.seq, "prev_hash does not match the previous entry's hash")
        if entry_hash(entry.prev_hash, entry.body()) != entry.hash:
            return ChainReport(False, checked, entry.seq, "content does not match its hash (altered)")
        previous_hash, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
    return ChainReport(True, checked)
