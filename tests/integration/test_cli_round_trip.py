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
