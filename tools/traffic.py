"""Realistic inbound traffic: complaints across channels, department replies, callbacks.

Plays the other systems for ``make dev SIMULATE=1`` and for the benchmark.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timezone

from complaints.v1 import common_pb2, inbound_pb2
from complaint_platform.envelope import to_timestamp

REGIONS = ("guangzhou", "shenzhen", "foshan", "dongguan", "zhuhai")
CHANNEL_MIX = (
    (common_pb2.CHANNEL_HOTLINE, 40), (common_pb2.CHANNEL_MOBILE_APP, 15), (common_pb2.CHANNEL_ONLINE_HALL, 10),
    (common_pb2.CHANNEL_WECHAT, 10), (common_pb2.CHANNEL_SMS, 6), (common_pb2.CHANNEL_ONLINE_CHAT, 6),
    (common_pb2.CHANNEL_STORE, 4), (common_pb2.CHANNEL_EMAIL, 3), (common_pb2.CHANNEL_KIOSK, 2),
    (common_pb2.CHANNEL_WEIBO, 2), (common_pb2.CHANNEL_REGULATOR, 2),
)
SUMMARIES = (
    "家里手机信号差，经常打不通电话，已经一个星期了",
    "宽带断网两天了，报修后一直没人上门",
    "这个月话费乱扣费，多扣了五十元，要求退还",
    "莫名其妙开通了增值业务，每月扣费十元，我从未订购",
    "营业厅工作人员态度恶劣，服务很差",
    "预约装机已经超过一周，师傅一直不来",
    "申请更换套餐后费用没有变化，要求核实",
    "携号转网被拒绝，理由不合理",
    "網絡信號很差，室內完全沒有信號",  # Traditional characters arrive from some channels
)
AGENTS = ("agent-1001", "agent-1002", "agent-1003", "agent-2001", "agent-2002")


def sample_complaint(rng: random.Random, now: datetime | None = None, *, customer_id: str | None = None,
                     channel: int | None = None, summary: str | None = None, region: str | None = None,
                     attributes: dict[str, str] | None = None) -> inbound_pb2.ComplaintSubmitted:
    now = now or datetime.now(timezone.utc)
    channels, weights = zip(*CHANNEL_MIX)
    chosen_channel = channel if channel is not None else rng.choices(channels, weights)[0]
    customer = customer_id or f"C{rng.randrange(10_000_000):08d}"
    complaint = inbound_pb2.ComplaintSubmitted(
        submission_id=f"S-{uuid.UUID(int=rng.getrandbits(128)).hex[:16]}",
        channel=chosen_channel,
        customer=common_pb2.Customer(
            id=customer, phone=f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
            name=rng.choice(("张伟", "王芳", "李娜", "刘洋", "陈静")),
            tier=rng.choices((1, 2, 3, 0), (5, 20, 60, 15))[0], region=region or rng.choice(REGIONS)),
        summary=summary or rng.choice(SUMMARIES),
        first_contact=rng.choice(AGENTS),
        attributes=attributes or {"cell_id": f"CELL-{rng.randrange(300):04d}"},
    )
    complaint.received_at.CopyFrom(to_timestamp(now))
    return complaint


def department_feedback(case_id: str, work_order_id: str, department: str, kind: int, text: str,
                        feedback_id: str | None = None, at_fault: int = common_pb2.COMPANY_FAULT_YES,
                        now: datetime | None = None) -> inbound_pb2.WorkOrderFeedback:
    feedback = inbound_pb2.WorkOrderFeedback(
        feedback_id=feedback_id or f"F-{uuid.uuid4().hex[:16]}", case_id=case_id, work_order_id=work_order_id,
        kind=kind, department=department, text=text, company_at_fault=at_fault, reported_by="dept-system")
    feedback.reported_at.CopyFrom(to_timestamp(now or datetime.now(timezone.utc)))
    return feedback


def callback(case_id: str, outcome: int, reason: str = "", now: datetime | None = None) -> inbound_pb2.CallbackResult:
    result = inbound_pb2.CallbackResult(callback_id=f"CB-{uuid.uuid4().hex[:16]}", case_id=case_id,
                                        outcome=outcome, reason=reason, agent_id="callback-centre")
    result.called_at.CopyFrom(to_timestamp(now or datetime.now(timezone.utc)))
    return result
