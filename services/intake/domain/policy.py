"""The ``intake:`` section of the policy file, as typed values."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

from complaint_platform.policy import Node, PolicyError, load_policy_file

from .vocabulary import CATEGORIES, CHANNELS, FAULT_CATEGORIES, TIERS, Severity

DEFAULT_POLICY_FILE = Path(__file__).resolve().parents[3] / "config" / "policy.yaml"
T = TypeVar("T")


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


def load(node: Node) -> IntakePolicy:
    node.reject_unknown("merge_window", "default_tier", "priority_by_tier", "regulator_risk", "categories",
                        "severity", "proxy", "social")
    return IntakePolicy(
        merge_window=node.child("merge_window").duration("72h"),
        default_tier=node.child("default_tier").integer(3, minimum=1, maximum=3),
        priority_by_tier=_priorities(node.child("priority_by_tier")),
        risk=_risk(node.child("regulator_risk")),
        categories=_unique(node.child("categories"), _category_rule, required=True),
        severity=_unique(node.child("severity"), _severity_rule, required=True),
        proxy=_proxy(node.child("proxy")),
        social=_social(node.child("social")),
    )


def default_policy() -> IntakePolicy:
    return load(load_policy_file(DEFAULT_POLICY_FILE).child("intake"))


def _category_rule(node: Node) -> CategoryRule:
    node.reject_unknown("id", "category", "words")
    words = tuple(word.strip().lower() for word in node.child("words").strings())
    if not words:
        raise PolicyError(f"{node.path}.words", "a category rule needs at least one word")
    return CategoryRule(node.child("id").string(), node.child("category").choice(CATEGORIES), words)


def _severity_rule(node: Node) -> SeverityRule:
    node.reject_unknown("id", "severity", "channel", "tier", "category", "min_contacts")
    return SeverityRule(
        id=node.child("id").string(),
        severity=_severity(node.child("severity")),
        channels=_one_or_many(node.child("channel"), lambda n: n.choice(CHANNELS)),
        tiers=_one_or_many(node.child("tier"), lambda n: n.integer(minimum=1, maximum=3)),
        categories=_one_or_many(node.child("category"), lambda n: n.choice(CATEGORIES)),
        min_contacts=node.child("min_contacts").integer(1, minimum=1),
    )


def _severity(node: Node, default: str | None = None) -> Severity:
    """1..4 or LOW/MEDIUM/HIGH/CRITICAL."""
    if isinstance(node.value, int) and not isinstance(node.value, bool):
        return Severity(node.integer(minimum=1, maximum=4))
    return Severity[node.choice([level.name for level in Severity], default)]


def _risk(node: Node) -> RiskPolicy:
    node.reject_unknown("repeat_contact", "new_channel", "regulator_channel", "tier1", "maximum")
    return RiskPolicy(
        repeat_contact=node.child("repeat_contact").number(15, minimum=0),
        new_channel=node.child("new_channel").number(5, minimum=0),
        regulator_channel=node.child("regulator_channel").number(60, minimum=0),
        tier1=node.child("tier1").number(10, minimum=0),
        maximum=node.child("maximum").number(100, minimum=1),
    )


def _proxy(node: Node) -> ProxyPolicy:
    node.reject_unknown("categories", "threshold", "window", "incident_lifetime", "severity", "late_tolerance")
    categories = tuple(node.child("categories").strings(list(FAULT_CATEGORIES)))
    for index, category in enumerate(categories):
        Node(category, f"{node.path}.categories[{index}]").choice(CATEGORIES)
    window = node.child("window").duration("10m")
    lifetime = node.child("incident_lifetime").duration("24h")
    if lifetime < window:
        raise PolicyError(f"{node.path}.incident_lifetime", "must not be shorter than the window")
    return ProxyPolicy(categories, node.child("threshold").integer(20, minimum=2), window, lifetime,
                       _severity(node.child("severity"), "HIGH"), node.child("late_tolerance").duration("30m"))


def _social(node: Node) -> SocialPolicy:
    node.reject_unknown("brand_words", "signal_words")
    brands = node.child("brand_words").strings(["联通", "沃", "10010", "电信", "10000"])
    signals = node.child("signal_words").strings(["投诉", "信号差", "断网", "乱扣费"])
    for name, words in (("brand_words", brands), ("signal_words", signals)):
        if not words:
            raise PolicyError(f"{node.path}.{name}", "at least one word is required")
    return SocialPolicy(tuple(w.lower() for w in brands), tuple(w.lower() for w in signals))


def _priorities(node: Node) -> dict[int, int]:
    """Tier -> queue priority (1 is served first); tiers left out keep their own number."""
    node.keys()  # a list or a scalar here is reported with the field path
    given = {str(key): value for key, value in (node.value or {}).items()}
    unknown = sorted(set(given) - {str(tier) for tier in TIERS})
    if unknown:
        raise PolicyError(f"{node.path}.{unknown[0]}", "tiers are 1, 2 and 3")
    priorities = {tier: Node(given.get(str(tier), tier), f"{node.path}.{tier}").integer(minimum=1, maximum=9)
                  for tier in TIERS}
    for tier in TIERS[1:]:
        if priorities[tier] < priorities[tier - 1]:
            raise PolicyError(f"{node.path}.{tier}", f"tier {tier} cannot be served before tier {tier - 1}")
    return priorities


def _one_or_many(node: Node, read: Callable[[Node], T]) -> tuple[T, ...]:
    if node.value is None:
        return ()
    if isinstance(node.value, list):
        return tuple(node.each(read))
    return (read(node),)


def _unique(node: Node, read: Callable[[Node], T], required: bool) -> tuple[T, ...]:
    rules = node.each(read)
    if required and not rules:
        raise PolicyError(node.path, "at least one rule is required")
    seen: set[str] = set()
    for index, rule in enumerate(rules):
        if rule.id in seen:  # type: ignore[attr-defined]
            raise PolicyError(f"{node.path}[{index}].id", f"duplicate rule id {rule.id!r}")  # type: ignore[attr-defined]
        seen.add(rule.id)  # type: ignore[attr-defined]
    return tuple(rules)
