"""The auditor's independent check of the audit chain: keys, exports, anchors, and an offline verifier.

    complaints audit keygen -o audit-signing-key.pem          # the service's key; FILE.pub to auditors
    complaints audit bundle -o audit-2026-12.jsonl             # records + whole chain + head (ExportAudit)
    complaints audit anchors -o anchors.jsonl                  # heads published on audit.anchors.v1
    complaints audit verify --export audit-2026-12.jsonl --anchors anchors.jsonl --keys audit-keys.pem

The last one asks no service: it trusts only the public keys and the anchors the auditor holds.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from complaint_platform.audit_chain import (AuditKeyError, AuditSigner, TrustedKeys, anchor_from_dict,
                                            new_signing_key_pem, verify_export)
from complaint_platform.topics import AUDIT_ANCHORS
from complaints.v1 import verification_service_pb2 as ver

from .common import OK, WRONG, calling, err, export_progress, fail, print_json

FileOption = Annotated[str, typer.Option("--output", "-o", metavar="FILE", help=(
    "write here; written as FILE.partial and renamed when complete"))]


def keygen(output: FileOption) -> None:
    """A new Ed25519 signing key for the audit chain (mount it from a Secret: AUDIT_SIGNING_KEY_FILE);
    its public half goes to FILE.pub for the auditors' key list."""
    path = Path(output)
    if path.exists():
        fail(f"{path} exists: a signing key is never overwritten (rotate by making a new file)")
    pem = new_signing_key_pem()
    path.write_bytes(pem)
    path.chmod(0o600)
    signer = AuditSigner.from_file(path)
    Path(f"{output}.pub").write_bytes(signer.public_pem())
    print(f"signing key {signer.key_id} written to {path} (keep it secret); public key to {output}.pub")


def bundle(ctx: typer.Context, output: FileOption,
           unit: Annotated[str, typer.Option(help="only the records of this responsible unit")] = "",
           quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress bar")] = False,
           target: Annotated[str | None, typer.Option("--target", metavar="HOST:PORT")] = None) -> None:
    """Export the records, the whole audit chain and its head as JSON lines (ExportAudit), for
    `complaints audit verify --export`."""
    partial = f"{output}.partial"
    counts = {"record": 0, "entry": 0, "head": 0}
    with calling(ctx, "verification", target, "the audit export") as stub, \
            open(partial, "w", encoding="utf-8") as sink, export_progress(quiet) as progress:
        task = progress.add_task("records and entries 记录与审计条目", total=None)
        call = stub.ExportAudit(ver.ExportAuditRequest(filter=ver.RecordFilter(responsible_unit=unit)),
                                **ctx.find_root().obj.options("verification"))
        for item in call:
            kind = item.WhichOneof("item")
            sink.write(json.dumps(_line(kind, getattr(item, kind)), ensure_ascii=False) + "\n")
            counts[kind] += 1
            progress.advance(task)
    if not counts["head"]:
        os.remove(partial)
        fail("the service sent no chain head (an empty chain, or the export was cut short): nothing written")
    os.replace(partial, output)
    print(f"{counts['record']:,} records and {counts['entry']:,} chain entries written to {output}")


def _line(kind: str, message: Any) -> dict:
    if kind == "record":
        return {"kind": kind, "case_id": message.case_id, "canonical": message.canonical_json}
    if kind == "entry":
        return {"kind": kind, "seq": message.seq, "canonical": message.canonical_json, "hash": message.hash,
                "signature": message.signature}
    return {"kind": kind, "seq": message.seq, "hash": message.hash, "key_id": message.key_id,
            "signature": message.signature, "exported_at": message.exported_at.ToDatetime().isoformat() + "Z"}


