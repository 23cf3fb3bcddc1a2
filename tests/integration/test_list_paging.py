"""The list lookups page through every row once, and a page token answers only its own question."""

from __future__ import annotations

import random
import time
import uuid

import grpc
import pytest

from complaints.v1 import (common_pb2, dispatch_service_pb2, dispatch_service_pb2_grpc, intake_service_pb2,
                           intake_service_pb2_grpc)
from complaint_platform.topics import COMPLAINTS_SUBMITTED
from helpers import collect_case, names, wait_for
from tools.traffic import sample_complaint


def pages(call, request, size: int) -> list[list]:
    """Every page of a list, following next_page_token to the end."""
    found = []
    request.page.page_size = size
    while True:
        reply = call(request, timeout=10)
        rows = list(getattr(reply, "cases", None) or getattr(reply, "work_orders", None) or [])
        found.append(rows)
        if not reply.next_page_token:
            return found
        request.page.page_token = reply.next_page_token


def test_search_and_department_queue_page_through_every_case_once(stack, tail, publisher):
    region = f"paging-{uuid.uuid4().hex[:8]}"  # only this test's cases are in it
    rng = random.Random(7)
    submitted = [sample_complaint(rng, region=region, channel=common_pb2.CHANNEL_HOTLINE,
                                  summary="宽带断网两天了，报修后一直没人上门") for _ in range(5)]
    for complaint in submitted:
        publisher.publish(COMPLAINTS_SUBMITTED, complaint, key=complaint.customer.id, as_json=True)
    publisher.flush()
    wanted = {complaint.submission_id for complaint in submitted}
    seen: list = []
    registered = {}
    while len(registered) < len(wanted):  # the tail may read several registrations in one poll
        wait_for(tail, lambda e: e.name == "CaseRegistered" and e.payload.submission_id in wanted, seen=seen)
        registered = {e.payload.submission_id: e.case_id for e in seen
                      if e.name == "CaseRegistered" and e.payload.submission_id in wanted}
    case_ids, departments = set(registered.values()), set()
    for case_id in case_ids:
        events = collect_case(tail, case_id, lambda got: "WorkOrderDispatched" in names(got), seen=seen)
        departments |= {e.payload.department for e in events if e.name == "WorkOrderDispatched"}

    intake = intake_service_pb2_grpc.IntakeServiceStub(grpc.insecure_channel(f"127.0.0.1:{stack.ports.grpc['intake']}"))
    found = pages(intake.SearchCases, intake_service_pb2.SearchCasesRequest(region=region), size=2)
    assert [len(page) for page in found] == [2, 2, 1]
    assert sorted(view.case_id for page in found for view in page) == sorted(case_ids)

    # a token asked of another question is refused, with the field named
    first = intake.SearchCases(intake_service_pb2.SearchCasesRequest(region=region, page={"page_size": 2}), timeout=10)
    other = intake_service_pb2.SearchCasesRequest(region="elsewhere")
    other.page.page_token = first.next_page_token
    with pytest.raises(grpc.RpcError) as refused:
        intake.SearchCases(other, timeout=10)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "page.page_token" in refused.value.details()

    dispatch = dispatch_service_pb2_grpc.DispatchServiceStub(
        grpc.insecure_channel(f"127.0.0.1:{stack.ports.grpc['dispatch']}"))
    (department,) = departments
    # An order's place in the queue moves once escalation's reply clock gives it a due time (a
    # keyset page after the move may skip it), so the queue is paged once the orders are still.
    deadline = time.monotonic() + 30
    while True:
        queued = pages(dispatch.GetDepartmentQueue,
                       dispatch_service_pb2.GetDepartmentQueueRequest(department=department, region=region), size=2)
        listed = sorted(order.case_id for page in queued for order in page)
        settled = all(order.HasField("due_at") for page in queued for order in page)
        if (listed == sorted(case_ids) and settled) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert listed == sorted(case_ids)  # every order once
    assert all(len(page) <= 2 for page in queued) and len(queued) == 3
