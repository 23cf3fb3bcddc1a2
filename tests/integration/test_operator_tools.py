"""The operators' command lines against the running stack: customer directory and bulletin."""

from __future__ import annotations

import random

from complaints.v1 import common_pb2
from complaint_platform.topics import COMPLAINTS_SUBMITTED
from helpers import wait_for
from services.escalation import bulletin
from services.intake import directory
from tools.eventlog import EventTail, Publisher
from tools.traffic import sample_complaint


def test_directory_tier_reaches_the_case_and_the_bulletin_renders(stack, tmp_path):
    csv = tmp_path / "customers.csv"
    csv.write_text("customer_id,tier,region\nC-VIP-0001,1,shenzhen\n", encoding="utf-8")
    assert directory.main(["load", str(csv), "--mongodb-uri", stack.mongodb_uri,
                           "--database", "complaints_intake"]) == 0
    tail = EventTail(stack.kafka_bootstrap)
    publisher = Publisher(stack.kafka_bootstrap)
    complaint = sample_complaint(random.Random(5), customer_id="C-VIP-0001", channel=common_pb2.CHANNEL_HOTLINE)
    complaint.customer.tier = 0  # unknown on the event: the directory decides
    publisher.publish(COMPLAINTS_SUBMITTED, complaint, key=complaint.customer.id)
    publisher.flush()
    registered = wait_for(tail, lambda e: e.name == "CaseRegistered"
                          and e.payload.submission_id == complaint.submission_id)
    assert registered.payload.customer.tier == 1
    assert registered.payload.priority == 1

    report = tmp_path / "bulletin.md"
    assert bulletin.main(["--period", "daily", "--format", "md", "--output", str(report),
                          "--target", f"127.0.0.1:{stack.ports.grpc['escalation']}"]) == 0
    text = report.read_text(encoding="utf-8")
    assert "bulletin" in text.lower() and "| rank |" in text
    tail.close()
    publisher.close()