def anchors(output: FileOption,
            bootstrap: Annotated[str | None, typer.Option(metavar="HOST:PORT", help=(
                "Kafka bootstrap servers (default: $KAFKA_BOOTSTRAP_SERVERS; security from the KAFKA_* variables)"))]
            = None,
            timeout: Annotated[float, typer.Option(metavar="SECONDS", help="give up reading after this long")] = 60.0
            ) -> None:
    """Copy every chain head published on audit.anchors.v1 to a file the auditor keeps."""
    from kafka import KafkaConsumer, TopicPartition

    from complaint_platform.config import ConfigError, load_kafka_settings
    from complaint_platform.kafka_clients import security_options

    try:
        kafka = load_kafka_settings({**os.environ, **({"KAFKA_BOOTSTRAP_SERVERS": bootstrap} if bootstrap else {})})
    except ConfigError as error:
        fail(str(error))
    consumer = KafkaConsumer(bootstrap_servers=kafka.bootstrap_servers, enable_auto_commit=False,
                             consumer_timeout_ms=int(timeout * 1000), **security_options(kafka))
    written = 0
    try:
        partitions = [TopicPartition(AUDIT_ANCHORS, p) for p in sorted(consumer.partitions_for_topic(AUDIT_ANCHORS)
                                                                          or ())]
        if not partitions:
            fail(f"no topic {AUDIT_ANCHORS} on {kafka.bootstrap_servers}")
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        with open(f"{output}.partial", "w", encoding="utf-8") as sink:
            for record in _until(consumer, ends):
                anchor = ver.AuditAnchor.FromString(record.value)
                sink.write(json.dumps({"service": anchor.service, "seq": anchor.seq, "hash": anchor.hash,
                                       "key_id": anchor.key_id, "signature": anchor.signature,
                                       "anchored_at": anchor.anchored_at.ToDatetime().isoformat() + "Z",
                                       "offset": record.offset}) + "\n")
                written += 1
    finally:
        consumer.close()
    os.replace(f"{output}.partial", output)
    print(f"{written:,} anchors written to {output}")


def _until(consumer, ends: dict) -> Iterator[Any]:
    """The records up to the end offsets read at the start (anchors published meanwhile wait for the next copy)."""
    remaining = {partition.partition: end for partition, end in ends.items() if end > 0}
    if not remaining:
        return
    for record in consumer:
        if record.offset >= remaining.get(record.partition, 0):
            continue  # published after the start, or a partition read to its end already
        yield record
        if record.offset + 1 >= remaining[record.partition]:
            del remaining[record.partition]
        if not remaining:
            return
    if remaining:
        fail(f"reading {AUDIT_ANCHORS} stopped before its end (timeout): nothing written")


def verify_offline(export: str, anchors_file: str | None, keys_file: str, as_json: bool) -> None:
    try:
        keys = TrustedKeys.from_file(keys_file)
    except AuditKeyError as error:
        raise typer.BadParameter(str(error), param_hint="--keys") from None
    try:
        items = [json.loads(line) for line in Path(export).read_text(encoding="utf-8").splitlines() if line.strip()]
        published = [anchor_from_dict(json.loads(line)) for line in
                     Path(anchors_file).read_text(encoding="utf-8").splitlines() if line.strip()] if anchors_file else []
    except (OSError, ValueError, KeyError) as error:
        fail(f"cannot read the export or the anchors: {error}")
    report = verify_export(items, published, keys)
    if as_json:
        print_json({"ok": report.ok, "entries_checked": report.chain.checked, "chain_problem": report.chain.problem,
                    "records_checked": report.records_checked, "record_problems": report.record_problems,
                    "anchors_checked": report.anchors.checked, "anchor_problems": report.anchors.problems,
                    "head_problem": report.head_problem})
    else:
        chain = (f"OK, {report.chain.checked:,} entries linked and signed by trusted keys" if report.chain.ok
                 else f"BROKEN at entry {report.chain.first_broken_seq}: {report.chain.problem}")
        print(f"chain 审计链: {chain}")
        if report.head_problem:
            print(f"head: {report.head_problem}")
        print(f"records 记录: {report.records_checked:,} checked, {len(report.record_problems)} not as the chain says")
        for problem in report.record_problems[:20]:
            print(f"  {problem}")
        if not anchors_file:
            err.print("note: no --anchors given: a chain cut short or rewritten with the signing key is not detectable")
        print(f"anchors 锚点: {report.anchors.checked} checked" + ("" if report.anchors.ok else ", FAILED"))
        for problem in report.anchors.problems:
            print(f"  {problem}")
        print("export verified" if report.ok else "export NOT verified")
    raise typer.Exit(OK if report.ok else WRONG)
