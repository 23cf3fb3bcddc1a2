"""The ``intake:`` section of the policy file, as the rules' own typed values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from complaint_platform.policy import Node, load_policy_file, load_section

from .learned import CategoryModel, load_model
from .vocabulary import Severity

DEFAULT_POLICY_FILE = Path(__file__).resolve().parents[3] / "config" / "policy.yaml"


@dataclass(frozen=True)
class CategoryRule:
    id: str
    category: str
    words: tuple[str, ...]          # any one of them, as whole words of the segmented text


@dataclass(frozen=True)
class SeverityRule:
    id: str
    severity: Severity
    channels: tuple[str, ...] = ()  # empty: any
    tiers: tuple[int, ...] = ()
    categories: tuple[str, ...] = ()
    min_contacts: int = 1


@dataclass(frozen=True)
class RiskPolicy:
    """Points towards an appeal to the regulator (越级投诉); the escalation service sets thresholds."""

    repeat_contact: float
    new_channel: float
    regulator_channel: float
    tier1: float
    maximum: float


@dataclass(frozen=True)
class ProxyPolicy:
    categories: tuple[str, ...]
    threshold: int
    window: timedelta
    incident_lifetime: timedelta
    severity: Severity
    late_tolerance: timedelta       # how far behind the newest report a late one may arrive and still count


@dataclass(frozen=True)
class SocialPolicy:
    brand_words: tuple[str, ...]
    signal_words: tuple[str, ...]
    min_confidence: float = 0.75    # the category model's probability that makes a branded post relevant


@dataclass(frozen=True)
class ClassifierPolicy:
    min_confidence: float           # the model's probability below which a person triages the category
    candidates: int                 # how many of its best categories are recorded
    model: CategoryModel


@dataclass(frozen=True)
class MergePolicy:
    """When a repeat contact is the same problem as the customer's open case (besides the window)."""

    families: dict[str, str]        # category -> its family ("mobile_network"); absent: a family of its own
    similarity: float               # or the texts are at least this similar (0..1, the model's features)


@dataclass(frozen=True)
class IntakePolicy:
    merge_window: timedelta
    default_tier: int
    priority_by_tier: dict[int, int]
    risk: RiskPolicy
    categories: tuple[CategoryRule, ...]
    severity: tuple[SeverityRule, ...]
    proxy: ProxyPolicy
    social: SocialPolicy
    classifier: ClassifierPolicy
    merge: MergePolicy


def load(node: Node) -> IntakePolicy:
    """The ``intake:`` section, validated (field-path errors) and built into the rules' own values."""
    return load_section(node, "intake", build)


def default_policy() -> IntakePolicy:
    return load(load_policy_file(DEFAULT_POLICY_FILE).child("intake"))


def build(section: Any) -> IntakePolicy:
    """From the validated section (complaint_platform.policy_models.intake); no checks left to do here."""
    risk, proxy, social = section.regulator_risk, section.proxy, section.social
    return IntakePolicy(
        merge_window=section.merge_window,
        default_tier=section.default_tier,
        priority_by_tier=dict(section.priority_by_tier),
        risk=RiskPolicy(risk.repeat_contact, risk.new_channel, risk.regulator_channel, risk.tier1, risk.maximum),
        categories=tuple(CategoryRule(rule.id, rule.category, tuple(word.strip().lower() for word in rule.words))
                         for rule in section.categories),
        severity=tuple(SeverityRule(rule.id, Severity(rule.severity), tuple(rule.channel), tuple(rule.tier),
                                    tuple(rule.category), rule.min_contacts) for rule in section.severity),
        proxy=ProxyPolicy(tuple(proxy.categories), proxy.threshold, proxy.window, proxy.incident_lifetime,
                          Severity(proxy.severity), proxy.late_tolerance),
        social=SocialPolicy(tuple(w.lower() for w in social.brand_words), tuple(w.lower() for w in social.signal_words),
                            social.min_confidence),
        # the versioned model, read once per process (at start, with the policy)
        classifier=ClassifierPolicy(section.classifier.min_confidence, section.classifier.candidates, load_model()),
        merge=MergePolicy({category: family for family, categories in section.merge.families.items()
                           for category in categories}, section.merge.similarity),
    )
