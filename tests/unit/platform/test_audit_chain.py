"""The audit chain as an attacker would try it: an entry altered and the chain re-hashed, entries
deleted at the end, the whole chain rewritten with another key or with the stolen one, a forged
anchor. Signatures catch what the hashes alone did not; anchors catch what signatures alone cannot."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, strategies as st

from complaint_platform.audit_chain import (GENESIS, Anchor, AuditEntry, AuditKeyError, AuditSigner, TrustedKeys,
                                            append, canonical_bytes, check_anchors, digest, entry_hash,
                                            new_signing_key_pem, verify_chain)

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=timezone.utc)
SIGNER = AuditSigner(Ed25519PrivateKey.generate())
KEYS = TrustedKeys([SIGNER.public_key])


def chain(n: int = 4, signer: AuditSigner = SIGNER, payloads=None) -> list[AuditEntry]:
    entries, head = [], None
    for i, payload in enumerate(payloads or [{"outcome": "SATISFIED", "i": i} for i in range(n)]):
        head = append(head, f"C{i % 2}", "CallbackRecorded", payload, T0 + timedelta(minutes=i), signer,
                      actor=f"callback-centre:agent-{i}", record_digest=digest({"i": i}))
        entries.append(head)
    return entries


def rehashed(entries: list[AuditEntry], start: int, change) -> list[AuditEntry]:
    """What someone with write access to the database but not the key can do: alter entry
    ``start`` and recompute every hash and link after it (signatures copied as they were)."""
    out = list(entries[:start])
    previous = out[-1].hash if out else GENESIS
    for index, entry in enumerate(entries[start:]):
        altered = change(entry) if index == 0 else entry
        altered = replace(altered, prev_hash=previous)
        altered = replace(altered, hash=entry_hash(previous, altered.body()))
        out.append(altered)
        previous = altered.hash
    return out


def test_canonical_bytes_are_sorted_compact_utf8_with_z_times():
    moment = datetime(2026, 3, 1, 16, 0, 0, 123456, tzinfo=timezone.utc)
    assert canonical_bytes({"b": 1, "a": "回访", "t": moment}) == (
        '{"a":"回访","b":1,"t":"2026-03-01T16:00:00.123Z"}'.encode("utf-8"))


def test_the_hash_is_the_documented_formula_and_the_signature_is_over_it():
    first = chain(1)[0]
    assert (first.seq, first.prev_hash, first.key_id) == (1, GENESIS, SIGNER.key_id)
    assert first.hash == hashlib.sha256(bytes(32) + canonical_bytes(first.body())).hexdigest()
    assert b'"actor":"callback-centre:agent-0"' in canonical_bytes(first.body())
    SIGNER.public_key.verify(bytes.fromhex(first.signature), bytes.fromhex(first.hash))  # raises if not


def test_an_intact_chain_checks_with_its_key():
    report = verify_chain(chain(), KEYS)
    assert (report.ok, report.checked, report.head.seq) == (True, 4, 4)


def test_an_entry_altered_and_the_chain_re_hashed_is_caught_by_its_signature():
    forged = rehashed(chain(), 2, lambda e: replace(e, payload={**e.payload, "outcome": "UNSATISFIED"}))
    assert verify_chain(forged, None).ok  # the links alone are satisfied: why entries are signed
    report = verify_chain(forged, KEYS)
    assert (report.ok, report.first_broken_seq) == (False, 3)
    assert report.problem.startswith("signature mismatch: entry 3")


def test_the_actor_and_the_record_digest_are_covered():
    for change in (lambda e: replace(e, actor="someone-else"), lambda e: replace(e, record_digest="0" * 64)):
        entries = chain()
        entries[1] = change(entries[1])
        assert verify_chain(entries, KEYS).problem.startswith("hash mismatch: entry 2")


def test_a_chain_rewritten_with_another_key_names_the_unknown_key():
    other = AuditSigner(Ed25519PrivateKey.generate())
    report = verify_chain(chain(signer=other), KEYS)
    assert (report.ok, report.first_broken_seq) == (False, 1) and report.problem.startswith("unknown key")


def test_after_a_rotation_both_keys_check_when_both_are_trusted():
    new = AuditSigner(Ed25519PrivateKey.generate())
    old_part = chain(2)
    head = append(old_part[-1], "C9", "CaseClosed", {}, T0 + timedelta(hours=1), new)
    assert verify_chain([*old_part, head], KEYS.including(new.public_key)).ok
    assert not verify_chain([*old_part, head], KEYS).ok


def test_deletions_and_renumbering_break_the_links():
    entries = chain()
    del entries[1]
    assert verify_chain(entries, KEYS).problem == "sequence gap: expected entry 2, found 3"
    entries[1] = replace(entries[1], seq=2)
    assert verify_chain(entries, KEYS).problem.startswith("prev link mismatch")


def test_a_slice_checks_from_the_entry_before_it():
    entries = chain(6)
    assert verify_chain(entries[3:], KEYS, entries[2].hash, 4).ok
    assert not verify_chain(entries[3:], KEYS).ok


def test_entries_round_trip_through_storage_and_export():
    entry = append(None, "C1", "X", {"at": datetime(2026, 3, 1, 8, 0, 0, 999999, tzinfo=timezone.utc)},
                   datetime(2026, 3, 1, 8, 0, 0, 123456, tzinfo=timezone.utc), SIGNER)
    stored = entry.to_dict()
    stored["recorded_at"] = datetime(2026, 3, 1, 8, 0, 0, 123000)   # what MongoDB gives back
    stored["payload"] = {"at": datetime(2026, 3, 1, 8, 0, 0, 999000)}
    assert verify_chain([AuditEntry.from_dict(stored)], KEYS).ok
    exported = AuditEntry.from_canonical(canonical_bytes(entry.body()).decode(), entry.hash, entry.signature)
    assert verify_chain([exported], KEYS).ok


def anchor(entry: AuditEntry, at: datetime) -> Anchor:
    return Anchor("verification", entry.seq, entry.hash, entry.key_id, entry.signature, at)


def test_entries_deleted_at_the_end_are_caught_by_an_earlier_anchor():
    entries = chain(6)
    anchors = [anchor(entries[2], T0 + timedelta(hours=1)), anchor(entries[5], T0 + timedelta(hours=2))]
    cut = entries[:4]
    assert verify_chain(cut, KEYS).ok  # a shorter chain is a valid chain
    report = check_anchors({e.seq: e.hash for e in cut}, T0 + timedelta(hours=3), anchors, KEYS)
    assert not report.ok and "entries deleted: the export ends at entry 4, but entry 6" in report.problems[0]
    # an anchor published after the export was taken proves nothing about it
    assert check_anchors({e.seq: e.hash for e in cut}, T0 + timedelta(minutes=90), anchors, KEYS).ok


def test_a_whole_chain_rewritten_with_the_stolen_key_differs_from_the_anchors():
    entries = chain(4)
    anchors = [anchor(entries[3], T0 + timedelta(hours=1))]
    rewritten = chain(4, payloads=[{"outcome": "UNSATISFIED", "i": i} for i in range(4)])
    assert verify_chain(rewritten, KEYS).ok
    report = check_anchors({e.seq: e.hash for e in rewritten}, T0 + timedelta(hours=2), anchors, KEYS)
    assert not report.ok and report.problems == [
        f"chain rewritten: entry 4 differs from the head anchored at {(T0 + timedelta(hours=1)).isoformat()}"]


def test_a_forged_anchor_is_ignored_not_believed():
    entries = chain(3)
    forged = Anchor("verification", 9, "ab" * 32, SIGNER.key_id, "00" * 64, T0)
    report = check_anchors({e.seq: e.hash for e in entries}, T0 + timedelta(hours=1), [forged], KEYS)
    assert report.ok and report.checked == 0 and "not signed by a trusted key" in report.problems[0]


def test_key_files_are_read_and_bad_ones_named(tmp_path):
    private = tmp_path / "key.pem"
    private.write_bytes(new_signing_key_pem())
    signer = AuditSigner.from_file(private)
    public = tmp_path / "keys.pem"
    public.write_bytes(signer.public_pem() + SIGNER.public_pem())
    assert TrustedKeys.from_file(public).ids() == sorted([signer.key_id, SIGNER.key_id])
    (tmp_path / "bad.pem").write_text("not a key")
    with pytest.raises(AuditKeyError, match="bad.pem: not a readable PEM private key"):
        AuditSigner.from_file(tmp_path / "bad.pem")
    with pytest.raises(AuditKeyError, match="no PEM public key"):
        TrustedKeys.from_file(tmp_path / "bad.pem")


@given(st.lists(st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=5), max_size=3),
                min_size=1, max_size=8), st.data())
def test_any_single_change_re_hashed_or_not_is_detected_at_that_entry(payloads, data):
    entries = chain(payloads=payloads)
    victim = data.draw(st.integers(0, len(entries) - 1))
    change = lambda e: replace(e, payload={**e.payload, "tampered": True})  # noqa: E731
    tampered = list(entries)
    tampered[victim] = change(entries[victim])
    for forged in (tampered, rehashed(entries, victim, change)):
        report = verify_chain(forged, KEYS)
        assert not report.ok and report.first_broken_seq == victim + 1
