"""Traffic for the console's tests: a few complaints, and one pushed through the whole closed loop
(dispatched, replied, verified with a corrective action, called back, closed after the window)."""

from __future__ import annotations

import random
import time
import uuid
from datetime import datetime, timedelta, timezone

import grpc

from complaints.v1 import common_pb2, inbound_pb2 as F, verification_service_pb2, verification_service_pb2_grpc
from complaint_platform.envelope import to_timestamp
from complaint_platform.topics import CALLBACK_RESULTS, CAPA_REPORTS, COMPLAINTS_SUBMITTED, WORKORDER_FEEDBACK
from helpers import collect_case, move_clock, names, wait_for
from tools.traffic import callback, department_feedback, sample_complaint

LOOP_SUMMARY = "宽带断网两天了，报修后一直没人上门"
# the roles of the console's stack (tests/console/conftest.py writes them to its token file)
TOKENS = {"operator": "console-test-operator", "auditor": "console-test-auditor", "service": "console-test-service"}


def publish_complaints(publisher, count: int, seed: int = 17) -> list:
    rng = random.Random(seed)
    complaints = [sample_complaint(rng) for _ in range(count)]
    complaints.append(sample_complaint(rng, channel=common_pb2.CHANNEL_REGULATOR, summary="向管局申诉：多次投诉无人处理"))
    for complaint in complaints:
        publisher.publish(COMPLAINTS_SUBMITTED, complaint, key=complaint.customer.id)
    publisher.flush()
    return complaints


def _capa(publisher, case_id: str, kind: int, **fields) -> None:
    report = F.CapaReport(report_id=f"R-{uuid.uuid4().hex[:12]}", case_id=case_id, kind=kind,
                          reported_by="quality-team", **fields)
    report.reported_at.CopyFrom(to_timestamp(datetime.now(timezone.utc)))
    publisher.publish(CAPA_REPORTS, report, key=case_id)
    publisher.flush()


def _feedback(publisher, case_id: str, order, kind: int, text: str) -> None:
    publisher.publish(WORKORDER_FEEDBACK, department_feedback(case_id, order.work_order_id, order.department, kind,
                                                              text), key=case_id)
    publisher.flush()


def _wait_only_the_window_blocks(stack, case_id: str, timeout_s: float = 20) -> None:
    """The callback is applied before the clock moves past the recurrence window."""
    channel = grpc.insecure_channel(f"127.0.0.1:{stack.ports.grpc['verification']}")
    records = verification_service_pb2_grpc.VerificationServiceStub(channel)
    request = verification_service_pb2.GetRecordRequest(case_id=case_id)
    deadline = time.monotonic() + timeout_s
    while True:
        blockers = list(records.GetRecord(request, timeout=5, metadata=(
            ("authorization", f"Bearer {TOKENS['service']}"),)).record.blockers)
        if blockers and all("window" in b or "late reports" in b for b in blockers):
            break
        assert time.monotonic() < deadline, f"case {case_id} still blocked by {blockers}"
        time.sleep(0.3)
    channel.close()


def full_loop(stack, tail, publisher) -> str:
    """The case id of a complaint taken from intake to management closure."""
    seen: list = []
    complaint = sample_complaint(random.Random(), channel=common_pb2.CHANNEL_HOTLINE, summary=LOOP_SUMMARY,
                                 customer_id=f"C-{uuid.uuid4().hex[:10]}", region="guangzhou")
    publisher.publish(COMPLAINTS_SUBMITTED, complaint, key=complaint.customer.id)
    publisher.flush()
    case_id = wait_for(tail, lambda e: e.name == "CaseRegistered"
                       and e.payload.submission_id == complaint.submission_id, seen=seen).case_id
    events = collect_case(tail, case_id, lambda got: {"WorkOrderDispatched", "DeadlineSet"} <= set(names(got)),
                          seen=seen)
    order = next(e.payload for e in events if e.name == "WorkOrderDispatched")
    _feedback(publisher, case_id, order, F.FEEDBACK_KIND_REPLIED, "已更换光猫，恢复上网")
    _feedback(publisher, case_id, order, F.FEEDBACK_KIND_CUSTOMER_REPLIED, "已电话告知客户")
    collect_case(tail, case_id, lambda got: "VerificationOpened" in names(got), seen=seen)

    due = to_timestamp(datetime.now(timezone.utc) + timedelta(days=7))
    _capa(publisher, case_id, F.CAPA_KIND_RESPONSIBILITY, responsible_unit="guangzhou-broadband-ops",
          root_cause_class="faulty_modem_batch", company_at_fault=common_pb2.COMPANY_FAULT_YES)
    _capa(publisher, case_id, F.CAPA_KIND_CORRECTIVE_ACTION,
          action=F.CapaAction(action_id="CA-1", owner="guangzhou-broadband-ops", due_at=due,
                              description="更换同批次光猫"))
    _capa(publisher, case_id, F.CAPA_KIND_ACTION_COMPLETED,
          action=F.CapaAction(action_id="CA-1", evidence="工单 88 已完成，线路测试正常"))
    _capa(publisher, case_id, F.CAPA_KIND_ACTION_VERIFIED, action=F.CapaAction(action_id="CA-1"))
    collect_case(tail, case_id, lambda got: "ActionVerified" in names(got), seen=seen)
    publisher.publish(CALLBACK_RESULTS, callback(case_id, F.CALLBACK_OUTCOME_SATISFIED), key=case_id)
    publisher.flush()
    _wait_only_the_window_blocks(stack, case_id)
    move_clock(stack, timedelta(days=31, hours=2))
    collect_case(tail, case_id, lambda got: "CaseClosed" in names(got), seen=seen, timeout_s=90)
    return case_id


def fresh_case(tail, publisher) -> str:
    """A case escalation already supervises the clocks of, not on the supervision list yet."""
    seen: list = []
    complaint = sample_complaint(random.Random(), channel=common_pb2.CHANNEL_ONLINE_HALL,
                                 summary="申请更换套餐后费用没有变化，要求核实", customer_id=f"C-{uuid.uuid4().hex[:10]}")
    publisher.publish(COMPLAINTS_SUBMITTED, complaint, key=complaint.customer.id)
    publisher.flush()
    case_id = wait_for(tail, lambda e: e.name == "CaseRegistered"
                       and e.payload.submission_id == complaint.submission_id, seen=seen).case_id
    collect_case(tail, case_id, lambda got: "DeadlineSet" in names(got), seen=seen)
    return case_id
