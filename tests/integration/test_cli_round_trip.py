"""The complaints command line against the running stack: publish the README's example, read the case back."""

from __future__ import annotations

import json
import time
from pathlib import Path

from typer.testing import CliRunner

from complaints_cli import app
from complaints_cli.common import Session

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "complaints.submitted.v1.json"


def complaints(stack, *args: str, stdin: str | None = None):
    env = {"KAFKA_BOOTSTRAP_SERVERS": stack.kafka_bootstrap,
           **{f"{service.upper()}_GRPC_TARGET": f"127.0.0.1:{port}" for service, port in stack.ports.grpc.items()}}
    return CliRunner().invoke(app, list(args), obj=Session(), input=stdin, env=env)


def test_publish_then_case_show_and_timeline_over_grpc(stack):
    document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    document["submissionId"] = f"CLI-{time.time_ns()}"
    document["customer"]["id"] = f"C-CLI-{time.time_ns()}"
    published = complaints(stack, "publish", "--topic", "complaints.submitted.v1", "-", "--json",
                           stdin=json.dumps(document))
    assert published.exit_code == 0, published.output
    assert json.loads(published.stdout)[0]["key"] == document["customer"]["id"]

    deadline, found = time.monotonic() + 60, None
    while time.monotonic() < deadline:
        found = complaints(stack, "case", "show", "--submission", document["submissionId"],
                           "--channel", document["channel"], "--json")
        if found.exit_code == 0:
            break
        time.sleep(0.5)
    assert found is not None and found.exit_code == 0, found.output
    view = json.loads(found.stdout)
    assert view["customer_id"] == document["customer"]["id"]

    shown = complaints(stack, "case", "show", view["case_id"])
    assert shown.exit_code == 0 and "首问责任人 owner" in shown.output
    deadline = time.monotonic() + 30
    while True:  # escalation registers the case from cases.intake.v1, a moment after intake
        timeline = complaints(stack, "case", "timeline", view["case_id"], "--json")
        if timeline.exit_code == 0 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert timeline.exit_code == 0, timeline.output
    assert json.loads(timeline.stdout)["entries"][0]["event_type"] == "complaints.v1.CaseRegistered"
    missing = complaints(stack, "case", "show", "K-NO-SUCH-CASE")
    assert missing.exit_code == 2 and "intake service" in missing.output


def test_every_read_command_answers_from_the_running_services(stack, tmp_path):
    overdue = complaints(stack, "overdue", "--json")
    assert overdue.exit_code == 0, overdue.output
    assert all(case["overdue"] for case in json.loads(overdue.stdout))
    at_risk = complaints(stack, "at-risk", "--limit", "5", "--json")
    assert at_risk.exit_code == 0 and len(json.loads(at_risk.stdout)) <= 5
    report = tmp_path / "bulletin.md"
    assert complaints(stack, "bulletin", "--format", "md", "-o", str(report)).exit_code == 0
    assert "| rank |" in report.read_text(encoding="utf-8")
    verified = complaints(stack, "audit", "verify")  # another test of the session may have tampered an entry
    expected = "audit chain OK" if verified.exit_code == 0 else "audit chain BROKEN at entry"
    assert verified.exit_code in (0, 1) and verified.stdout.startswith(expected), verified.output
    exported = tmp_path / "records.csv"
    assert complaints(stack, "audit", "export", "--format", "csv", "-o", str(exported), "-q").exit_code == 0
    assert exported.read_text(encoding="utf-8").startswith("case_id,result,")


def test_directory_load_writes_intakes_table(stack, tmp_path):
    customers = tmp_path / "customers.csv"
    customers.write_text("customer_id,tier,region\nC-CLI-VIP,1,shenzhen\nC-CLI-2,3,\n", encoding="utf-8")
    loaded = complaints(stack, "directory", "load", str(customers), "--mongodb-uri", stack.mongodb_uri,
                        "--database", "complaints_intake", "--json")
    assert loaded.exit_code == 0, loaded.output
    assert json.loads(loaded.stdout) == {"file": str(customers), "rows": 2, "customers": 2,
                                         "repeated": 0, "written": True, "loaded": 2, "new": 2,
                                         "changed": 0, "unchanged": 0}
