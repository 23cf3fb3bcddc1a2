"""An auditor's own check of the audit chain on the running stack, and what an attacker with write
access to the verification database (but not the signing key, nor the anchor topic) can and cannot
hide from it: an entry altered and every hash after it recomputed, a record edited in place,
entries deleted at the end. The check asks no service: an export, the anchors and the public key."""

from __future__ import annotations

import json
import time

import pymongo
from typer.testing import CliRunner

from complaint_platform.audit_chain import AuditEntry, entry_hash
from complaints.v1 import common_pb2, inbound_pb2
from complaints_cli import app
from complaints_cli.common import Session
from helpers import collect_case, names
from test_service_flows import capa, feedback, open_case

F = inbound_pb2


def complaints(stack, *args: str):
    env = {"KAFKA_BOOTSTRAP_SERVERS": stack.kafka_bootstrap,
           **{f"{service.upper()}_GRPC_TARGET": f"127.0.0.1:{port}" for service, port in stack.ports.grpc.items()}}
    return CliRunner().invoke(app, list(args), obj=Session(), env=env)


def test_an_auditor_verifies_an_export_offline_and_catches_what_a_database_writer_hides(stack, tail, publisher,
                                                                                        tmp_path):
    seen: list = []
    _, case_id, order = open_case(tail, publisher, "宽带经常掉线，维修后还是不稳定", seen)
    feedback(publisher, case_id, order, F.FEEDBACK_KIND_REPLIED, "更换分光器")
    feedback(publisher, case_id, order, F.FEEDBACK_KIND_CUSTOMER_REPLIED, "已告知客户")
    collect_case(tail, case_id, lambda got: "VerificationOpened" in names(got), seen=seen)
    capa(publisher, case_id, F.CAPA_KIND_RESPONSIBILITY, responsible_unit="guangzhou-broadband-ops",
         root_cause_class="splitter_fault", company_at_fault=common_pb2.COMPANY_FAULT_YES)
    collect_case(tail, case_id, lambda got: "ResponsibilityDetermined" in names(got), seen=seen)

    database = pymongo.MongoClient(stack.mongodb_uri)["complaints_verification"]
    chain, records = database["audit_chain"], database["records"]
    head = chain.find_one(sort=[("_id", -1)])
    entry = chain.find_one({"case_id": case_id}, sort=[("_id", -1)])
    assert entry["actor"] == "capa:quality-team" and entry["signature"] and entry["key_id"]

    keys = tmp_path / "audit-keys.pem"
    keys.write_bytes(stack.audit_public_key)
    anchors = tmp_path / "anchors.jsonl"

    def anchored_up_to(seq: int) -> None:
        deadline = time.monotonic() + 30  # the service anchors every 5 s on the embedded stack
        while True:
            assert complaints(stack, "audit", "anchors", "-o", str(anchors)).exit_code == 0
            if any(json.loads(line)["seq"] >= seq for line in anchors.read_text().splitlines()):
                return
            assert time.monotonic() < deadline, f"no anchor of entry {seq} published"
            time.sleep(1)

    def offline_check(name: str):
        bundle = tmp_path / f"{name}.jsonl"
        made = complaints(stack, "audit", "bundle", "-o", str(bundle), "-q")
        assert made.exit_code == 0, made.output
        checked = complaints(stack, "audit", "verify", "--export", str(bundle), "--anchors", str(anchors),
                             "--keys", str(keys), "--json")
        return checked.exit_code, json.loads(checked.stdout)

    anchored_up_to(head["_id"])
    code, report = offline_check("intact")
    assert code == 0 and report["ok"], report
    assert report["entries_checked"] >= head["_id"] and report["records_checked"] >= 1
    assert report["anchors_checked"] >= 1

    # 1. the finding rewritten in the chain, every later hash and link recomputed (no key: old signatures)
    victim = chain.find_one({"case_id": case_id, "entry_type": "ResponsibilityDetermined"})
    originals = list(chain.find({"_id": {"$gte": victim["_id"]}}).sort("_id", 1))
    try:
        previous = chain.find_one({"_id": victim["_id"] - 1})["hash"]
        for doc in originals:
            forged = AuditEntry.from_dict({**doc, "seq": doc["_id"], "prev_hash": previous})
            if doc["_id"] == victim["_id"]:
                forged = AuditEntry.from_dict({**forged.to_dict(),
                                               "payload": {**doc["payload"], "company_at_fault": "NO"}})
            previous = entry_hash(previous, forged.body())
            chain.update_one({"_id": doc["_id"]}, {"$set": {"payload": forged.payload, "prev_hash": forged.prev_hash,
                                                            "hash": previous}})
        code, report = offline_check("rehashed")
        assert code == 1 and report["chain_problem"].startswith(f"signature mismatch: entry {victim['_id']}")
    finally:
        for doc in originals:
            chain.replace_one({"_id": doc["_id"]}, doc)

    # 2. the record edited in place, its chain left alone
    record = records.find_one({"_id": case_id})
    try:
        records.update_one({"_id": case_id}, {"$set": {"state.finding.company_at_fault": "NO"}})
        code, report = offline_check("record-edited")
        assert code == 1 and report["record_problems"] == [
            f"record {case_id}: differs from the state its last entry names (changed outside the audited path)"]
    finally:
        records.replace_one({"_id": case_id}, record)

    # 3. the last entry deleted: a valid, shorter chain, but the anchors saw the longer one
    head = chain.find_one(sort=[("_id", -1)])
    anchored_up_to(head["_id"])
    last = [head]
    try:
        chain.delete_many({"_id": {"$in": [doc["_id"] for doc in last]}})
        time.sleep(1.1)  # the export is taken after the anchor of the longer chain, as it would be
        code, report = offline_check("truncated")
        assert code == 1 and report["entries_checked"] == head["_id"] - 1
        assert any(problem.startswith("entries deleted") for problem in report["anchor_problems"]), report
    finally:
        for doc in last:
            chain.replace_one({"_id": doc["_id"]}, doc, upsert=True)

    code, report = offline_check("restored")
    assert code == 0 and report["ok"], report
