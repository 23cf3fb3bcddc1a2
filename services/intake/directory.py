"""Load the customer directory (tiers, regions and phone numbers for intake) from the operator's CSV export.

    python -m services.intake.directory load customers.csv
    python -m services.intake.directory load customers.csv --mongodb-uri mongodb://db:27017/ --database complaints_intake

The CSV (UTF-8, with or without a BOM) has the header ``customer_id,tier,region,phones`` (region and phones
optional, other columns ignored; ``phones`` holds the customer's numbers in any notation, separated by ``;``,
``|`` or ``/``). Intake resolves a submission that names no customer id by its phone through them.
Every row is checked before anything is written; with any error, up to 20 are reported
(line number and column) and nothing is written. Rows are then upserted by customer id into
``customer_directory`` in batches of 1000, so loading the same file twice changes nothing; customers absent
from the file are left as they are. A customer id given twice keeps its last row.

Exit codes: 0 loaded (or checked, with --dry-run), 1 the file has errors (nothing written), 2 usage error,
the file cannot be read, or the database failed.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from services.intake.domain.normalise import canonical_phone

COLLECTION = "customer_directory"  # documents.CustomerDirectoryEntry
VERSION_COLLECTION = "customer_directory_version"  # counted up by each load; intake reads the directory again
_PHONE_SEPARATORS = re.compile(r"[;|/]")   # not spaces: "138 0013 8000" is one number
REQUIRED_COLUMNS = ("customer_id", "tier")
TIERS = {"1": 1, "2": 2, "3": 3}
MAX_ID_LENGTH = 200
MAX_ERRORS = 20
BATCH_SIZE = 1000
DEFAULT_URI = "mongodb://127.0.0.1:27017/?retryWrites=false"
DEFAULT_DATABASE = "complaints_intake"
OK, INVALID, FAILED = 0, 1, 2


@dataclass
class Parsed:
    """The outcome of reading a directory CSV: entries by customer id, or errors."""

    entries: dict[str, dict[str, Any]] = field(default_factory=dict)  # customer id -> {"tier", "region"}
    errors: list[str] = field(default_factory=list)  # the first MAX_ERRORS
    error_count: int = 0
    rows: int = 0  # data rows read (blank lines not counted)
    duplicates: int = 0  # rows whose customer id appeared on an earlier row

    def error(self, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(message)


def parse_directory(text: str) -> Parsed:
    """Check every row of a directory CSV (already decoded); no database involved."""
    parsed = Parsed()
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = next(reader, None)
        while header is not None and not any(cell.strip() for cell in header):
            header = next(reader, None)  # blank lines before the header
        if header is None:
            parsed.error("line 1: the file is empty; expected the header customer_id,tier,region")
            return parsed
        columns = [cell.strip().lower() for cell in header]
        missing = [name for name in REQUIRED_COLUMNS if name not in columns]
        if missing:
            parsed.error(f"line {reader.line_num}, header: missing column {', '.join(missing)} "
                         f"(expected customer_id,tier,region; got {','.join(header)})")
            return parsed
        position = {name: columns.index(name) for name in ("customer_id", "tier", "region", "phones")
                    if name in columns}
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            parsed.rows += 1
            line = reader.line_num
            if len(row) > len(header):
                parsed.error(f"line {line}: expected {len(header)} columns as in the header, got {len(row)} "
                             "(quote values that contain commas)")
                continue

            def cell(name: str) -> str | None:
                index = position.get(name)
                return row[index].strip() if index is not None and index < len(row) else None

            customer_id, tier_text, region = cell("customer_id"), cell("tier"), cell("region")
            phones = []
            for number in (part.strip() for part in _PHONE_SEPARATORS.split(cell("phones") or "")):
                if number and not canonical_phone(number):
                    parsed.error(f"line {line}, phones: {number!r} is not a phone number")
                elif number:
                    phones.append(canonical_phone(number))
            problems = False
            if not customer_id:
                parsed.error(f"line {line}, customer_id: must not be empty")
                problems = True
            elif len(customer_id) > MAX_ID_LENGTH:
                parsed.error(f"line {line}, customer_id: at most {MAX_ID_LENGTH} characters, "
                             f"got {len(customer_id)}")
                problems = True
            tier = TIERS.get(tier_text or "")
            if tier is None:
                got = "nothing" if tier_text is None else repr(tier_text)
                parsed.error(f"line {line}, tier: expected 1, 2 or 3, got {got}")
                problems = True
            if problems or parsed.error_count:
                continue  # once anything is wrong nothing is written; keep checking only
            if customer_id in parsed.entries:
                parsed.duplicates += 1
                del parsed.entries[customer_id]  # the last row wins, and takes the last position
            parsed.entries[customer_id] = {"tier": tier, "region": region or None}
            if "phones" in position:
                parsed.entries[customer_id]["phones"] = list(dict.fromkeys(phones))
    except csv.Error as error:
        parsed.error(f"line {reader.line_num}: not readable as CSV ({error})")
    if parsed.error_count:
        parsed.entries.clear()
    return parsed


def decode(data: bytes) -> str:
    """UTF-8 with or without a BOM; a bad byte is reported with its line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise ValueError(f"line {line}: not UTF-8 (byte 0x{data[error.start]:02x}); "
                         "save the file as UTF-8 (CSV UTF-8 in Excel)") from None


