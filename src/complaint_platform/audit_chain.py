"""The tamper-evident audit chain: entries hash-linked in one sequence and signed with a key the
database does not hold.

hash = sha256(bytes.fromhex(prev_hash) + canonical JSON of the entry without hash and signature);
signature = Ed25519 over the 32 bytes of the hash, by the key named in the entry (``key_id``, the
first 16 hex digits of the SHA-256 of the raw public key).

Why both: the hash links make any edit, deletion or insertion inside the chain visible; the
signatures make it impossible for someone who can write the database, but does not hold the signing
key (a Kubernetes Secret, never stored with the data), to re-hash the chain after an edit. Deleting
entries at the end, or replacing the whole chain with one signed by a stolen key, is caught by
comparing with the chain heads published earlier to the anchor topic (``check_anchors``), which an
auditor keeps outside the system.

Shared by the service that writes the chain, its lookups and the offline verifier of the
``complaints audit`` command line, which checks an export without asking any service.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

GENESIS = "0" * 64
SEQUENCE_GAP, PREV_LINK_MISMATCH, HASH_MISMATCH = "sequence gap", "prev link mismatch", "hash mismatch"
UNKNOWN_KEY, BAD_SIGNATURE = "unknown key", "signature mismatch"


class AuditKeyError(ValueError):
    """A key file that cannot be used; the message names the file and what is wrong."""


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
    raise ValueError(f"audit payload: {type(value).__name__} is not JSON-friendly ({value!r})")


def digest(value: Any) -> str:
    """SHA-256 of the canonical JSON of ``value``: how an entry names the state it left a record in."""
    return hashlib.sha256(canonical_bytes(value)).hexdigest()


def _stored_time(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


# --- keys ---------------------------------------------------------------------------------------

def key_id_of(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def new_signing_key_pem() -> bytes:
    """A fresh Ed25519 private key in PKCS#8 PEM (``complaints audit keygen``, the embedded stack)."""
    return Ed25519PrivateKey.generate().private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                      serialization.NoEncryption())


class AuditSigner:
    """The service's signing key, read from a file mounted from a Secret."""

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._key = private_key
        self.public_key = private_key.public_key()
        self.key_id = key_id_of(self.public_key)

    @classmethod
    def from_file(cls, path: str | Path) -> AuditSigner:
        try:
            key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
        except (OSError, ValueError, TypeError) as error:
            raise AuditKeyError(f"{path}: not a readable PEM private key ({error})") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise AuditKeyError(f"{path}: an Ed25519 private key is required, found {type(key).__name__}")
        return cls(key)

    def sign(self, entry_hash: str) -> str:
        return self._key.sign(bytes.fromhex(entry_hash)).hex()

    def public_pem(self) -> bytes:
        return self.public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


class TrustedKeys:
    """The public keys an auditor accepts signatures from, by key id (old keys stay listed after a
    rotation, so entries signed before it still check)."""

    def __init__(self, keys: Iterable[Ed25519PublicKey] = ()) -> None:
        self._keys = {key_id_of(key): key for key in keys}

    @classmethod
    def from_pem(cls, text: bytes, source: str = "keys") -> TrustedKeys:
        blocks = [block for block in text.split(b"-----END PUBLIC KEY-----") if b"-----BEGIN PUBLIC KEY-----" in block]
        keys = []
        for block in blocks:
            try:
                key = serialization.load_pem_public_key(block.strip() + b"\n-----END PUBLIC KEY-----\n")
            except ValueError as error:
                raise AuditKeyError(f"{source}: a public key block does not parse ({error})") from None
            if not isinstance(key, Ed25519PublicKey):
                raise AuditKeyError(f"{source}: only Ed25519 public keys are accepted, found {type(key).__name__}")
            keys.append(key)
        if not keys:
            raise AuditKeyError(f"{source}: no PEM public key found")
        return cls(keys)

    @classmethod
    def from_file(cls, path: str | Path) -> TrustedKeys:
        try:
            return cls.from_pem(Path(path).read_bytes(), str(path))
        except OSError as error:
            raise AuditKeyError(f"{path}: cannot read ({error})") from None

    def including(self, *keys: Ed25519PublicKey) -> TrustedKeys:
        return TrustedKeys([*self._keys.values(), *keys])

    def __contains__(self, key_id: str) -> bool:
        return key_id in self._keys

    def ids(self) -> list[str]:
        return sorted(self._keys)

    def signed(self, key_id: str, entry_hash: str, signature: str) -> bool:
        try:
            self._keys[key_id].verify(bytes.fromhex(signature), bytes.fromhex(entry_hash))
        except (KeyError, ValueError, InvalidSignature):
            return False
        return True


