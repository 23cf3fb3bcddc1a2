"""Category and severity from policy rules; every decision names the rule that fired."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .policy import CategoryRule, SeverityRule

OTHER = "other"


@dataclass(frozen=True)
class Classification:
    category: str
    rule: str                 # "explicit", "<rule id>:<matched words>" or "none"
    needs_triage: bool


@lru_cache(maxsize=1)
def _jieba():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def tokens(matching_text: str) -> set[str]:
    return set(_jieba().lcut(matching_text))


def classify(explicit_category: str, matching_text: str, rules: tuple[CategoryRule, ...]) -> Classification:
    if explicit_category:
        return Classification(explicit_category, "explicit", False)
    words = tokens(matching_text)
    for rule in rules:
        # a policy word may be one jieba token, or span several (e.g. 携号转网)
        matched = [word for word in rule.words if word.lower() in words or word.lower() in matching_text]
        if matched:
            return Classification(rule.id, f"{rule.id}:{'+'.join(matched)}", False)
    return Classification(OTHER, "none", True)


@dataclass(frozen=True)
class Severity:
    level: int
    rule: str


def severity(rules: tuple[SeverityRule, ...], *, channel: str, tier: int, category: str, contacts: int) -> Severity:
    """The highest severity among the rules that match; ties go to the earlier rule."""
    best: Severity | None = None
    for rule in rules:
        if rule.channel is not None and rule.channel != channel:
            continue
        if rule.tier is not None and rule.tier != tier:
            continue
        if rule.category is not None and rule.category != category:
            continue
        if rule.min_contacts is not None and contacts < rule.min_contacts:
            continue
        if best is None or rule.severity > best.level:
            best = Severity(rule.severity, rule.id)
    if channel == "REGULATOR":  # regulator appeals are always the highest severity
        return Severity(4, best.rule if best and best.level == 4 else "regulator")
    return best or Severity(1, "default")
