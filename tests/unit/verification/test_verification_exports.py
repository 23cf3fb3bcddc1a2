import csv
import io
import json

import pytest

from services.verification.domain.audit import append_all, entry_hash
from services.verification.domain.errors import InvalidInput, InvalidPageToken
from services.verification.domain.export import (AUDIT_COLUMNS, RECORD_COLUMNS, audit_csv, audit_json_line,
                                                 record_json_line, record_row, records_csv)
from services.verification.domain.query import EntryFilter, RecordFilter, page_entries, page_records
from verification_builders import CLOSES_AT, DAY, T0, finding, fulfilled, opened


def many_records():
    records = [opened(f"C{i}", closed_at=T0 + (i % 3) * DAY) for i in range(7)]
    for record in records[:4]:
        record.on_capa_report(finding(record.case_id, unit="gz-ops" if record.case_id < "C2" else "sz-ops"), T0)
    return records


def test_record_row_has_the_stable_columns_and_values():
    record = fulfilled()
    record.tick(CLOSES_AT)
    row = record_row(record, CLOSES_AT)
    assert tuple(row) == RECORD_COLUMNS
    assert row["status"] == "CLOSED" and row["management_closed_at"] == "2026-03-31T09:00:00Z"
    assert row["corrective_actions"] == "CA-1" and row["callback"] == "SATISFIED" and row["blockers"] == ""


def test_records_csv_parses_back_with_a_header():
    rows = list(csv.reader(io.StringIO(records_csv(many_records()[:2], T0))))
    assert tuple(rows[0]) == RECORD_COLUMNS and len(rows) == 3
    assert rows[1][0] == "C0" and "callback pending" in rows[1][-1]


def test_record_json_line_is_sorted_and_complete():
    line = record_json_line(fulfilled(), T0)
    data = json.loads(line)
    assert list(data) == sorted(data) and "applied_event_ids" not in data
    assert data["actions"][0]["verified_at"] == "2026-03-03T08:00:00.000Z"


def test_audit_exports_let_an_auditor_recompute_the_hash():
    entries = append_all(None, [("C1", "CallbackRecorded", {"outcome": "SATISFIED"})], T0)
    rows = list(csv.DictReader(io.StringIO(audit_csv(entries))))
    assert tuple(rows[0]) == AUDIT_COLUMNS and rows[0]["payload"] == '{"outcome":"SATISFIED"}'
    line = json.loads(audit_json_line(entries[0]))
    digest = line.pop("hash")
    assert entry_hash(line["prev_hash"], line) == digest == entries[0].hash


def test_filters_by_unit_class_result_and_period():
    records = many_records()
    assert [r.case_id for r in page_records(records, RecordFilter(responsible_unit="gz-ops")).items] == ["C0", "C1"]
    assert len(page_records(records, RecordFilter(root_cause_class="cell_capacity")).items) == 4
    assert page_records(records, RecordFilter(result="CLOSED")).items == []
    in_period = page_records(records, RecordFilter(period_from=T0 + DAY, period_to=T0 + 2 * DAY)).items
    assert [r.case_id for r in in_period] == ["C1", "C4"]
    with pytest.raises(InvalidInput, match="result: expected one of"):
        RecordFilter(result="DONE")


def test_pages_walk_every_record_once_in_a_stable_order():
    records = many_records()
    seen, token = [], ""
    while True:
        page = page_records(list(reversed(records)), RecordFilter(), 3, token)
        seen += [r.case_id for r in page.items]
        token = page.next_token
        if not token:
            break
    assert seen == ["C0", "C3", "C6", "C1", "C4", "C2", "C5"]   # by opening time, then case id


def test_exactly_one_page_has_no_next_token():
    assert page_records(many_records()[:3], RecordFilter(), 3).next_token == ""


def test_tokens_are_bound_to_their_filter_and_checked():
    records = many_records()
    token = page_records(records, RecordFilter(), 2).next_token
    with pytest.raises(InvalidPageToken, match="another filter"):
        page_records(records, RecordFilter(root_cause_class="cell_capacity"), 2, token)
    with pytest.raises(InvalidPageToken, match="not a token"):
        page_records(records, RecordFilter(), 2, "bm90LWpzb24")
    with pytest.raises(InvalidInput, match="page_size"):
        page_records(records, RecordFilter(), 501)


def test_audit_entries_page_by_sequence():
    entries = append_all(None, [(f"C{i % 2}", "T", {"i": i}) for i in range(5)], T0)
    first = page_entries(reversed(entries), EntryFilter(case_id="C0"), 2)
    assert [e.seq for e in first.items] == [1, 3]
    assert [e.seq for e in page_entries(entries, EntryFilter(case_id="C0"), 2, first.next_token).items] == [5]
