"""The ``complaints`` command line against fake stubs: tables, --json, exit codes, progress totals, files."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone
from pathlib import Path

import grpc
import pytest
import yaml
from google.protobuf.timestamp_pb2 import Timestamp
from typer.testing import CliRunner

import complaints_cli.publish as publish_command
from complaint_platform.policy_models import schema_text
from complaint_platform.publishing import Published
from complaints.v1 import common_pb2, escalation_service_pb2 as esc, intake_service_pb2 as intake
from complaints.v1 import verification_service_pb2 as ver
from complaints_cli import app
from complaints_cli.common import Session

ROOT = Path(__file__).resolve().parents[3]
DUE = datetime(2026, 10, 8, 6, 0, tzinfo=timezone.utc)


def stamp(moment: datetime) -> Timestamp:
    value = Timestamp()
    value.FromDatetime(moment)
    return value


def case(case_id: str, **fields) -> intake.CaseView:
    return intake.CaseView(case_id=case_id, status=common_pb2.CASE_STATUS_DISPATCHED, customer_id="C-1",
                           category="porting", region="guangzhou", owner="hotline-duty-desk",
                           channels=[common_pb2.CHANNEL_HOTLINE, common_pb2.CHANNEL_WEIBO],
                           current_deadline=stamp(DUE), overdue=True, escalation_level=2, **fields)


class Failure(grpc.RpcError):
    def __init__(self, code: grpc.StatusCode, details: str = "") -> None:
        self._code, self._details = code, details

    def code(self):
        return self._code

    def details(self):
        return self._details


class Intake:
    def __init__(self, pages=None, error=None):
        self.pages, self.error, self.requests = list(pages or []), error, []

    def GetCase(self, request, metadata=None, timeout=None):
        self.requests.append((request, metadata, timeout))
        if self.error:
            raise self.error
        return intake.GetCaseResponse(case=case(request.case_id))

    def SearchCases(self, request, metadata=None, timeout=None):
        self.requests.append((intake.SearchCasesRequest.FromString(request.SerializeToString()), metadata, timeout))
        cases = self.pages.pop(0)
        return intake.SearchCasesResponse(cases=cases, next_page_token="next" if self.pages else "")


class Escalation:
    def GetTimeline(self, request, metadata=None, timeout=None):
        return esc.GetTimelineResponse(status=common_pb2.CASE_STATUS_RESOLVED, entries=[
            esc.TimelineEntry(event_id="e1", event_type="CaseRegistered", producer="intake",
                              occurred_at=stamp(DUE), json='{"case_id": "K-1"}'),
            esc.TimelineEntry(event_id="e2", event_type="WorkOrderIssued", producer="dispatch",
                              occurred_at=stamp(DUE))])

    def ListAtRiskCases(self, request, metadata=None, timeout=None):
        return esc.ListAtRiskCasesResponse(cases=[esc.AtRiskCase(case_id="K-9", score=91.5, region="shenzhen",
                                                                 escalation_level=3)][:request.limit])

    def GetBulletin(self, request, metadata=None, timeout=None):
        raise Failure(grpc.StatusCode.UNAVAILABLE, "connection refused")


class Export:
    """A streaming call as grpc gives it: iterable, with initial and trailing metadata."""

    def __init__(self, views, total):
        self.views, self.total = views, total

    def __iter__(self):
        for view in self.views:
            yield ver.ExportRecordsResponse(record=view)

    def initial_metadata(self):
        return (("record-count", str(self.total)),)

    def trailing_metadata(self):
        return (("record-count", str(self.total)),)


class Verification:
    def __init__(self, ok=True):
        self.ok, self.requests = ok, []

    def VerifyChain(self, request, metadata=None, timeout=None):
        self.requests.append((request, metadata))
        if self.ok:
            return ver.VerifyChainResponse(ok=True, checked=12)
        return ver.VerifyChainResponse(ok=False, checked=5, first_broken_seq=5, problem="hash mismatch")

    def ExportRecords(self, request, metadata=None, timeout=None):
        self.requests.append((request, metadata))
        return Export([ver.RecordView(case_id=f"K-{n}", result=ver.VERIFICATION_RESULT_CLOSED,
                                      responsible_unit="gz-ops") for n in range(3)], total=3)


def run(*args: str, stubs=None, stdin: str | None = None):
    return CliRunner().invoke(app, list(args), obj=Session(stubs=stubs or {}), input=stdin)


def test_case_show_prints_the_case_with_bilingual_labels_and_sends_the_token():
    stub = Intake()
    shown = run("--token", "s3cret", "case", "show", "K-1", stubs={"intake": stub})
    assert shown.exit_code == 0, shown.output
    assert "首问责任人 owner" in shown.output and "hotline-duty-desk" in shown.output
    assert "HOTLINE, WEIBO" in shown.output and "2026-10-08T06:00:00Z" in shown.output
    assert stub.requests[0][1] == [("authorization", "Bearer s3cret")]


def test_case_show_json_is_the_case_view():
    shown = run("case", "show", "K-1", "--json", stubs={"intake": Intake()})
    document = json.loads(shown.stdout)
    assert document["case_id"] == "K-1" and document["status"] == "CASE_STATUS_DISPATCHED"
    assert document["escalation_level"] == 2


@pytest.mark.parametrize("code, words", [
    (grpc.StatusCode.UNAVAILABLE, "cannot reach the intake service at 127.0.0.1:50051"),
    (grpc.StatusCode.NOT_FOUND, "failed the lookup of case K-404 (NOT_FOUND): no such case"),
    (grpc.StatusCode.UNAUTHENTICATED, "set INTAKE_GRPC_TOKEN"),
])
def test_a_failed_call_is_one_line_and_exit_2(code, words):
    shown = run("case", "show", "K-404", stubs={"intake": Intake(error=Failure(code, "no such case"))})
    assert shown.exit_code == 2
    assert words in shown.output and "Traceback" not in shown.output


def test_timeline_in_order_as_table_and_json():
    shown = run("case", "timeline", "K-1", stubs={"escalation": Escalation()})
    assert shown.exit_code == 0 and "(RESOLVED)" in shown.output
    assert shown.output.index("CaseRegistered") < shown.output.index("WorkOrderIssued")
    document = json.loads(run("case", "timeline", "K-1", "--json", stubs={"escalation": Escalation()}).stdout)
    assert [entry["event_type"] for entry in document["entries"]] == ["CaseRegistered", "WorkOrderIssued"]
    assert document["entries"][0]["json"] == {"case_id": "K-1"} and document["entries"][1]["json"] is None


def test_overdue_follows_pages_up_to_the_limit_and_leaves_closed_cases_out():
    stub = Intake(pages=[[case("K-1"), case("K-2")], [case("K-3", ), case("K-4")]])
    document = json.loads(run("overdue", "--region", "guangzhou", "--limit", "3", "--json",
                              stubs={"intake": stub}).stdout)
    assert [view["case_id"] for view in document] == ["K-1", "K-2", "K-3"]
    first, second = stub.requests[0][0], stub.requests[1][0]
    assert first.overdue and first.region == "guangzhou" and first.page.page_size == 3
    assert second.page.page_token == "next"
    closed = Intake(pages=[[case("K-1"), intake.CaseView(case_id="K-2", status=common_pb2.CASE_STATUS_CLOSED)]])
    assert "K-2" not in run("overdue", stubs={"intake": closed}).output


def test_at_risk_table():
    shown = run("at-risk", "--limit", "5", stubs={"escalation": Escalation()})
    assert shown.exit_code == 0 and "K-9" in shown.output and "92" in shown.output


def test_bulletin_service_down_exits_2():
    shown = run("bulletin", "--format", "md", stubs={"escalation": Escalation()})
    assert shown.exit_code == 2 and "cannot reach the escalation service" in shown.output


@pytest.mark.parametrize("ok, code, words", [(True, 0, "audit chain OK: 12 entries checked"),
                                             (False, 1, "audit chain BROKEN at entry 5: hash mismatch")])
def test_audit_verify_keeps_the_exit_codes(ok, code, words):
    shown = run("audit", "verify", "--from-seq", "2", stubs={"verification": Verification(ok)})
    assert shown.exit_code == code and words in shown.output


def test_audit_usage_errors_exit_2():
    assert run("audit", "verify", "--from-seq", "5", "--to-seq", "2").exit_code == 2
    assert run("audit", "export", "--format", "xml").exit_code == 2
    assert run("audit", "export", "--format", "csv", "--from", "2026-04-01", "--to", "2026-03-01").exit_code == 2


def test_audit_export_writes_the_file_whole_with_the_filter(tmp_path: Path):
    stub = Verification()
    target = tmp_path / "closed.csv"
    shown = run("audit", "export", "--format", "csv", "-o", str(target), "--result", "closed",
                "--from", "2026-03-01", stubs={"verification": stub})
    assert shown.exit_code == 0, shown.output
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert [row["case_id"] for row in rows] == ["K-0", "K-1", "K-2"] and rows[0]["result"] == "CLOSED"
    assert not (tmp_path / "closed.csv.partial").exists()
    request = stub.requests[0][0]
    assert request.filter.result == ver.VERIFICATION_RESULT_CLOSED
    assert request.filter.opened_from.ToDatetime() == datetime(2026, 3, 1)
    assert "3 records exported" in shown.output


def test_policy_check_ok_and_a_bad_file_names_the_field(tmp_path: Path):
    shipped = ROOT / "config" / "policy.yaml"
    assert run("policy", "check", str(shipped)).exit_code == 0
    data = yaml.safe_load(shipped.read_text(encoding="utf-8"))
    data["escalation"]["sla"][1]["channel"] = "FAX"
    bad = tmp_path / "policy.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    shown = run("policy", "check", str(bad))
    assert shown.exit_code == 1
    assert "policy.escalation.sla[1].channel: unknown channel 'FAX'" in shown.output
    document = json.loads(run("policy", "check", str(bad), "--json").stdout)
    assert document == {"ok": False, "file": str(bad), "path": "policy.escalation.sla[1].channel",
                        "problem": "unknown channel 'FAX'"}


def test_policy_schema_writes_the_committed_schema(tmp_path: Path):
    written = tmp_path / "schema.json"
    assert run("policy", "schema", "-o", str(written)).exit_code == 0
    assert written.read_text(encoding="utf-8") == schema_text()


def test_directory_load_checks_every_row_first(tmp_path: Path):
    good = tmp_path / "customers.csv"
    good.write_text("customer_id,tier,region\nC-1,1,shenzhen\nC-2,3,\n", encoding="utf-8")
    shown = run("directory", "load", str(good), "--dry-run")
    assert shown.exit_code == 0 and "2 rows OK, 2 customers; nothing written" in shown.output
    assert json.loads(run("directory", "load", str(good), "--dry-run", "--json").stdout) == {
        "file": str(good), "rows": 2, "customers": 2, "repeated": 0, "written": False}
    bad = tmp_path / "bad.csv"
    bad.write_text("customer_id,tier,region\nC-1,7,shenzhen\n", encoding="utf-8")
    shown = run("directory", "load", str(bad), "--mongodb-uri", "mongodb://127.0.0.1:1")
    assert shown.exit_code == 1 and "line 2" in shown.output and "nothing written" in shown.output


def test_publish_checks_then_sends_every_example_with_its_topic(monkeypatch):
    sent = []

    async def send(kafka, records, client_id="complaints-publisher"):
        sent.extend(records)
        return [Published(r.topic, 0, offset, r.key) for offset, r in enumerate(records, len(sent) - len(records))]

    monkeypatch.setattr(publish_command, "send", send)
    examples = sorted(str(path) for path in (ROOT / "docs" / "examples").glob("*.v1.json"))
    shown = run("publish", *examples, "--json")
    assert shown.exit_code == 0, shown.output
    assert [done["topic"] for done in json.loads(shown.stdout)] == [Path(p).name[:-5] for p in examples]
    assert all(("content-type", b"application/json") in record.headers for record in sent)


def test_publish_refuses_what_the_services_would_dead_letter(monkeypatch, tmp_path: Path):
    monkeypatch.setattr(publish_command, "send", None)  # nothing may be sent
    example = json.loads((ROOT / "docs" / "examples" / "complaints.submitted.v1.json").read_text(encoding="utf-8"))
    example["customer"]["tier"] = -1
    shown = run("publish", "--topic", "complaints.submitted.v1", "-", stdin=json.dumps(example))
    assert shown.exit_code == 1 and "customer.tier" in shown.output and "nothing published" in shown.output
    assert run("publish", str(tmp_path / "unnamed.json")).exit_code == 2


def test_case_show_finds_a_case_by_its_submission():
    stub = Intake()
    assert run("case", "show", "--submission", "S-9", "--channel", "hotline", stubs={"intake": stub}).exit_code == 0
    request = stub.requests[0][0]
    assert (request.submission_id, request.channel, request.case_id) == ("S-9", common_pb2.CHANNEL_HOTLINE, "")
    assert run("case", "show", "--submission", "S-9", stubs={"intake": stub}).exit_code == 2
    assert run("case", "show", "--submission", "S-9", "--channel", "FAX", stubs={"intake": stub}).exit_code == 2


def test_an_unreadable_tls_file_is_named_and_exit_2(tmp_path: Path):
    shown = run("--ca", str(tmp_path / "absent-ca.pem"), "case", "show", "K-1")
    assert shown.exit_code == 2 and "--ca: cannot read" in shown.output


def test_a_quiet_export_to_stdout_prints_only_the_records():
    shown = run("audit", "export", "--format", "jsonl", "-q", stubs={"verification": Verification()})
    assert shown.exit_code == 0
    assert [json.loads(line)["case_id"] for line in shown.stdout.splitlines()] == ["K-0", "K-1", "K-2"]
    assert "exported" not in shown.output
