import hashlib
from dataclasses import replace
from datetime import datetime, timezone

from hypothesis import given, strategies as st

from services.verification.domain.audit import (GENESIS, AuditEntry, append, append_all, canonical_bytes,
                                                verify_chain)
from services.verification.domain.events import audit_payload
from verification_builders import T0, fulfilled


def chain(n: int = 4) -> list[AuditEntry]:
    return append_all(None, [(f"C{i % 2}", "CallbackRecorded", {"outcome": "SATISFIED", "i": i}) for i in range(n)],
                      T0)


def test_canonical_bytes_are_sorted_compact_utf8_with_z_times():
    moment = datetime(2026, 3, 1, 16, 0, 0, 123456, tzinfo=timezone.utc)
    assert canonical_bytes({"b": 1, "a": "回访", "t": moment}) == (
        '{"a":"回访","b":1,"t":"2026-03-01T16:00:00.123Z"}'.encode("utf-8"))


def test_first_entry_links_to_genesis_and_hash_is_the_documented_formula():
    first = append(None, "C1", "VerificationOpened", {"loop": 1}, T0)
    assert (first.seq, first.prev_hash) == (1, GENESIS)
    body = (b'{"case_id":"C1","entry_type":"VerificationOpened","payload":{"loop":1},'
            b'"prev_hash":"' + GENESIS.encode() + b'","recorded_at":"2026-03-01T08:00:00.000Z","seq":1}')
    assert first.hash == hashlib.sha256(bytes(32) + body).hexdigest()


def test_intact_chain_checks():
    entries = chain()
    assert [e.seq for e in entries] == [1, 2, 3, 4]
    report = verify_chain(entries)
    assert (report.ok, report.checked, report.first_broken_seq) == (True, 4, 0)


def test_altered_payload_is_a_hash_mismatch_at_that_entry():
    entries = chain()
    entries[2] = replace(entries[2], payload={"outcome": "UNSATISFIED", "i": 2})
    report = verify_chain(entries)
    assert (report.ok, report.checked, report.first_broken_seq) == (False, 2, 3)
    assert report.problem.startswith("hash mismatch")


def test_deleted_entry_is_a_sequence_gap():
    entries = chain()
    del entries[1]
    report = verify_chain(entries)
    assert (report.ok, report.first_broken_seq) == (False, 2)
    assert report.problem == "sequence gap: expected entry 2, found 3"


def test_deleted_and_renumbered_is_a_prev_link_mismatch():
    entries = chain()
    del entries[1]
    entries[1] = replace(entries[1], seq=2)
    report = verify_chain(entries)
    assert (report.first_broken_seq, report.problem.split(":")[0]) == (2, "prev link mismatch")


def test_a_slice_checks_from_the_entry_before_it():
    entries = chain(6)
    assert verify_chain(entries[3:], entries[2].hash, 4).ok
    assert not verify_chain(entries[3:]).ok


def test_entries_round_trip_through_storage_with_millisecond_naive_times():
    entry = append(None, "C1", "X", {"at": datetime(2026, 3, 1, 8, 0, 0, 999999, tzinfo=timezone.utc)},
                   datetime(2026, 3, 1, 8, 0, 0, 123456, tzinfo=timezone.utc))
    stored = entry.to_dict()
    stored["recorded_at"] = datetime(2026, 3, 1, 8, 0, 0, 123000)   # what MongoDB gives back
    stored["payload"] = {"at": datetime(2026, 3, 1, 8, 0, 0, 999000)}
    assert verify_chain([AuditEntry.from_dict(stored)]).ok


def test_a_records_events_chain_up():
    record = fulfilled()
    items = [("C1", *audit_payload(event)) for event in record.tick(datetime(2026, 4, 1, tzinfo=timezone.utc))]
    entries = append_all(chain(2)[-1], items, T0)
    assert entries[0].seq == 3 and entries[0].entry_type == "CaseClosed"


@given(st.lists(st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=5), max_size=3),
                min_size=1, max_size=8),
       st.data())
def test_any_single_change_is_detected_at_or_before_it(payloads, data):
    entries = append_all(None, [("C", "T", payload) for payload in payloads], T0)
    victim = data.draw(st.integers(0, len(entries) - 1))
    tampered = list(entries)
    tampered[victim] = replace(entries[victim], payload={**entries[victim].payload, "tampered": True})
    report = verify_chain(tampered)
    assert not report.ok and report.first_broken_seq == victim + 1
