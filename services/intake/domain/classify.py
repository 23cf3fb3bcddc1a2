"""Category from the sender, the policy's keyword overrides or the learned model; severity from policy
rules. Every decision names what decided it and how sure it was."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from .policy import CategoryRule, IntakePolicy, SeverityRule
from .vocabulary import CATEGORIES, OTHER, Channel, Severity

EXPLICIT = "explicit"        # the sending system named the category
UNMATCHED = "unmatched"      # nothing decided: "other", for a person to triage
MODEL = "model"              # the learned model (no keyword override matched)
REGULATOR_FLOOR = "regulator_channel"


@dataclass(frozen=True)
class Classification:
    category: str
    rule_id: str
    matched_words: tuple[str, ...]
    needs_triage: bool
    confidence: float = 1.0                           # the model's probability; 1 for a rule or the sender
    candidates: tuple[tuple[str, float], ...] = ()    # the model's best categories, most likely first

    @property
    def rule(self) -> str:
        """One string for the event's ``category_rule`` field: ``billing:扣费+话费``, ``model:0.93``, or
        for a doubtful model ``model:0.41?network_signal=0.41,no_service=0.33``."""
        if self.matched_words:
            return f"{self.rule_id}:{'+'.join(self.matched_words)}"
        if self.rule_id.startswith(MODEL):
            doubt = ("?" + ",".join(f"{name}={p:.2f}" for name, p in self.candidates)) if self.needs_triage else ""
            return f"{self.rule_id}:{self.confidence:.2f}{doubt}"
        return self.rule_id


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
    """An explicit known category wins; then the first keyword rule that matches (the operators'
    overrides); then the learned model, which sends a doubtful answer to a person."""
    explicit = (explicit_category or "").strip().lower()
    if explicit in CATEGORIES:
        return Classification(explicit, EXPLICIT, (), explicit == OTHER)
    classification = classify_text(matching_text, policy.categories, vocabulary(policy))
    if classification.rule_id == UNMATCHED:
        classification = classify_learned(matching_text, policy)
    if explicit:  # an unknown code from the sender: keep the text's answer but have a person look
        return replace(classification, rule_id=f"{classification.rule_id}(explicit {explicit!r} unknown)",
                       needs_triage=True)
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


def classify_learned(matching_text: str, policy: IntakePolicy) -> Classification:
    """The model's most likely category even when doubtful: routing gets its best guess while a
    person triages (the candidates say what else it might be)."""
    if not matching_text.strip():
        return Classification(OTHER, UNMATCHED, (), True)
    settings = policy.classifier
    ranked = settings.model.rank(matching_text, settings.candidates)
    category, confidence = ranked[0]
    return Classification(category, MODEL, (), confidence < settings.min_confidence, confidence, ranked)


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
