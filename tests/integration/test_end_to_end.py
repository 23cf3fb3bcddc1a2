"""One complaint end to end through the four services on the real embedded stack."""

from __future__ import annotations

import json
import random
import time

import grpc

from complaints.v1 import common_pb2, inbound_pb2, intake_service_pb2, intake_service_pb2_grpc
from complaint_platform.topics import COMPLAINTS_SUBMITTED, WORKORDER_FEEDBACK
from helpers import collect_case, names, wait_for
from tools.traffic import department_feedback, sample_complaint


def intake_stub(stack):
    channel = grpc.insecure_channel(f"127.0.0.1:{stack.ports.grpc['intake']}")
    return intake_service_pb2_grpc.IntakeServiceStub(channel)


def wait_status(stub, request, status, timeout_s=10.0, with_deadline=False):
    deadline = time.monotonic() + timeout_s
    while True:
        view = stub.GetCase(request, timeout=2).case
        ready = view.status == status and (not with_deadline or view.current_deadline.seconds > 0)
        if ready or time.monotonic() > deadline:
            return view
        time.sleep(0.1)


def test_complaint_travels_intake_dispatch_escalation_verification(stack, tail, publisher):
    seen = []
    complaint = sample_complaint(random.Random(), channel=common_pb2.CHANNEL_HOTLINE,
                                 summary="宽带断网两天了，报修后一直没人上门")
    publisher.publish(COMPLAINTS_SUBMITTED, complaint, key=complaint.customer.id, as_json=True)
    publisher.flush()

    registered = wait_for(tail, lambda e: e.name == "CaseRegistered"
                          and e.payload.submission_id == complaint.submission_id, seen=seen)
    case_id = registered.case_id
    events = collect_case(tail, case_id, lambda got: {"OwnerAssigned", "WorkOrderDispatched", "DeadlineSet"}
                          <= set(names(got)), seen=seen)
    order = next(e.payload for e in events if e.name == "WorkOrderDispatched")
    owner = next(e.payload.owner for e in events if e.name == "OwnerAssigned")
    assert owner == complaint.first_contact  # first-contact responsibility
    assert registered.payload.category == "broadband_outage"

    stub = intake_stub(stack)
    by_submission = intake_service_pb2.GetCaseRequest(channel=complaint.channel, submission_id=complaint.submission_id)
    view = wait_status(stub, by_submission, common_pb2.CASE_STATUS_DISPATCHED)
    assert view.case_id == case_id
    assert view.status == common_pb2.CASE_STATUS_DISPATCHED
    assert view.owner == owner
    deadline_view = wait_status(stub, by_submission, common_pb2.CASE_STATUS_DISPATCHED, with_deadline=True)
    assert deadline_view.current_deadline.seconds > 0

    for kind, text in ((inbound_pb2.FEEDBACK_KIND_REPLIED, "已更换光猫，恢复上网"),
                       (inbound_pb2.FEEDBACK_KIND_CUSTOMER_REPLIED, "已电话告知客户")):
        publisher.publish(WORKORDER_FEEDBACK, department_feedback(case_id, order.work_order_id, order.department,
                                                                  kind, text), key=case_id)
    publisher.flush()
    events = collect_case(tail, case_id, lambda got: "VerificationOpened" in names(got), seen=seen)
    assert names(events).index("CaseResolved") < names(events).index("VerificationOpened")
    view = wait_status(stub, intake_service_pb2.GetCaseRequest(case_id=case_id), common_pb2.CASE_STATUS_VERIFYING)
    assert view.status == common_pb2.CASE_STATUS_VERIFYING

    # one complaint is one trace across the four services
    trace_services = _services_in_trace_of(stack.spans_file, case_id)
    assert trace_services >= {"complaints-intake", "complaints-dispatch", "complaints-escalation",
                              "complaints-verification"}


def _services_in_trace_of(spans_file, case_id, timeout_s=10.0):
    deadline = time.monotonic() + timeout_s
    while True:
        spans = [json.loads(line) for line in spans_file.read_text().splitlines() if line.strip()]
        traces = {span["trace_id"] for span in spans
                  if span["attributes"].get("complaints.case_id") == case_id
                  and span["attributes"].get("complaints.event_type") == "complaints.v1.CaseRegistered"}
        services = {span["service"] for span in spans if span["trace_id"] in traces}
        if len(traces) == 1 and len(services) >= 4 or time.monotonic() > deadline:
            assert len(traces) == 1, f"CaseRegistered was consumed under {len(traces)} traces"
            return services
        time.sleep(0.2)
