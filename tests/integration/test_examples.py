"""docs/examples: every inbound example is accepted by the running services (published with
complaint_platform.publishing, the function behind `complaints publish`), the consumer example
receives the department's work order and the callback request, and JSON sent without its
content-type header is dead-lettered with a reason that says which header to add."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import threading
import time
import uuid
from pathlib import Path

import grpc

from complaint_platform.config import KafkaSettings
from complaint_platform.publishing import publish_document, publish_file
from complaint_platform.topics import COMPLAINTS_SUBMITTED, INBOUND_TOPICS
from complaints.v1 import verification_service_pb2 as vpb, verification_service_pb2_grpc
from helpers import wait_for

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
CASE = "42d67c1d-aba4-597e-97e0-05fba94372c1"  # the case the example complaint opens (ids are deterministic)
WORK_ORDER = f"{CASE}-WO1"


def load_follow_cases():
    spec = importlib.util.spec_from_file_location("follow_cases", EXAMPLES / "follow_cases.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Follower:
    """docs/examples/follow_cases.py running in a thread, collecting what it hands over for our case."""

    def __init__(self, module, role: str, department: str, bootstrap: str) -> None:
        self.seen: list = []
        self.stop = threading.Event()
        connection = module.connection_from_env({"KAFKA_BOOTSTRAP_SERVERS": bootstrap})
        work = module.follow(role, department, self._keep, connection, group=f"it-{role}-{uuid.uuid4().hex[:6]}",
                             stop=self.stop)
        self.thread = threading.Thread(target=asyncio.run, args=(work,), daemon=True)
        self.thread.start()

    def _keep(self, envelope) -> None:
        if envelope.case_id == CASE:
            self.seen.append(envelope)

    def wait_for(self, count: int, timeout_s: float = 60) -> list:
        """What it handed over once it has ``count`` events (a copy re-published later is not one more)."""
        deadline = time.monotonic() + timeout_s
        while len(self.seen) < count and time.monotonic() < deadline and self.thread.is_alive():
            time.sleep(0.2)
        return self.seen

    def close(self) -> None:
        self.stop.set()
        self.thread.join(15)


def accepted(tail, seen: list, example: str, predicate) -> None:
    """The example's expected effect appears, and no dead letter of it does."""
    wait_for(tail, predicate, seen=seen, timeout_s=60)
    value = (EXAMPLES / f"{example}.json").read_bytes()
    letters = [e.dead_letter.reason for e in seen if e.dead_letter is not None and e.dead_letter.original_value == value]
    assert not letters, f"{example}: dead-lettered: {letters}"


def test_there_is_one_example_per_inbound_topic():
    assert sorted(path.name.removesuffix(".json") for path in EXAMPLES.glob("*.json")) == sorted(INBOUND_TOPICS)


def test_every_example_is_accepted_and_the_consumer_example_receives_the_work(stack, tail):
    kafka = KafkaSettings(stack.kafka_bootstrap)
    module = load_follow_cases()
    department = Follower(module, "department", "province-porting-desk", stack.kafka_bootstrap)
    callbacks = Follower(module, "callbacks", "", stack.kafka_bootstrap)
    seen: list = []
    try:
        publish_file(kafka, EXAMPLES / "complaints.submitted.v1.json")
        accepted(tail, seen, "complaints.submitted.v1", lambda e: e.name == "CaseRegistered" and e.case_id == CASE)
        accepted(tail, seen, "complaints.submitted.v1", lambda e: e.name == "WorkOrderDispatched"
                 and e.payload.work_order_id == WORK_ORDER and e.payload.department == "province-porting-desk")

        publish_file(kafka, EXAMPLES / "social.mentions.v1.json")
        accepted(tail, seen, "social.mentions.v1", lambda e: e.name == "SubmissionLinked" and e.case_id == CASE)

        publish_file(kafka, EXAMPLES / "workorders.feedback.v1.json")
        accepted(tail, seen, "workorders.feedback.v1", lambda e: e.name == "WorkOrderReplied" and e.case_id == CASE)

        publish_file(kafka, EXAMPLES / "service.ratings.v1.json")
        accepted(tail, seen, "service.ratings.v1", lambda e: e.name == "DeadlineSet" and e.case_id == CASE
                 and e.payload.subject_id == "R-EXAMPLE-0001")
        publish_file(kafka, EXAMPLES / "agent.explanations.v1.json")
        accepted(tail, seen, "agent.explanations.v1", lambda e: e.name == "DeadlineStopped" and e.case_id == CASE
                 and e.payload.subject_id == "R-EXAMPLE-0001")

        # the department tells the customer: the case is resolved and verification opens
        replied = json.loads((EXAMPLES / "workorders.feedback.v1.json").read_text(encoding="utf-8"))
        replied.update(feedbackId="F-EXAMPLE-0002", kind="FEEDBACK_KIND_CUSTOMER_REPLIED")
        publish_document(kafka, "workorders.feedback.v1", json.dumps(replied, ensure_ascii=False))
        wait_for(tail, lambda e: e.name == "VerificationOpened" and e.case_id == CASE, seen=seen)

        publish_file(kafka, EXAMPLES / "capa.reports.v1.json")
        accepted(tail, seen, "capa.reports.v1", lambda e: e.name == "ResponsibilityDetermined" and e.case_id == CASE)
        publish_file(kafka, EXAMPLES / "callbacks.results.v1.json")
        record = wait_for_record(stack, lambda view: [(call["agent_id"], call["outcome"]) for call in
                                                     json.loads(view.json)["callbacks"]]
                                 == [("callback-centre-07", "SATISFIED")])
        assert record.responsible_unit == "province-porting-desk"
        assert not [e for e in seen if e.dead_letter is not None and CASE.encode() in (e.dead_letter.original_key or b"")]

        # the followers run in their own consumer groups: give them time to join and read
        assert [e.work_order_dispatched.work_order_id for e in department.wait_for(1)] == [WORK_ORDER]
        assert [e.verification_opened.case_id for e in callbacks.wait_for(1)] == [CASE]
        assert "answer on workorders.feedback.v1" in module.describe(department.seen[0])
    finally:
        department.close()
        callbacks.close()


def wait_for_record(stack, predicate, timeout_s: float = 60):
    """The example case's verification record, once ``predicate`` holds (read over gRPC)."""
    deadline = time.monotonic() + timeout_s
    with grpc.insecure_channel(f"127.0.0.1:{stack.ports.grpc['verification']}") as channel:
        stub = verification_service_pb2_grpc.VerificationServiceStub(channel)
        while time.monotonic() < deadline:
            view = stub.GetRecord(vpb.GetRecordRequest(case_id=CASE), timeout=10).record
            if predicate(view):
                return view
            time.sleep(0.5)
    raise AssertionError(f"verification record of {CASE} never matched; last: {view}")


def test_json_without_content_type_is_dead_lettered_with_the_header_to_add(stack, tail, publisher):
    value = (EXAMPLES / "complaints.submitted.v1.json").read_bytes()
    publisher.publish_raw(COMPLAINTS_SUBMITTED, value, "C-EXAMPLE-NO-HEADER", [])
    publisher.flush()
    letter = wait_for(tail, lambda e: e.dead_letter is not None
                      and e.dead_letter.original_key == b"C-EXAMPLE-NO-HEADER").dead_letter
    assert letter.original_value == value
    assert letter.reason.startswith("content-type: ")
    assert "add the Kafka header 'content-type: application/json'" in letter.reason