# --- entries ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AuditEntry:
    seq: int
    case_id: str
    entry_type: str
    payload: dict[str, Any]
    recorded_at: datetime
    prev_hash: str
    hash: str
    actor: str = ""           # who caused it: the reporting person or system, or the service's timer
    record_digest: str = ""   # the record's state after the change (``digest``), checked against exports
    key_id: str = ""
    signature: str = ""

    def body(self) -> dict[str, Any]:
        """What the hash covers: everything but the hash and the signature."""
        return {"seq": self.seq, "case_id": self.case_id, "entry_type": self.entry_type, "payload": self.payload,
                "recorded_at": self.recorded_at, "prev_hash": self.prev_hash, "actor": self.actor,
                "record_digest": self.record_digest, "key_id": self.key_id}

    def to_dict(self) -> dict[str, Any]:
        return {**self.body(), "hash": self.hash, "signature": self.signature}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AuditEntry:
        return cls(int(data["seq"]), data["case_id"], data["entry_type"], data["payload"],
                   _stored_time(data["recorded_at"]), data["prev_hash"], data["hash"], data.get("actor", ""),
                   data.get("record_digest", ""), data.get("key_id", ""), data.get("signature", ""))

    @classmethod
    def from_canonical(cls, canonical: str, entry_hash: str, signature: str) -> AuditEntry:
        """An entry of an export: its canonical body as written, with its hash and signature."""
        return cls.from_dict({**json.loads(canonical), "hash": entry_hash, "signature": signature})


def entry_hash(prev_hash: str, body: dict[str, Any]) -> str:
    return hashlib.sha256(bytes.fromhex(prev_hash) + canonical_bytes(body)).hexdigest()


def append(head: AuditEntry | None, case_id: str, entry_type: str, payload: dict[str, Any], recorded_at: datetime,
           signer: AuditSigner, actor: str = "", record_digest: str = "") -> AuditEntry:
    """The entry after ``head`` (None: the first entry, linked to the genesis hash), signed."""
    if recorded_at.tzinfo is None:
        raise ValueError(f"recorded_at: expected a timezone-aware datetime, got {recorded_at!r}")
    unsigned = AuditEntry(head.seq + 1 if head else 1, case_id, entry_type, payload, recorded_at.astimezone(timezone.utc),
                          head.hash if head else GENESIS, "", actor, record_digest, signer.key_id)
    hashed = entry_hash(unsigned.prev_hash, unsigned.body())
    return AuditEntry(**{**unsigned.__dict__, "hash": hashed, "signature": signer.sign(hashed)})


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_broken_seq: int = 0
    problem: str = ""      # starts with SEQUENCE_GAP, PREV_LINK_MISMATCH, HASH_MISMATCH, UNKNOWN_KEY or BAD_SIGNATURE
    head: AuditEntry | None = None  # the last entry that checked


def verify_chain(entries: Iterable[AuditEntry], keys: TrustedKeys | None, previous_hash: str = GENESIS,
                 expected_seq: int = 1) -> ChainReport:
    """Walk entries in sequence order and report the first that does not check; with ``keys``,
    every entry must also be signed by one of them. To check a slice, pass the hash and seq + 1 of
    the entry before it."""
    checked, head = 0, None
    for entry in entries:
        if entry.seq != expected_seq:
            return ChainReport(False, checked, expected_seq,
                               f"{SEQUENCE_GAP}: expected entry {expected_seq}, found {entry.seq}", head)
        if entry.prev_hash != previous_hash:
            return ChainReport(False, checked, entry.seq,
                               f"{PREV_LINK_MISMATCH}: prev_hash is not the hash of entry {entry.seq - 1}", head)
        if entry_hash(entry.prev_hash, entry.body()) != entry.hash:
            return ChainReport(False, checked, entry.seq, f"{HASH_MISMATCH}: entry {entry.seq} was altered", head)
        if keys is not None:
            if entry.key_id not in keys:
                return ChainReport(False, checked, entry.seq,
                                   f"{UNKNOWN_KEY}: entry {entry.seq} names key {entry.key_id or '(none)'}, "
                                   f"trusted: {', '.join(keys.ids())}", head)
            if not keys.signed(entry.key_id, entry.hash, entry.signature):
                return ChainReport(False, checked, entry.seq,
                                   f"{BAD_SIGNATURE}: entry {entry.seq} was not signed by key {entry.key_id} "
                                   "(altered and re-hashed?)", head)
        previous_hash, expected_seq, checked, head = entry.hash, expected_seq + 1, checked + 1, entry
    return ChainReport(True, checked, head=head)


