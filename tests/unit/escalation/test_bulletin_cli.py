"""The bulletin command line, against a fake stub (no server)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import grpc
import pytest

from complaints.v1 import escalation_service_pb2 as pb
from services.escalation import bulletin
from services.escalation.domain import kpi

START = datetime(2026, 3, 9, tzinfo=timezone.utc)
END = datetime(2026, 3, 16, tzinfo=timezone.utc)


def report() -> dict:
    cases = [
        kpi.CaseFigures(case_id="C-1", unit="agent-7", department="network-ops", region="gz",
                        opened_at=START, resolved_at=datetime(2026, 3, 9, 6, tzinfo=timezone.utc), timely=True,
                        escalation_level=0, overdue=False, satisfied=True),
        kpi.CaseFigures(case_id="C-2", unit="agent-9", department="billing", region="sz",
                        opened_at=START, resolved_at=datetime(2026, 3, 11, tzinfo=timezone.utc), timely=False,
                        escalation_level=2, overdue=True, satisfied=False, yellow_cards=1),
    ]
    return kpi.bulletin(cases, "weekly", START, END, 0.9)


class FakeStub:
    def __init__(self, error: Exception | None = None) -> None:
        self.calls: list[tuple[pb.GetBulletinRequest, dict]] = []
        self.error = error

    def GetBulletin(self, request, **options):
        self.calls.append((request, options))
        if self.error:
            raise self.error
        return pb.GetBulletinResponse(json=json.dumps(report(), ensure_ascii=False))


class FakeRpcError(grpc.RpcError):
    def __init__(self, code: grpc.StatusCode, details: str = "") -> None:
        self._code, self._details = code, details

    def code(self):
        return self._code

    def details(self):
        return self._details


def test_markdown_has_the_tables_and_a_department_row(capsys):
    stub = FakeStub()
    assert bulletin.main(["--period", "weekly", "--format", "md"], stub=stub) == 0
    out = capsys.readouterr().out
    assert "| rank | name | cases | timely rate | overdue | satisfaction |" in out
    assert "## By department" in out
    assert "| 1 | network-ops | 1 | 100.0% | 0 | 100.0% |" in out
    assert "| 2 | billing | 1 | 0.0% | 1 | 0.0% |" in out


def test_html_is_a_page_with_an_inline_svg(tmp_path):
    target = tmp_path / "bulletin.html"
    assert bulletin.main(["--format", "html", "--output", str(target)], stub=FakeStub()) == 0
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>")
    assert "<svg" in page and "network-ops" in page
    assert not (tmp_path / "bulletin.html.partial").exists()


def test_json_is_written_as_sent_pretty_printed(capsys):
    assert bulletin.main([], stub=FakeStub()) == 0
    out = capsys.readouterr().out
    assert json.loads(out) == report()
    assert out.startswith("{\n  ")


def test_request_carries_the_period_the_moment_and_the_token():
    stub = FakeStub()
    bulletin.main(["--period", "monthly", "--at", "2026-03-10T08:00:00+08:00", "--token", "s3cret",
                   "--format", "md"], stub=stub)
    (request, options), = stub.calls
    assert request.period == pb.BULLETIN_PERIOD_MONTHLY
    assert request.HasField("at")
    assert request.at.ToDatetime(tzinfo=timezone.utc) == datetime(2026, 3, 10, 0, 0, tzinfo=timezone.utc)
    assert options["metadata"] == [("authorization", "Bearer s3cret")]


@pytest.mark.parametrize("period, expected", [("daily", pb.BULLETIN_PERIOD_DAILY),
                                              ("weekly", pb.BULLETIN_PERIOD_WEEKLY),
                                              ("monthly", pb.BULLETIN_PERIOD_MONTHLY)])
def test_every_period_maps_to_its_enum(period, expected, capsys):
    stub = FakeStub()
    bulletin.main(["--period", period], stub=stub)
    request, options = stub.calls[0]
    assert request.period == expected
    assert not request.HasField("at")  # no --at: the service's own clock
    assert options["metadata"] is None


def test_at_without_an_offset_is_utc():
    stub = FakeStub()
    bulletin.main(["--at", "2026-03-10", "--format", "md"], stub=stub)
    assert stub.calls[0][0].at.ToDatetime(tzinfo=timezone.utc) == datetime(2026, 3, 10, tzinfo=timezone.utc)


def test_unreachable_service_is_one_line_naming_target_and_code(capsys, tmp_path):
    target = tmp_path / "out.md"
    stub = FakeStub(FakeRpcError(grpc.StatusCode.UNAVAILABLE, "failed to connect to all addresses"))
    code = bulletin.main(["--target", "escalation.example:50053", "--output", str(target)], stub=stub)
    assert code == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert "escalation.example:50053" in lines[0] and "UNAVAILABLE" in lines[0]
    assert captured.out == ""
    assert not target.exists() and not (tmp_path / "out.md.partial").exists()


def test_refused_credentials_name_the_code(capsys):
    stub = FakeStub(FakeRpcError(grpc.StatusCode.PERMISSION_DENIED, "role auditor may not call this"))
    assert bulletin.main(["--target", "127.0.0.1:1"], stub=stub) == 2
    err = capsys.readouterr().err
    assert "127.0.0.1:1" in err and "PERMISSION_DENIED" in err


def test_a_bad_at_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit:
        bulletin.main(["--at", "last tuesday"], stub=FakeStub())
    assert exit.value.code == 2
    assert "ISO-8601" in capsys.readouterr().err


def test_target_defaults_to_the_environment(monkeypatch):
    monkeypatch.setenv("ESCALATION_GRPC_TARGET", "esc:6000")
    assert bulletin.parser().parse_args([]).target == "esc:6000"
    monkeypatch.delenv("ESCALATION_GRPC_TARGET")
    assert bulletin.parser().parse_args([]).target == "127.0.0.1:50053"
