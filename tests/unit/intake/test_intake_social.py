"""Social listening: a brand word AND (the category model's confident complaint category OR a signal
word); a known author becomes a WEIBO complaint; anonymous posts count towards proxy cases."""

from __future__ import annotations

import pytest
from intake_builders import NOW, at

from services.intake.domain.proxy import ProxyDetector
from services.intake.domain.social import MentionOutcome, SocialMention, assess_mention
from services.intake.domain.submission import normalise
from services.intake.domain.vocabulary import Channel


def mention(text: str, **overrides) -> SocialMention:
    fields = dict(mention_id="M-1", author="小王", text=text, posted_at=NOW, url="https://weibo.com/1",
                  region="guangzhou")
    fields.update(overrides)
    return SocialMention(**fields)


@pytest.mark.parametrize("text", [
    "今天天气不错",                 # neither
    "联通的新套餐发布了",            # brand, no signal, and the model is not sure it is a complaint
    "刚办了电信宽带，网速挺快的",     # brand, no signal, praise
    "这家店真坑人，断网了",          # signal, no brand
    "沃尔玛的东西真坑人",            # "沃" only inside another word
])
def test_posts_without_a_brand_and_a_complaint_are_only_counted(policy, text):
    decided = assess_mention(mention(text), policy, ProxyDetector())
    assert decided.outcome is MentionOutcome.NOT_RELEVANT
    assert decided.complaint is None and decided.opinion is None


def test_an_identifiable_author_becomes_a_weibo_complaint(policy):
    decided = assess_mention(mention("@联通客服 家里宽带又断网了，投诉！", customer_id="C-1"), policy,
                             ProxyDetector())
    assert decided.outcome is MentionOutcome.COMPLAINT
    assert decided.brand_words == ("联通",) and decided.signal_words == ("投诉", "断网")
    complaint = normalise(decided.complaint, policy, at(minutes=1))
    assert complaint.channel is Channel.WEIBO and complaint.key == "WEIBO:M-1"
    assert complaint.received_at == NOW and complaint.attributes["url"] == "https://weibo.com/1"
    assert complaint.first_contact == "social-listening"


def test_a_phone_number_is_enough_to_identify_the_author(policy):
    decided = assess_mention(mention("10010 乱扣费", phone="13800138000"), policy, ProxyDetector())
    assert decided.outcome is MentionOutcome.COMPLAINT
    assert normalise(decided.complaint, policy, NOW).customer_key == "phone:+8613800138000"


def test_an_anonymous_relevant_post_is_kept_as_public_opinion(policy):
    decided = assess_mention(mention("電信 宽带斷網 垃圾"), policy, ProxyDetector())
    assert decided.outcome is MentionOutcome.PUBLIC_OPINION and decided.complaint is None
    opinion = decided.opinion
    assert (opinion.category, opinion.region, opinion.proxy_case_id) == ("broadband_outage", "guangzhou", "")
    assert opinion.text == "電信 宽带斷網 垃圾"


def test_public_opinion_joins_the_open_proxy_case_of_its_region_and_fault(policy):
    detector = ProxyDetector()
    for i in range(20):
        detector.observe(f"K{i}", "guangzhou", "broadband_outage", NOW, policy.proxy)
    proxy_id = detector.incidents["guangzhou|broadband_outage"].proxy_case_id
    assert assess_mention(mention("联通宽带断网"), policy, detector).opinion.proxy_case_id == proxy_id
    other_city = assess_mention(mention("联通宽带断网", region="shenzhen"), policy, detector)
    assert other_city.opinion.proxy_case_id == ""


@pytest.mark.parametrize("text, category", [
    ("@联通客服 手机一直显示无服务，什么情况", "no_service"),          # no signal word
    ("联通信号真的太差了，在家打电话都断", "network_signal"),
])
def test_the_model_makes_a_branded_post_without_signal_words_relevant(policy, text, category):
    decided = assess_mention(mention(text), policy, ProxyDetector())
    assert decided.outcome is MentionOutcome.PUBLIC_OPINION and decided.signal_words == ()
    assert decided.opinion.category == category and decided.opinion.category_rule.startswith("model:")


def test_anonymous_posts_count_towards_a_proxy_case_with_the_hotline_reports(policy):
    from services.intake.domain.decision import ProxyCaseRaised, count_mention, decide
    from intake_builders import submission

    detector = ProxyDetector()
    cases = []
    for i in range(15):   # hotline reports, short of the threshold of 20
        sub = submission(policy, submission_id=f"S-{i}", customer_id=f"C-{i}", received_at=at(minutes=i / 10))
        cases.append(decide(sub, [], detector, policy, at(minutes=2)).case_id)
    counted = [count_mention(f"M-{i}", "guangzhou", "broadband_outage", at(minutes=2 + i / 10), detector, policy,
                             at(minutes=3)) for i in range(5)]
    assert [item.events for item in counted[:4]] == [(), (), (), ()]
    raised = counted[4]
    (proxy_case,) = raised.changed_cases
    event = next(e for e in raised.events if isinstance(e, ProxyCaseRaised))
    assert event.member_case_ids == tuple(cases)          # the posts counted, but only cases are members
    assert proxy_case.proxy_members == cases and "5 of them public posts" in proxy_case.summary
    assert raised.members_elsewhere == tuple(cases) and raised.proxy_case_id == proxy_case.case_id
    later = count_mention("M-9", "guangzhou", "broadband_outage", at(minutes=4), detector, policy, at(minutes=4))
    assert later.proxy_case_id == proxy_case.case_id and later.events == ()
