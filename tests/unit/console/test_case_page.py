"""A case's page from the services' answers: the timeline in time order across the services,
personal data masked in its rows, how each contact joined the case, the audit chain's status."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from complaints.v1 import escalation_service_pb2 as esc, intake_service_pb2 as intake, verification_service_pb2 as ver
from complaint_platform.envelope import to_timestamp
from services.console.views import case_page

ZONE = "Asia/Shanghai"


def entry(event_id, event_type, producer, minute, body):
    return esc.TimelineEntry(event_id=event_id, event_type=f"complaints.v1.{event_type}", producer=producer,
                             occurred_at=to_timestamp(datetime(2026, 12, 3, 1, minute, tzinfo=timezone.utc)),
                             json=json.dumps({"event_id": event_id, "event_type": f"complaints.v1.{event_type}",
                                              "producer": producer, "occurred_at": "2026-12-03T01:00:00Z",
                                              "causation_id": "c-13812345678",
                                              snake(event_type): body}, ensure_ascii=False))


def snake(name):
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def test_the_timeline_is_in_time_order_across_services_with_personal_data_masked():
    answer = esc.GetTimelineResponse(entries=[
        entry("e3", "DeadlineSet", "escalation", 3, {"kind": "DEADLINE_KIND_CASE_REPLY"}),
        entry("e1", "CaseRegistered", "intake", 1, {"case_id": "K1", "category": "broadband_outage",
                                                    "customer": {"phone": "13812345678", "name": "张伟"}}),
        entry("e2", "OwnerAssigned", "dispatch", 2, {"owner": "agent-1001"}),
        entry("e4", "VerificationOpened", "verification", 4, {"loop": 1}),
    ])
    rows = case_page.timeline(answer, ZONE)
    assert [r.event for r in rows] == ["CaseRegistered", "OwnerAssigned", "DeadlineSet", "VerificationOpened"]
    assert rows[0].at == "2026-12-03 09:01:00"
    assert "13812345678" not in rows[0].details and "张伟" not in rows[0].details
    assert "broadband_outage" in rows[0].details and "case_id" not in rows[0].details
    assert "event_id" not in rows[0].details and "causation" not in rows[0].details
    page = case_page.CasePage("K1", timeline=rows)
    assert page.producers == ["dispatch", "escalation", "intake", "verification"]


def test_each_contact_says_how_it_joined_the_case():
    submissions = intake.ListSubmissionsResponse(submissions=[
        intake.SubmissionView(submission_id="S1", channel=1, summary="断网"),
        intake.SubmissionView(submission_id="S2", channel=5, summary="又断网了")])
    timeline = [entry("e9", "SubmissionLinked", "intake", 9, {"submission_id": "S2", "contact_count": 2,
                                                              "regulator_risk": 25.0})]
    rows = case_page.submissions(submissions, timeline, ZONE)
    assert [(r["channel"], r["how"]) for r in rows] == [("HOTLINE", "CaseRegistered"),
                                                        ("WECHAT", "SubmissionLinked #2 risk 25.0")]


def test_an_altered_audit_entry_marks_the_chain_broken():
    answer = ver.GetCaseAuditResponse(entries=[
        ver.CaseAuditEntry(seq=3, entry_type="OPENED", hash="a" * 64, intact=True),
        ver.CaseAuditEntry(seq=7, entry_type="CLOSED", hash="b" * 64, intact=False,
                           problem="hash mismatch: entry 7 was altered")])
    page = case_page.CasePage("K1", audit=case_page.audit(answer, ZONE))
    assert not page.audit_intact and page.audit[1]["problem"].startswith("hash mismatch")
    assert page.audit[0]["hash"] == "a" * 12
