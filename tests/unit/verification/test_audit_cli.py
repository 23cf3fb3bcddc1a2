"""The auditors' command line: main(argv, stub=fake) against canned RecordView / VerifyChainResponse messages."""

import io
import json
from concurrent import futures
from datetime import datetime, timezone

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from complaints.v1 import common_pb2, verification_service_pb2 as pb, verification_service_pb2_grpc
from services.verification import audit
from services.verification.cli_output import Progress

CLOSED_AT = datetime(2026, 3, 1, 8, 0, tzinfo=timezone.utc)
MANAGED_AT = datetime(2026, 3, 31, 9, 0, 0, 500000, tzinfo=timezone.utc)


def stamp(moment):
    value = Timestamp()
    value.FromDatetime(moment)
    return value


def closed_view():
    return pb.RecordView(case_id="C1", result=pb.VERIFICATION_RESULT_CLOSED, responsible_unit="gz-ops",
                         root_cause_class="network", company_at_fault=common_pb2.COMPANY_FAULT_YES,
                         customer_closed_at=stamp(CLOSED_AT), management_closed_at=stamp(MANAGED_AT),
                         json='{"case_id":"C1","status":"CLOSED","loop":1}')


def pending_view():
    return pb.RecordView(case_id="C2", result=pb.VERIFICATION_RESULT_PENDING, responsible_unit="sz-ops, east",
                         blockers=["callback", "corrective actions"], json='{"case_id":"C2","note":"回访"}')


class Failure(grpc.RpcError):
    def __init__(self, code, details=""):
        self._code, self._details = code, details

    def code(self):
        return self._code

    def details(self):
        return self._details


class Stream:
    """Like a real streaming call: iterable, with trailers and cancel()."""

    def __init__(self, views, fail_after=None, trailers=None):
        self._views, self._fail_after, self._trailers = views, fail_after, trailers or ()
        self.cancelled = False

    def __iter__(self):
        for i, view in enumerate(self._views):
            if self._fail_after is not None and i == self._fail_after:
                raise self._fail_after_error
            yield pb.ExportRecordsResponse(record=view)
        if self._fail_after is not None and self._fail_after >= len(self._views):
            raise self._fail_after_error

    def trailing_metadata(self):
        return self._trailers

    def cancel(self):
        self.cancelled = True


class FakeStub:
    def __init__(self, views=(), report=None, error=None, fail_after=None, trailers=None):
        self.views, self.report, self.error = list(views), report, error
        self.fail_after, self.trailers = fail_after, trailers
        self.calls = []

    def ExportRecords(self, request, metadata=None, timeout=None):
        self.calls.append(("ExportRecords", request, metadata, timeout))
        self.stream = Stream(self.views, self.fail_after, self.trailers)
        self.stream._fail_after_error = self.error
        return self.stream

    def VerifyChain(self, request, metadata=None, timeout=None):
        self.calls.append(("VerifyChain", request, metadata, timeout))
        if self.error is not None:
            raise self.error
        return self.report


CSV_HEADER = ("case_id,result,responsible_unit,root_cause_class,company_at_fault,customer_closed_at,"
              "management_closed_at,blockers\n")


def test_export_csv_to_stdout_exact(capsys):
    stub = FakeStub([closed_view(), pending_view()])
    assert audit.main(["export", "--format", "csv"], stub=stub) == 0
    out, err = capsys.readouterr()
    assert out == (CSV_HEADER
                   + "C1,CLOSED,gz-ops,network,YES,2026-03-01T08:00:00Z,2026-03-31T09:00:00.5Z,\n"
                   + 'C2,PENDING,"sz-ops, east",,,,,callback; corrective actions\n')
    assert err.startswith("2 records exported (")  # not a terminal: just the summary line


def test_export_of_nothing_still_writes_the_csv_header(capsys):
    assert audit.main(["export", "--format", "csv", "--quiet"], stub=FakeStub([])) == 0
    assert capsys.readouterr() == (CSV_HEADER, "")


def test_export_jsonl_exact(capsys):
    assert audit.main(["export", "--format", "jsonl", "-q"], stub=FakeStub([closed_view(), pending_view()])) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        '{"case_id":"C1","result":"CLOSED","responsible_unit":"gz-ops","root_cause_class":"network",'
        '"company_at_fault":"YES","customer_closed_at":"2026-03-01T08:00:00Z",'
        '"management_closed_at":"2026-03-31T09:00:00.5Z","blockers":[],'
        '"record":{"case_id":"C1","status":"CLOSED","loop":1}}',
        '{"case_id":"C2","result":"PENDING","responsible_unit":"sz-ops, east","root_cause_class":"",'
        '"company_at_fault":null,"customer_closed_at":null,"management_closed_at":null,'
        '"blockers":["callback","corrective actions"],"record":{"case_id":"C2","note":"回访"}}']
    assert json.loads(lines[1])["record"]["note"] == "回访"