# --- anchors ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Anchor:
    """A chain head as published on the anchor topic at ``anchored_at``."""

    service: str
    seq: int
    hash: str
    key_id: str
    signature: str
    anchored_at: datetime


@dataclass
class AnchorReport:
    ok: bool
    checked: int = 0
    problems: list[str] = field(default_factory=list)


def check_anchors(hashes: Mapping[int, str], exported_at: datetime, anchors: Iterable[Anchor],
                  keys: TrustedKeys | None) -> AnchorReport:
    """An export's chain (seq -> hash) against heads published before it was taken: every anchored
    entry must be in it unchanged (a rewritten chain differs; a chain cut short lacks the entry).
    Anchors not signed by a trusted key are ignored, so a forged anchor proves nothing either way."""
    report = AnchorReport(True)
    last = max(hashes, default=0)
    for anchor in anchors:
        if keys is not None and not keys.signed(anchor.key_id, anchor.hash, anchor.signature):
            report.problems.append(f"anchor of entry {anchor.seq} at {anchor.anchored_at.isoformat()} is not signed "
                                   "by a trusted key: ignored")
            continue
        if anchor.seq > last:
            if anchor.anchored_at <= exported_at:
                report.ok = False
                report.problems.append(f"entries deleted: the export ends at entry {last}, but entry {anchor.seq} "
                                       f"was anchored at {anchor.anchored_at.isoformat()}, before the export")
            continue
        report.checked += 1
        if hashes.get(anchor.seq) != anchor.hash:
            report.ok = False
            report.problems.append(f"chain rewritten: entry {anchor.seq} differs from the head anchored at "
                                   f"{anchor.anchored_at.isoformat()}")
    return report


# --- an export, checked offline ----------------------------------------------------------------

@dataclass
class ExportReport:
    """What ``complaints audit verify --export`` found: the chain, the records against it, the anchors."""

    chain: ChainReport
    records_checked: int = 0
    record_problems: list[str] = field(default_factory=list)
    anchors: AnchorReport = field(default_factory=lambda: AnchorReport(True))
    head_problem: str = ""

    @property
    def ok(self) -> bool:
        return self.chain.ok and not self.record_problems and self.anchors.ok and not self.head_problem


def verify_export(items: Iterable[Mapping[str, Any]], anchors: Iterable[Anchor], keys: TrustedKeys) -> ExportReport:
    """An audit export (the lines of ``complaints audit bundle``: records, entries, head) checked
    without the services: every entry linked and signed by a trusted key, the head the last entry,
    each record's state the one its last entry names, and the chain the one the anchors saw."""
    records: dict[str, str] = {}
    entries: list[AuditEntry] = []
    head: Mapping[str, Any] | None = None
    for item in items:
        if item["kind"] == "record":
            records[item["case_id"]] = item["canonical"]
        elif item["kind"] == "entry":
            entries.append(AuditEntry.from_canonical(item["canonical"], item["hash"], item["signature"]))
        elif item["kind"] == "head":
            head = item
    chain_report = verify_chain(entries, keys)
    report = ExportReport(chain_report)
    last = entries[-1] if entries else None
    if head is None:
        report.head_problem = "the export has no head line: it was cut short"
    elif last is None or (int(head["seq"]), head["hash"]) != (last.seq, last.hash):
        report.head_problem = (f"the head names entry {head['seq']}, the export's last entry is "
                               f"{last.seq if last else 'none'}: entries are missing")
    named = {entry.case_id: entry.record_digest for entry in entries if entry.record_digest}
    for case_id, canonical in sorted(records.items()):
        report.records_checked += 1
        state = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
        if case_id not in named:
            report.record_problems.append(f"record {case_id}: no entry of the chain names it")
        elif named[case_id] != state:
            report.record_problems.append(f"record {case_id}: differs from the state its last entry names "
                                          "(changed outside the audited path)")
    if head is not None:
        exported_at = _stored_time(head["exported_at"])
        report.anchors = check_anchors({entry.seq: entry.hash for entry in entries}, exported_at, anchors, keys)
    return report


def anchor_from_dict(data: Mapping[str, Any]) -> Anchor:
    return Anchor(data["service"], int(data["seq"]), data["hash"], data["key_id"], data["signature"],
                  _stored_time(data["anchored_at"]))
