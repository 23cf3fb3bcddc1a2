"""Category and severity from policy rules; every decision names the rule that fired and why."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .policy import CategoryRule, IntakePolicy, SeverityRule
from .vocabulary import CATEGORIES, OTHER, Channel, Severity

EXPLICIT = "explicit"        # the sending system named the category
UNMATCHED = "unmatched"      # no rule fired: "other", for a person to triage
REGULATOR_FLOOR = "regulator_channel"


@dataclass(frozen=True)
class Classification:
    category: str
    rule_id: str
    matched_words: tuple[str, ...]
    needs_triage: bool

    @property
    def rule(self) -> str:
        """One string for the event's ``category_rule`` field: ``billing:扣费+话费``."""
        return f"{self.rule_id}:{'+'.join(self.matched_words)}" if self.matched_words else self.rule_id


@dataclass(frozen=True)
class SeverityDecision:
    severity: Severity
    rule_id: str


@lru_cache(maxsize=4)
def _tokenizer(vocabulary: tuple[str, ...]) -> Any:
    """A private jieba tokenizer that knows the policy's words, so they come out as whole tokens."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    for word in vocabulary:
        tokenizer.add_word(word, freq=2_000_000)
    return tokenizer


def segment(matching_text: str, vocabulary: Iterable[str] = ()) -> tuple[str, ...]:
    return tuple(_tokenizer(tuple(sorted(set(vocabulary)))).lcut(matching_text))


def token_runs(tokens: tuple[str, ...]) -> frozenset[str]:
    """Every token and run of up to five adjacent tokens."""
    return frozenset("".join(tokens[start:end]) for start in range(len(tokens))
                     for end in range(start + 1, min(start + 5, len(tokens)) + 1))


def find_words(tokens: tuple[str, ...], words: Iterable[str], runs: frozenset[str] | None = None) -> tuple[str, ...]:
    """Words that are a token or a run of adjacent tokens: "沃" must not match inside "沃尔玛".
    ``runs``: the tokens' runs, when several word lists are looked up in one text."""
    runs = token_runs(tokens) if runs is None else runs
    return tuple(word for word in words if word in runs)


def vocabulary(policy: IntakePolicy) -> tuple[str, ...]:
    words = [word for rule in policy.categories for word in rule.words]
    return tuple(sorted({*words, *policy.social.brand_words, *policy.social.signal_words}))


def classify(explicit_category: str, matching_text: str, policy: IntakePolicy) -> Classification:
    """An explicit known category wins; otherwise the first keyword rule that matches."""
    explicit = (explicit_category or "").strip().lower()
    if explicit in CATEGORIES:
        return Classification(explicit, EXPLICIT, (), explicit == OTHER)
    classification = classify_text(matching_text, policy.categories, vocabulary(policy))
    if explicit:  # an unknown code from the sender: keep the text's answer but have a person look
        return Classification(classification.category, f"{classification.rule_id}(explicit {explicit!r} unknown)",
                              classification.matched_words, True)
    return classification


def classify_text(matching_text: str, rules: tuple[CategoryRule, ...],
                  words: Iterable[str] = ()) -> Classification:
    tokens = segment(matching_text, words)
    runs = token_runs(tokens)  # once per text, not once per rule
    for rule in rules:
        matched = find_words(tokens, rule.words, runs)
        if matched:
            return Classification(rule.category, rule.id, matched, False)
    return Classification(OTHER, UNMATCHED, (), True)


def grade(rules: tuple[SeverityRule, ...], *, channel: Channel, tier: int, category: str,
          contacts: int, regulator_case: bool = False) -> SeverityDecision:
    """The highest severity among matching rules (ties: the earlier rule); regulator cases are CRITICAL."""
    best: SeverityDecision | None = None
    for rule in rules:
        if rule.channels and channel.value not in rule.channels:
            continue
        if rule.tiers and tier not in rule.tiers:
            continue
        if rule.categories and category not in rule.categories:
            continue
        if contacts < rule.min_contacts:
            continue
        if best is None or rule.severity > best.severity:
            best = SeverityDecision(rule.severity, rule.id)
    regulator = regulator_case or channel is Channel.REGULATOR
    if regulator and (best is None or best.severity < Severity.CRITICAL):
        return SeverityDecision(Severity.CRITICAL, REGULATOR_FLOOR)
    return best or SeverityDecision(Severity.LOW, "none")
