"""Issue 16 on the running stack: one customer's problem told twice in other words on two channels is
one case with the reason it was merged; a submission with only a phone number joins the case of the
customer the directory lists it under, with the directory's tier and region."""

from __future__ import annotations

import random
import time
import uuid

import grpc

from complaints.v1 import common_pb2, intake_service_pb2, intake_service_pb2_grpc
from complaint_platform.topics import COMPLAINTS_SUBMITTED
from helpers import service_now, wait_for
from services.intake import directory
from tools.traffic import sample_complaint


def intake_stub(stack):
    channel = grpc.insecure_channel(f"127.0.0.1:{stack.ports.grpc['intake']}")
    return intake_service_pb2_grpc.IntakeServiceStub(channel)


def complaint(rng, *, customer_id: str, channel: int, summary: str, phone: str = "", tier: int | None = None,
              region: str | None = None, now=None):
    made = sample_complaint(rng, customer_id=customer_id or "unused", channel=channel, summary=summary, now=now)
    if region is not None:
        made.customer.region = region  # "": the sender does not know it
    if not customer_id:
        made.customer.id = ""
    if phone:
        made.customer.phone = phone
    if tier is not None:
        made.customer.tier = tier
    return made


def publish(publisher, *complaints) -> None:
    for item in complaints:
        publisher.publish(COMPLAINTS_SUBMITTED, item, key=item.customer.id or item.customer.phone, as_json=True)
    publisher.flush()


def submissions_of(stub, case_id: str, count: int, timeout_s: float = 10.0):
    """ListSubmissions once the batch that linked the last one is stored."""
    deadline = time.monotonic() + timeout_s
    while True:
        found = stub.ListSubmissions(intake_service_pb2.ListSubmissionsRequest(case_id=case_id), timeout=2).submissions
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def test_one_problem_in_other_words_on_two_channels_is_one_case_with_the_merge_reason(stack, tail, publisher):
    rng, customer = random.Random(16), f"C-{uuid.uuid4().hex[:10]}"
    hotline = complaint(rng, customer_id=customer, channel=common_pb2.CHANNEL_HOTLINE, summary="手机信号很差，经常掉线")
    wechat = complaint(rng, customer_id=customer, channel=common_pb2.CHANNEL_WECHAT,
                       summary="手机一直显示无服务，打不了电话")
    publish(publisher, hotline)
    seen: list = []
    registered = wait_for(tail, lambda e: e.name == "CaseRegistered"
                          and e.payload.submission_id == hotline.submission_id, seen=seen)
    assert registered.payload.category == "network_signal" and not registered.payload.needs_triage
    assert registered.payload.category_confidence >= 0.5
    assert registered.payload.category_candidates[0].category == "network_signal"
    publish(publisher, wechat)
    linked = wait_for(tail, lambda e: e.name == "SubmissionLinked" and e.payload.submission_id == wechat.submission_id,
                      seen=seen)
    assert linked.case_id == registered.case_id and linked.payload.contact_count == 2
    # the WeChat words are filed as no_service, the hotline's as network_signal: one phone, one problem
    assert linked.payload.merge_reason == "same_family:mobile_network"
    assert not [e for e in seen if e.name == "CaseRegistered" and e.payload.submission_id == wechat.submission_id]

    stub = intake_stub(stack)
    contacts = submissions_of(stub, registered.case_id, 2)
    assert [(item.submission_id, item.merge_reason) for item in contacts] == [
        (hotline.submission_id, ""), (wechat.submission_id, "same_family:mobile_network")]
    view = stub.GetCase(intake_service_pb2.GetCaseRequest(case_id=registered.case_id), timeout=2).case
    assert view.category == "network_signal" and view.category_rule.startswith("model:")
    assert view.category_confidence == registered.payload.category_confidence
    assert [c.category for c in view.category_candidates][0] == "network_signal"


