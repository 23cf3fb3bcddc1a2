"""The customer directory loader: CSV checks (pure) and batched upserts (fake collection)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from pymongo import ReplaceOne

from services.intake import directory


def test_reads_rows_with_a_bom_and_blank_lines():
    parsed = directory.parse_directory("\ufeffcustomer_id,tier,region\r\nC1,1,gz\r\n\r\n , , \r\nC2, 3 ,\r\n")
    assert parsed.error_count == 0
    assert parsed.rows == 2
    assert parsed.entries == {"C1": {"tier": 1, "region": "gz"}, "C2": {"tier": 3, "region": None}}


def test_region_is_optional_and_columns_may_be_reordered():
    parsed = directory.parse_directory("tier,customer_id\n2,C1\n")
    assert parsed.entries == {"C1": {"tier": 2, "region": None}}


def test_a_bad_tier_names_the_line_and_column():
    text = "customer_id,tier,region\n" + "".join(f"C{n},1,gz\n" for n in range(5)) + "C5,5,gz\n"
    parsed = directory.parse_directory(text)
    assert parsed.errors == ["line 7, tier: expected 1, 2 or 3, got '5'"]
    assert parsed.entries == {}  # nothing to write


@pytest.mark.parametrize("row, message", [
    (",1,gz", "line 2, customer_id: must not be empty"),
    ("X" * 201 + ",1,gz", "line 2, customer_id: at most 200 characters, got 201"),
    ("C1,,gz", "line 2, tier: expected 1, 2 or 3, got ''"),
    ("C1", "line 2, tier: expected 1, 2 or 3, got nothing"),
    ("C1,0,gz", "line 2, tier: expected 1, 2 or 3, got '0'"),
    ("C1,1,gz,extra", "line 2: expected 3 columns as in the header, got 4 (quote values that contain commas)"),
])
def test_row_errors(row, message):
    assert directory.parse_directory(f"customer_id,tier,region\n{row}\n").errors == [message]


def test_a_200_character_id_is_accepted():
    assert directory.parse_directory("customer_id,tier\n" + "X" * 200 + ",2\n").entries == {"X" * 200: {
        "tier": 2, "region": None}}


def test_a_missing_column_is_reported_on_the_header():
    parsed = directory.parse_directory("customer_id,region\nC1,gz\n")
    assert parsed.errors == ["line 1, header: missing column tier (expected customer_id,tier,region; "
                             "got customer_id,region)"]


def test_an_empty_file_is_an_error():
    assert directory.parse_directory("\ufeff\n\n").errors == [
        "line 1: the file is empty; expected the header customer_id,tier,region"]


def test_duplicate_ids_last_row_wins_and_are_counted():
    parsed = directory.parse_directory("customer_id,tier,region\nC1,1,gz\nC2,2,sz\nC1,3,fs\nC1,2,fs\n")
    assert parsed.duplicates == 2
    assert parsed.entries == {"C2": {"tier": 2, "region": "sz"}, "C1": {"tier": 2, "region": "fs"}}


def test_at_most_20_errors_are_kept_but_all_are_counted():
    parsed = directory.parse_directory("customer_id,tier\n" + "".join(f"C{n},9\n" for n in range(30)))
    assert parsed.error_count == 30
    assert len(parsed.errors) == 20
    assert parsed.errors[-1] == "line 21, tier: expected 1, 2 or 3, got '9'"


def test_bytes_that_are_not_utf8_name_the_line():
    with pytest.raises(ValueError, match="line 3: not UTF-8"):
        directory.decode("customer_id,tier,region\nC1,1,gz\nC2,1,广州\n".encode("gb18030"))
    assert directory.decode("\ufeffcustomer_id,tier\n".encode("utf-8")) == "customer_id,tier\n"


class FakeVersions:
    def __init__(self) -> None:
        self.updates: list[tuple] = []

    def update_one(self, query, change, upsert=False):
        self.updates.append((query, change, upsert))


class FakeCollection:
    def __init__(self, fail_on_call: int | None = None) -> None:
        self.calls: list[dict] = []
        self.fail_on_call = fail_on_call
        self.database = {directory.VERSION_COLLECTION: FakeVersions()}

    def bulk_write(self, requests, ordered=True):
        from pymongo.errors import AutoReconnect

        if self.fail_on_call is not None and len(self.calls) == self.fail_on_call:
            raise AutoReconnect("connection closed")
        self.calls.append({"requests": list(requests), "ordered": ordered})
        return SimpleNamespace(upserted_count=len(requests), modified_count=0, matched_count=0)


def test_writes_in_batches_of_1000_with_replace_one_upserts():
    entries = {f"C{n}": {"tier": n % 3 + 1, "region": "gz" if n % 2 else None} for n in range(2500)}
    collection, seen = FakeCollection(), []
    counts = directory.write_entries(collection, entries, progress=lambda done, total: seen.append((done, total)))
    assert [len(call["requests"]) for call in collection.calls] == [1000, 1000, 500]
    assert all(call["ordered"] is True for call in collection.calls)
    assert collection.calls[0]["requests"][0] == ReplaceOne({"_id": "C0"}, {"tier": 1, "region": None}, upsert=True)
    assert collection.calls[2]["requests"][-1] == ReplaceOne({"_id": "C2499"}, {"tier": 1, "region": "gz"},
                                                             upsert=True)
    assert seen == [(1000, 2500), (2000, 2500), (2500, 2500)]
    assert counts == {"loaded": 2500, "new": 2500, "changed": 0, "unchanged": 0}


def test_load_command_prints_progress_and_a_summary(tmp_path, capsys):
    source = tmp_path / "customers.csv"
    source.write_text("customer_id,tier,region\n" + "".join(f"C{n},2,gz\n" for n in range(3000)) + "C1,1,sz\n",
                      encoding="utf-8-sig")
    collection, opened = FakeCollection(), []

    def connect(uri, database):
        opened.append((uri, database))
        return collection, None

    code = directory.main(["load", str(source), "--mongodb-uri", "mongodb://db:27017/", "--database", "intake"],
                          connect=connect)
    assert code == 0
    assert opened == [("mongodb://db:27017/", "intake")]
    captured = capsys.readouterr()
    assert "loaded 1000/3000 ..." in captured.err and "loaded 3000/3000 ..." in captured.err
    assert "warning: 1 row repeated an earlier customer id" in captured.err
    assert "loaded 3000 customers into intake.customer_directory: 3000 new" in captured.out
    last = collection.calls[-1]["requests"][-1]
    assert last == ReplaceOne({"_id": "C1"}, {"tier": 1, "region": "sz"}, upsert=True)
    # intake reads the directory again when this count moves
    assert collection.database[directory.VERSION_COLLECTION].updates == [
        ({"_id": "version"}, {"$inc": {"value": 1}}, True)]


def test_phones_are_read_in_any_notation_and_kept_canonical():
    parsed = directory.parse_directory(
        "customer_id,tier,region,phones\nC1,1,gz,138 0013 8000; +86-20-1234-5678\nC2,2,sz,\n")
    assert parsed.entries == {"C1": {"tier": 1, "region": "gz", "phones": ["+8613800138000", "+862012345678"]},
                              "C2": {"tier": 2, "region": "sz", "phones": []}}
    collection = FakeCollection()
    directory.write_entries(collection, parsed.entries)
    assert collection.calls[0]["requests"][0] == ReplaceOne(
        {"_id": "C1"}, {"tier": 1, "region": "gz", "phones": ["+8613800138000", "+862012345678"]}, upsert=True)


def test_a_bad_phone_names_the_line_and_column():
    parsed = directory.parse_directory("customer_id,tier,phones\nC1,1,12345\n")
    assert parsed.errors == ["line 2, phones: '12345' is not a phone number"] and parsed.entries == {}


def test_load_command_with_errors_writes_nothing(tmp_path, capsys):
    source = tmp_path / "customers.csv"
    source.write_text("customer_id,tier\nC1,1\nC2,7\n", encoding="utf-8")
    connected = []
    code = directory.main(["load", str(source)], connect=lambda *a: connected.append(a))
    assert code == 1
    assert connected == []
    assert "line 3, tier: expected 1, 2 or 3, got '7'" in capsys.readouterr().err


def test_load_command_reports_a_database_failure(tmp_path, capsys):
    source = tmp_path / "customers.csv"
    source.write_text("customer_id,tier\n" + "".join(f"C{n},1\n" for n in range(1500)), encoding="utf-8")
    code = directory.main(["load", str(source), "--mongodb-uri", "mongodb://user:pw@db:27017/"],
                          connect=lambda uri, db: (FakeCollection(fail_on_call=1), None))
    assert code == 2
    err = capsys.readouterr().err
    assert "after 1000/1500 customers" in err and "AutoReconnect" in err
    assert "pw" not in err.replace("mongodb://***@db", "")


def test_defaults_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("MONGODB_URI", "mongodb://envhost:1/")
    monkeypatch.setenv("MONGODB_DATABASE", "envdb")
    args = directory.parser().parse_args(["load", "x.csv"])
    assert (args.mongodb_uri, args.database) == ("mongodb://envhost:1/", "envdb")
    monkeypatch.delenv("MONGODB_URI")
    monkeypatch.delenv("MONGODB_DATABASE")
    args = directory.parser().parse_args(["load", "x.csv"])
    assert (args.mongodb_uri, args.database) == ("mongodb://127.0.0.1:27017/?retryWrites=false", "complaints_intake")


def test_parsing_does_not_need_pymongo():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(directory))
    top_level = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    assert not [node for node in top_level if "pymongo" in ast.dump(node)]
