"""What an auditor's lookups show: no full phone number or name, in fields, in event JSON or in free
text; the signed canonical JSON of an audit export untouched; a unit's name left alone."""

from __future__ import annotations

import json

from complaints.v1 import (common_pb2, escalation_service_pb2 as esc, intake_service_pb2 as intake,
                           verification_service_pb2 as ver)
from complaint_platform.role_masking import masked

PHONE, NAME = "13812345678", "张三丰"


def test_customer_fields_event_json_and_free_text_are_masked():
    entry = esc.TimelineEntry(event_type="CaseRegistered", json=json.dumps(
        {"caseRegistered": {"customer": {"id": "C-1", "phone": PHONE, "name": NAME, "region": "guangzhou"},
                            "summary": f"客户电话{PHONE}，宽带断网"}}, ensure_ascii=False))
    original = esc.GetTimelineResponse(entries=[entry])
    answer = masked(original)
    text = answer.entries[0].json
    assert PHONE not in text and NAME not in text and "guangzhou" in text and "C-1" in text
    customer = masked(common_pb2.Customer(id="C-1", phone=PHONE, name=NAME, region="guangzhou"))
    assert (customer.phone, customer.name, customer.region) == ("138******78", "张**", "guangzhou")
    assert PHONE in original.entries[0].json  # the service's own answer is not changed


def test_the_signed_canonical_json_and_a_units_name_are_left_alone():
    canonical = json.dumps({"note": f"call {PHONE}"}, separators=(",", ":"))
    item = masked(ver.ExportAuditResponse(entry=ver.SignedAuditEntry(seq=1, canonical_json=canonical)))
    assert item.entry.canonical_json == canonical
    status = masked(intake.StatusCount(cases=3))
    assert status.cases == 3
