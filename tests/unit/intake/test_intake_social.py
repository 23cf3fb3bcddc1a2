"""Social listening: brand word AND complaint signal; a known author becomes a WEIBO complaint."""

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
    "联通的新套餐发布了",            # brand, no signal
    "这家店真坑人，断网了",          # signal, no brand
    "沃尔玛的东西真坑人",            # "沃" only inside another word
])
def test_posts_without_both_a_brand_and_a_signal_are_only_counted(policy, text):
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