def test_export_sends_the_filter_token_and_timeout(capsys):
    stub = FakeStub([])
    argv = ["export", "--format", "csv", "-q", "--from", "2026-03-01", "--to", "2026-03-02T00:00:00+08:00",
            "--unit", "gz-ops", "--root-cause-class", "network", "--result", "Reopened", "--token", "s3cret",
            "--timeout", "30"]
    assert audit.main(argv, stub=stub) == 0
    name, request, metadata, timeout = stub.calls[0]
    criteria = request.filter
    assert name == "ExportRecords" and metadata == [("authorization", "Bearer s3cret")] and timeout == 30.0
    assert criteria.opened_from.ToDatetime(tzinfo=timezone.utc) == datetime(2026, 3, 1, tzinfo=timezone.utc)
    assert criteria.opened_to.ToDatetime(tzinfo=timezone.utc) == datetime(2026, 3, 1, 16, tzinfo=timezone.utc)
    assert (criteria.responsible_unit, criteria.root_cause_class, criteria.result) == (
        "gz-ops", "network", pb.VERIFICATION_RESULT_REOPENED)


def test_no_filter_and_no_token_by_default(capsys, monkeypatch):
    monkeypatch.delenv("VERIFICATION_GRPC_TOKEN", raising=False)
    stub = FakeStub([])
    audit.main(["export", "--format", "jsonl", "-q"], stub=stub)
    _, request, metadata, timeout = stub.calls[0]
    assert request.filter == pb.RecordFilter() and metadata is None and timeout is None


def test_export_to_a_file(tmp_path, capsys):
    target = tmp_path / "records.csv"
    assert audit.main(["export", "--format", "csv", "--output", str(target), "-q"],
                      stub=FakeStub([pending_view()])) == 0
    assert target.read_text(encoding="utf-8") == (
        CSV_HEADER + 'C2,PENDING,"sz-ops, east",,,,,callback; corrective actions\n')
    assert [p.name for p in tmp_path.iterdir()] == ["records.csv"] and capsys.readouterr() == ("", "")


def test_failed_export_leaves_no_file_and_cancels_the_call(tmp_path, capsys):
    target = tmp_path / "records.csv"
    stub = FakeStub([closed_view(), pending_view()], error=Failure(grpc.StatusCode.INTERNAL, "cursor\nlost"),
                    fail_after=1)
    assert audit.main(["export", "--format", "csv", "-o", str(target), "--target", "audit:50054"], stub=stub) == 2
    assert list(tmp_path.iterdir()) == [] and stub.stream.cancelled
    assert capsys.readouterr().err == (
        "the verification service at audit:50054 failed the export (INTERNAL): cursor lost\n")


def test_unreachable_service_is_one_line_exit_2_and_no_output(capsys, monkeypatch):
    monkeypatch.delenv("VERIFICATION_GRPC_TARGET", raising=False)
    stub = FakeStub(error=Failure(grpc.StatusCode.UNAVAILABLE, "failed to connect to all addresses"), fail_after=0)
    assert audit.main(["export", "--format", "csv"], stub=stub) == 2
    assert capsys.readouterr() == ("", "cannot reach the verification service at 127.0.0.1:50054 (UNAVAILABLE)\n")


def test_target_comes_from_the_environment(capsys, monkeypatch):
    monkeypatch.setenv("VERIFICATION_GRPC_TARGET", "verification.complaints:50054")
    assert audit.main(["verify"], stub=FakeStub(error=Failure(grpc.StatusCode.UNAVAILABLE))) == 2
    assert capsys.readouterr().err == (
        "cannot reach the verification service at verification.complaints:50054 (UNAVAILABLE)\n")


@pytest.mark.parametrize("code, details, message", [
    (grpc.StatusCode.UNAUTHENTICATED, "missing bearer token",
     "the verification service at t:1 did not accept the credentials (UNAUTHENTICATED): missing bearer token; "
     "pass a valid --token or set VERIFICATION_GRPC_TOKEN"),
    (grpc.StatusCode.PERMISSION_DENIED, "",
     "the verification service at t:1 refused the chain check (PERMISSION_DENIED)"),
    (grpc.StatusCode.DEADLINE_EXCEEDED, "", "the verification service at t:1 did not finish the chain check in time "
                                            "(DEADLINE_EXCEEDED); try a larger --timeout"),
    (grpc.StatusCode.INVALID_ARGUMENT, "from_seq and to_seq must be positive",
     "the verification service at t:1 failed the chain check (INVALID_ARGUMENT): from_seq and to_seq must be positive"),
])
def test_rpc_errors_name_target_and_code(capsys, code, details, message):
    assert audit.main(["verify", "--target", "t:1"], stub=FakeStub(error=Failure(code, details))) == 2
    assert capsys.readouterr() == ("", message + "\n")