def write_entries(collection: Any, entries: dict[str, dict[str, Any]], batch_size: int = BATCH_SIZE,
                  progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Upsert every entry (ReplaceOne on _id) in batches with bulk_write; returns the counts."""
    from pymongo import ReplaceOne

    items = list(entries.items())
    counts = {"loaded": 0, "new": 0, "changed": 0, "unchanged": 0}
    for start in range(0, len(items), batch_size):
        batch = items[start:start + batch_size]
        result = collection.bulk_write(
            [ReplaceOne({"_id": customer_id}, {"tier": entry["tier"], "region": entry["region"],
                                               **({"phones": entry["phones"]} if "phones" in entry else {})},
                        upsert=True)
             for customer_id, entry in batch], ordered=True)
        counts["loaded"] += len(batch)
        counts["new"] += result.upserted_count
        counts["changed"] += result.modified_count
        counts["unchanged"] += result.matched_count - result.modified_count
        if progress:
            progress(counts["loaded"], len(items))
    return counts


def mark_loaded(collection: Any) -> None:
    """Count the load: intake checks this number every few seconds and reads the directory again."""
    collection.database[VERSION_COLLECTION].update_one({"_id": "version"}, {"$inc": {"value": 1}}, upsert=True)


def connect_collection(uri: str, database: str) -> tuple[Any, Any]:
    """The one place the real database is reached; returns (collection, client)."""
    from pymongo import MongoClient

    client = MongoClient(uri, serverSelectionTimeoutMS=10000, tz_aware=True)
    return client[database][COLLECTION], client


def mask_uri(uri: str) -> str:
    return re.sub(r"(://)[^@/]*@", r"\1***@", uri)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="python -m services.intake.directory",
        description="The customer directory that gives intake each customer's tier.",
        epilog="exit codes: 0 loaded, 1 the file has errors (nothing written), 2 usage error, "
               "unreadable file or database failure")
    commands = top.add_subparsers(dest="command", required=True, metavar="{load}")
    load = commands.add_parser(
        "load", help="upsert customers from a CSV file",
        description="Check every row of FILE (header customer_id,tier,region; region optional; UTF-8 with or "
                    "without a BOM), then upsert the rows by customer id into the customer_directory "
                    f"collection in batches of {BATCH_SIZE}. With any error, nothing is written.")
    load.add_argument("file", metavar="FILE.csv", help="the CSV file ('-' for stdin)")
    load.add_argument("--mongodb-uri", default=os.environ.get("MONGODB_URI") or DEFAULT_URI,
                      help="the database server (default: $MONGODB_URI or %(default)s)")
    load.add_argument("--database", default=os.environ.get("MONGODB_DATABASE") or DEFAULT_DATABASE,
                      help="intake's database (default: $MONGODB_DATABASE or %(default)s)")
    load.add_argument("--dry-run", action="store_true", help="check the file only; write nothing")
    return top


def main(argv: list[str] | None = None,
         connect: Callable[[str, str], tuple[Any, Any]] = connect_collection) -> int:
    args = parser().parse_args(argv)
    try:
        data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
        parsed = parse_directory(decode(data))
    except OSError as error:
        print(f"cannot read {args.file}: {error.strerror or error}", file=sys.stderr)
        return FAILED
    except ValueError as error:
        print(f"{args.file}: {error}; nothing written", file=sys.stderr)
        return INVALID
    if parsed.error_count:
        for message in parsed.errors:
            print(f"{args.file}: {message}", file=sys.stderr)
        more = parsed.error_count - len(parsed.errors)
        print(f"{parsed.error_count} error{'s' * (parsed.error_count != 1)}"
              f"{f' ({more} not shown)' if more else ''}; nothing written", file=sys.stderr)
        return INVALID
    if parsed.duplicates:
        print(f"warning: {parsed.duplicates} row{'s' * (parsed.duplicates != 1)} repeated an earlier customer id; "
              "the last row for each id is used", file=sys.stderr)
    if args.dry_run:
        print(f"{args.file}: {parsed.rows} rows OK, {len(parsed.entries)} customers; nothing written (--dry-run)")
        return OK
    where = f"{mask_uri(args.mongodb_uri)} {args.database}.{COLLECTION}"
    client = None
    loaded = 0

    def progress(done: int, total: int) -> None:
        nonlocal loaded
        loaded = done
        print(f"loaded {done}/{total} ...", file=sys.stderr, flush=True)

    try:
        from pymongo.errors import PyMongoError

        collection, client = connect(args.mongodb_uri, args.database)
        counts = write_entries(collection, parsed.entries, progress=progress)
        mark_loaded(collection)
    except PyMongoError as error:
        message = " ".join(str(error).split())[:300]
        print(f"database failure at {where} after {loaded}/{len(parsed.entries)} customers "
              f"({type(error).__name__}: {message}); loading is idempotent, run it again", file=sys.stderr)
        return FAILED
    finally:
        if client is not None:
            client.close()
    print(f"loaded {counts['loaded']} customers into {args.database}.{COLLECTION}: {counts['new']} new, "
          f"{counts['changed']} changed, {counts['unchanged']} unchanged"
          f"{f' ({parsed.duplicates} repeated rows ignored)' if parsed.duplicates else ''}")
    return OK


if __name__ == "__main__":
    sys.exit(main())