def test_a_phone_only_submission_joins_the_case_of_the_customer_the_directory_names(stack, tail, publisher, tmp_path):
    rng, customer, other = random.Random(61), f"C-{uuid.uuid4().hex[:10]}", f"C-{uuid.uuid4().hex[:10]}"
    region = f"dir-{uuid.uuid4().hex[:6]}"
    mobile, other_mobile = f"139{rng.randrange(10**8):08d}", f"137{rng.randrange(10**8):08d}"
    listed = tmp_path / "customers.csv"
    listed.write_text("customer_id,tier,region,phones\n"
                      f"{customer},2,{region},+86 {mobile[:3]} {mobile[3:7]} {mobile[7:]}\n"
                      f"{other},1,{region},{other_mobile}\n", encoding="utf-8")
    assert directory.main(["load", str(listed), "--mongodb-uri", stack.mongodb_uri,
                           "--database", "complaints_intake"]) == 0

    hotline = complaint(rng, customer_id=customer, channel=common_pb2.CHANNEL_HOTLINE, tier=2, region=region,
                        summary="我家宽带又断网了，光猫红灯一直闪")
    publish(publisher, hotline)
    seen: list = []
    registered = wait_for(tail, lambda e: e.name == "CaseRegistered"
                          and e.payload.submission_id == hotline.submission_id, seen=seen)

    # an SMS names only the phone, in another notation, and says it in other words
    sms = complaint(rng, customer_id="", phone=f"0086-{mobile}", channel=common_pb2.CHANNEL_SMS, tier=0, region="",
                    summary="【联通】家里的宽带从昨晚到现在都上不去，麻烦派人看看")
    publish(publisher, sms)
    linked = wait_for(tail, lambda e: e.name == "SubmissionLinked" and e.payload.submission_id == sms.submission_id,
                      seen=seen)
    assert linked.case_id == registered.case_id and linked.payload.contact_count == 2
    assert linked.payload.merge_reason == "same_category"

    # a phone-only first contact is filed under the listed customer, with the directory's tier and region
    first = complaint(rng, customer_id="", phone=other_mobile, channel=common_pb2.CHANNEL_WECHAT, tier=0, region="",
                      summary="手机上网特别慢，视频一直转圈")
    publish(publisher, first)
    opened = wait_for(tail, lambda e: e.name == "CaseRegistered" and e.payload.submission_id == first.submission_id,
                      seen=seen)
    assert (opened.payload.customer.id, opened.payload.customer.tier, opened.payload.customer.region) == \
        (other, 1, region)
    view = intake_stub(stack).GetCase(intake_service_pb2.GetCaseRequest(case_id=opened.case_id), timeout=2).case
    assert (view.customer_id, view.tier, view.region, view.priority) == (other, 1, region, 1)


def test_anonymous_weibo_posts_raise_a_proxy_case_together_with_hotline_reports(stack, tail, publisher):
    from datetime import timedelta

    from complaints.v1 import inbound_pb2
    from complaint_platform.envelope import to_timestamp
    from complaint_platform.topics import SOCIAL_MENTIONS

    rng, region = random.Random(1616), f"social-{uuid.uuid4().hex[:8]}"
    # stamped with the services' time: tests before this one may have moved their clock, and the
    # detector counts reports within its window of that clock
    hotline = [complaint(rng, customer_id=f"C-{uuid.uuid4().hex[:10]}", channel=common_pb2.CHANNEL_HOTLINE,
                         region=region, summary="宽带断网了，家里完全上不了网", now=service_now(stack))
               for _ in range(15)]
    publish(publisher, *hotline)
    seen: list = []
    deadline = time.monotonic() + 60
    while True:  # every registration, also those that came in one poll with another
        registered = {e.case_id for e in seen if e.name == "CaseRegistered" and e.payload.customer.region == region}
        if len(registered) == len(hotline) or time.monotonic() > deadline:
            break
        seen.extend(tail.poll(0.2))
    assert len(registered) == len(hotline)
    assert not [e for e in seen if e.name == "ProxyCaseRaised" and e.payload.region == region]  # 15 < 20

    # five posts by people nobody can name, without a signal word: the model says what they are about
    for n in range(5):
        post = inbound_pb2.SocialMention(mention_id=f"M-{uuid.uuid4().hex[:12]}", platform="weibo",
                                         author=f"路人{n}", text="@联通客服 小区宽带全挂了，光猫红灯闪个不停",
                                         url=f"https://weibo.example/{n}", region=region)
        post.posted_at.CopyFrom(to_timestamp(service_now(stack)))
        publisher.publish(SOCIAL_MENTIONS, post, key=post.mention_id, as_json=True)
    publisher.flush()
    raised = wait_for(tail, lambda e: e.name == "ProxyCaseRaised" and e.payload.region == region, seen=seen)
    assert raised.payload.category == "broadband_outage"
    assert sorted(raised.payload.member_case_ids) == sorted(registered)   # the cases; the posts counted
    stub = intake_stub(stack)
    view = stub.GetCase(intake_service_pb2.GetCaseRequest(case_id=raised.case_id), timeout=2).case
    assert view.proxy_case

    # the opinion desk lists the posts by region, category and period, newest first, page by page
    request = intake_service_pb2.ListMentionsRequest(region=region, category="broadband_outage")
    request.posted_from.CopyFrom(to_timestamp(service_now(stack) - timedelta(hours=1)))
    request.page.page_size = 3
    deadline, pages = time.monotonic() + 10, []
    while True:  # the batch that counted the last post may still be storing
        first_page = stub.ListMentions(request, timeout=2)
        if first_page.next_page_token or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    pages.append(first_page)
    request.page.page_token = first_page.next_page_token
    pages.append(stub.ListMentions(request, timeout=2))
    posts = [item for page in pages for item in page.mentions]
    assert len(posts) == 5 and not pages[1].next_page_token
    assert [p.posted_at.ToDatetime() for p in posts] == sorted((p.posted_at.ToDatetime() for p in posts), reverse=True)
    assert {p.category_rule.split(":")[0] for p in posts} == {"model"}
    assert raised.case_id in {p.proxy_case_id for p in posts}   # the post that crossed the threshold
    elsewhere = intake_service_pb2.ListMentionsRequest(region=region, category="billing_dispute")
    assert list(stub.ListMentions(elsewhere, timeout=2).mentions) == []