def test_a_bare_rpc_error_still_gives_a_line(capsys):
    assert audit.main(["verify", "--target", "t:1"], stub=FakeStub(error=grpc.RpcError())) == 2
    assert capsys.readouterr().err == "the verification service at t:1 failed the chain check (UNKNOWN)\n"


def test_verify_ok(capsys):
    stub = FakeStub(report=pb.VerifyChainResponse(ok=True, checked=1234))
    assert audit.main(["verify", "--from-seq", "10", "--to-seq", "20"], stub=stub) == 0
    assert capsys.readouterr() == ("audit chain OK: 1234 entries checked\n", "")
    assert stub.calls[0][1] == pb.VerifyChainRequest(from_seq=10, to_seq=20)


def test_verify_broken(capsys):
    stub = FakeStub(report=pb.VerifyChainResponse(ok=False, checked=41, first_broken_seq=42, problem="hash mismatch"))
    assert audit.main(["verify"], stub=stub) == 1
    assert capsys.readouterr() == ("audit chain BROKEN at entry 42: hash mismatch\n", "")
    assert stub.calls[0][1] == pb.VerifyChainRequest()


@pytest.mark.parametrize("argv", [
    [], ["export"], ["export", "--format", "xml"], ["export", "--format", "csv", "--from", "yesterday"],
    ["export", "--format", "csv", "--from", "2026-03-02", "--to", "2026-03-01"],
    ["export", "--format", "csv", "--result", "open"], ["verify", "--from-seq", "-1"],
    ["verify", "--from-seq", "9", "--to-seq", "3"]])
def test_usage_errors_exit_2_without_calling(argv, capsys):
    stub = FakeStub()
    with pytest.raises(SystemExit) as exit_:
        audit.main(argv, stub=stub)
    assert exit_.value.code == 2 and stub.calls == [] and "usage:" in capsys.readouterr().err


def test_record_count_trailer_mismatch_is_noted(capsys):
    stub = FakeStub([closed_view()], trailers=(("record-count", "2"),))
    assert audit.main(["export", "--format", "csv", "-q"], stub=stub) == 0
    assert "counted 2 matching records when the export began and sent 1" in capsys.readouterr().err
    stub = FakeStub([closed_view()], trailers=(("record-count", "1"),))
    assert audit.main(["export", "--format", "csv", "-q"], stub=stub) == 0
    assert capsys.readouterr().err == ""


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_progress_without_a_terminal_is_one_line_per_thousand():
    clock, stream = Clock(), io.StringIO()
    progress = Progress(stream, tty=False, clock=clock)
    for count in range(1, 2501):
        clock.now += 0.001
        progress.update(count)
    progress.finish(2500)
    assert stream.getvalue() == ("1,000 records exported (1,000/s, 0:01 elapsed)\n"
                                 "2,000 records exported (1,000/s, 0:02 elapsed)\n"
                                 "2,500 records exported (1,000/s, 0:02 elapsed)\n")


def test_progress_on_a_terminal_redraws_at_most_ten_times_a_second():
    clock, stream = Clock(), io.StringIO()
    progress = Progress(stream, tty=True, clock=clock)
    for count in range(1, 1001):  # one second, 1000 records
        clock.now += 0.001
        progress.update(count)
    progress.finish(1000)
    text = stream.getvalue()
    assert 10 <= text.count("\r") <= 12 and "\n" not in text[:-1] and text.endswith("\n")
    assert text.rstrip().rsplit("\r", 1)[1] == "1,000 records exported (1,000/s, 0:01 elapsed)"


class Servicer(verification_service_pb2_grpc.VerificationServiceServicer):
    def ExportRecords(self, request, context):
        self.metadata = dict(context.invocation_metadata())
        context.set_trailing_metadata((("record-count", "1"),))
        yield pb.ExportRecordsResponse(record=closed_view())

    def VerifyChain(self, request, context):
        context.abort(grpc.StatusCode.PERMISSION_DENIED, "auditor role required")


def test_against_a_real_grpc_server_on_loopback(capsys, monkeypatch):
    monkeypatch.delenv("VERIFICATION_GRPC_TOKEN", raising=False)
    servicer, server = Servicer(), grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    verification_service_pb2_grpc.add_VerificationServiceServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        target = f"127.0.0.1:{port}"
        assert audit.main(["export", "--format", "csv", "-q", "--target", target, "--token", "t0k"]) == 0
        assert capsys.readouterr() == (
            CSV_HEADER + "C1,CLOSED,gz-ops,network,YES,2026-03-01T08:00:00Z,2026-03-31T09:00:00.5Z,\n", "")
        assert servicer.metadata["authorization"] == "Bearer t0k"
        assert audit.main(["verify", "--target", target]) == 2
        assert capsys.readouterr().err == (
            f"the verification service at {target} refused the chain check (PERMISSION_DENIED): "
            "auditor role required\n")
    finally:
        server.stop(None)
