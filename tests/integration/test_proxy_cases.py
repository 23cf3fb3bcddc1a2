"""Proxy cases (代用户投诉) on the running stack: a burst of one fault raises one proxy case; the
detector keeps one small document per fault, and a restarted intake still knows the incident."""

from __future__ import annotations

import random
import signal
import uuid

import pymongo

from complaints.v1 import common_pb2
from complaint_platform.topics import COMPLAINTS_SUBMITTED
from helpers import wait_for
from tools.traffic import sample_complaint

SUMMARY = "宽带断网两天了，报修后一直没人上门"


def publish(publisher, complaints) -> None:
    for complaint in complaints:
        publisher.publish(COMPLAINTS_SUBMITTED, complaint, key=complaint.customer.id, as_json=True)
    publisher.flush()


def test_a_burst_raises_one_proxy_case_kept_per_fault_across_a_restart(stack, tail, publisher):
    region = f"proxy-{uuid.uuid4().hex[:8]}"
    rng = random.Random(11)
    burst = [sample_complaint(rng, region=region, channel=common_pb2.CHANNEL_HOTLINE, summary=SUMMARY)
             for _ in range(20)]  # the policy's threshold within its 10-minute window
    publish(publisher, burst)
    seen: list = []
    raised = wait_for(tail, lambda e: e.name == "ProxyCaseRaised" and e.payload.region == region, seen=seen)
    assert raised.payload.category == "broadband_outage" and len(raised.payload.member_case_ids) == 20

    intake = pymongo.MongoClient(stack.mongodb_uri)["complaints_intake"]
    fault = intake["proxy_faults"].find_one({"_id": f"{region}|broadband_outage"})
    assert fault is not None and fault["incident"]["proxy_case_id"] == raised.case_id
    assert intake["detector_state"].count_documents({}) == 0  # no single document growing with every fault

    assert stack.stop_service("intake", signal.SIGTERM) == 0  # what it holds in memory goes
    stack.start_service("intake")
    stack.wait_healthy("intake")
    late = sample_complaint(rng, region=region, channel=common_pb2.CHANNEL_WECHAT, summary=SUMMARY)
    publish(publisher, [late])
    registered = first(tail, seen, lambda e: e.name == "CaseRegistered" and e.payload.submission_id == late.submission_id)
    # the restarted intake read the incident back from its fault's document: the new case joins it
    first(tail, seen, lambda e: e.name == "ProxyMemberLinked" and e.case_id == raised.case_id
          and e.payload.member_case_id == registered.case_id)
    assert sum(1 for e in seen if e.name == "ProxyCaseRaised" and e.payload.region == region) == 1



def first(tail, seen: list, predicate):
    """The first event matching, among those read already or still to come."""
    return next((event for event in seen if predicate(event)), None) or wait_for(tail, predicate, seen=seen)
