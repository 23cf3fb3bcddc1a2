"""Commands on files: the policy checked offline and its JSON Schema, the customer directory loaded."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from complaint_platform.policy import PolicyError
from complaint_platform.policy_models import SCHEMA_FILE, check_file, schema_text
import services.intake.directory as directory

from .common import WRONG, JsonOption, RateColumn, err, fail, print_json

policy = typer.Typer(help="The policy file (config/policy.yaml): check it, write its JSON Schema.",
                     no_args_is_help=True)
customers = typer.Typer(help="The customer directory that gives intake each customer's tier (客户等级).",
                        no_args_is_help=True)


@policy.command("check")
def check(file: Annotated[Path, typer.Argument(metavar="FILE", help="a policy YAML file")],
          as_json: JsonOption = False) -> None:
    """Validate a policy file offline, every section, as the services do at start; exit 1 naming the field."""
    try:
        checked = check_file(file)
    except PolicyError as error:
        if as_json:
            print_json({"ok": False, "file": str(file), "path": error.path, "problem": error.problem})
        else:
            err.print(f"policy error in {file}: {error}", markup=False, highlight=False)
        raise typer.Exit(WRONG) from None
    if as_json:
        print_json({"ok": True, "file": str(file)})
        return
    print(f"{file}: policy OK ({len(checked.intake.categories)} category rules, "
          f"{len(checked.dispatch.routing)} routing rows, {len(checked.escalation.sla)} SLA rows, "
          f"{len(checked.verification.categories)} verification overrides)")


@policy.command("schema")
def schema(output: Annotated[Path, typer.Option("--output", "-o", help="where to write ('-': stdout)")]
           = SCHEMA_FILE) -> None:
    """Write the policy's JSON Schema (for editors: yaml-language-server, VS Code, IntelliJ)."""
    text = schema_text()
    if str(output) == "-":
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        fail(f"cannot write {output}: {error.strerror or error}")
    print(f"wrote {output}")


@customers.command("load")
def load(file: Annotated[str, typer.Argument(metavar="FILE.csv", help="customer_id,tier,region ('-': stdin)")],
         mongodb_uri: Annotated[str, typer.Option(envvar="MONGODB_URI", help="the database server")]
         = directory.DEFAULT_URI,
         database: Annotated[str, typer.Option(envvar="MONGODB_DATABASE", help="intake's database")]
         = directory.DEFAULT_DATABASE,
         dry_run: Annotated[bool, typer.Option("--dry-run", help="check the file only; write nothing")] = False,
         as_json: JsonOption = False) -> None:
    """Check every row (errors name line and column; nothing written on any), then upsert by customer id.

    The directory is intake's own table, written to its database in batches of 1000 (the service reads
    it for each new customer); customers absent from the file are kept.
    """
    try:
        data = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
        parsed = directory.parse_directory(directory.decode(data))
    except OSError as error:
        fail(f"cannot read {file}: {error.strerror or error}")
    except ValueError as error:
        fail(f"{file}: {error}; nothing written", WRONG)
    if parsed.error_count:
        for message in parsed.errors:
            err.print(f"{file}: {message}", markup=False, highlight=False)
        fail(f"{parsed.error_count} error{'s' * (parsed.error_count != 1)}; nothing written", WRONG)
    if parsed.duplicates:
        err.print(f"warning: {parsed.duplicates} rows repeated an earlier customer id; the last row is used")
    checked = {"file": file, "rows": parsed.rows, "customers": len(parsed.entries), "repeated": parsed.duplicates}
    if dry_run:
        if as_json:
            print_json({**checked, "written": False})
        else:
            print(f"{file}: {parsed.rows} rows OK, {len(parsed.entries)} customers; nothing written (--dry-run)")
        return
    client = None
    try:
        from pymongo.errors import PyMongoError

        collection, client = directory.connect_collection(mongodb_uri, database)
        with Progress(TextColumn("customers 客户"), BarColumn(), MofNCompleteColumn(), RateColumn(),
                      TimeElapsedColumn(), console=err) as progress:
            task = progress.add_task("load", total=len(parsed.entries))
            counts = directory.write_entries(collection, parsed.entries,
                                             progress=lambda done, total: progress.update(task, completed=done))
    except PyMongoError as error:
        fail(f"database failure at {directory.mask_uri(mongodb_uri)} {database} "
             f"({type(error).__name__}: {' '.join(str(error).split())[:300]}); loading is idempotent, run it again")
    finally:
        if client is not None:
            client.close()
    if as_json:
        print_json({**checked, "written": True, **counts})
        return
    print(f"loaded {counts['loaded']} customers into {database}.{directory.COLLECTION}: {counts['new']} new, "
          f"{counts['changed']} changed, {counts['unchanged']} unchanged")
