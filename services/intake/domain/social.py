"""Social listening: which public posts are complaints about us, and what becomes of them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from .classify import classify, find_words, segment, vocabulary
from .normalise import canonical_phone, text_for_matching
from .policy import IntakePolicy
from .proxy import ProxyDetector
from .submission import RawSubmission
from .vocabulary import OTHER, Channel

SOCIAL_FIRST_CONTACT = "social-listening"


class MentionOutcome(str, Enum):
    NOT_RELEVANT = "not_relevant"      # counted only
    COMPLAINT = "complaint"            # an identifiable customer: becomes a WEIBO complaint
    PUBLIC_OPINION = "public_opinion"  # no customer: kept (舆情); may join a proxy case


@dataclass(frozen=True)
class SocialMention:
    mention_id: str
    author: str
    text: str
    posted_at: datetime
    url: str = ""
    platform: str = "weibo"
    region: str = ""
    customer_id: str = ""
    phone: str = ""
    attributes: Mapping[str, str] = field(default_factory=dict)

    @property
    def identifiable(self) -> bool:
        return bool(self.customer_id.strip() or canonical_phone(self.phone))


@dataclass(frozen=True)
class PublicOpinion:
    """A relevant post with no customer behind it, kept for the opinion desk and the proxy case."""

    mention_id: str
    platform: str
    author: str
    text: str
    url: str
    region: str
    category: str
    category_rule: str
    posted_at: datetime
    proxy_case_id: str                 # "" unless the fault already has an open proxy case


@dataclass(frozen=True)
class MentionDecision:
    outcome: MentionOutcome
    brand_words: tuple[str, ...]
    signal_words: tuple[str, ...]
    complaint: RawSubmission | None = None     # feed to the normal intake path
    opinion: PublicOpinion | None = None


def match_mention(mention: SocialMention, policy: IntakePolicy) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Brand words and complaint signal words found, each as whole words of the segmented text."""
    tokens = segment(text_for_matching(mention.text, Channel.WEIBO), vocabulary(policy))
    return find_words(tokens, policy.social.brand_words), find_words(tokens, policy.social.signal_words)


def assess_mention(mention: SocialMention, policy: IntakePolicy, detector: ProxyDetector) -> MentionDecision:
    """Relevant with a brand word AND either the category model's confident complaint category or a
    signal word (issue 16: "手机一直显示无服务 @联通" has no signal word but is plainly a complaint);
    then a complaint if we know who wrote it."""
    brands, signals = match_mention(mention, policy)
    if not brands:
        return MentionDecision(MentionOutcome.NOT_RELEVANT, brands, signals)
    classification = classify("", text_for_matching(mention.text, Channel.WEIBO), policy)
    understood = (classification.category != OTHER and not classification.needs_triage
                  and classification.confidence >= policy.social.min_confidence)
    if not signals and not understood:
        return MentionDecision(MentionOutcome.NOT_RELEVANT, brands, signals)
    if mention.identifiable:
        attributes = {**mention.attributes, "url": mention.url, "author": mention.author,
                      "platform": mention.platform}
        complaint = RawSubmission(
            submission_id=mention.mention_id, channel=Channel.WEIBO, customer_id=mention.customer_id,
            phone=mention.phone, region=mention.region, summary=mention.text, received_at=mention.posted_at,
            first_contact=SOCIAL_FIRST_CONTACT, attributes=attributes)
        return MentionDecision(MentionOutcome.COMPLAINT, brands, signals, complaint=complaint)
    proxy_case_id = detector.incident_for(mention.region, classification.category, mention.posted_at,
                                          policy.proxy) if mention.region else None
    opinion = PublicOpinion(
        mention_id=mention.mention_id, platform=mention.platform, author=mention.author, text=mention.text,
        url=mention.url, region=mention.region, category=classification.category,
        category_rule=classification.rule, posted_at=mention.posted_at, proxy_case_id=proxy_case_id or "")
    return MentionDecision(MentionOutcome.PUBLIC_OPINION, brands, signals, opinion=opinion)
