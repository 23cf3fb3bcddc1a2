"""Social listening: which public posts are complaints about us."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .policy import IntakePolicy


class MentionOutcome(Enum):
    NOT_RELEVANT = "not_relevant"     # counted, not stored
    COMPLAINT = "complaint"           # an identifiable customer: becomes a WEIBO complaint
    PUBLIC_OPINION = "public_opinion"  # kept (舆情); may join a proxy case


@dataclass(frozen=True)
class MentionMatch:
    outcome: MentionOutcome
    brand_words: tuple[str, ...]
    signal_words: tuple[str, ...]


def match_mention(matching_text: str, has_customer: bool, policy: IntakePolicy) -> MentionMatch:
    """A post is relevant when it names the brand and carries a complaint signal."""
    brands = tuple(word for word in policy.brand_words if word.lower() in matching_text)
    signals = tuple(word for word in policy.signal_words if word.lower() in matching_text)
    if not brands or not signals:
        return MentionMatch(MentionOutcome.NOT_RELEVANT, brands, signals)
    outcome = MentionOutcome.COMPLAINT if has_customer else MentionOutcome.PUBLIC_OPINION
    return MentionMatch(outcome, brands, signals)
