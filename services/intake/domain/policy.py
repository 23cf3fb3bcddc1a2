"""The intake section of the policy file, as typed values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from complaint_platform.policy import Node, PolicyError

CHANNELS = ("HOTLINE", "ONLINE_HALL", "MOBILE_APP", "SMS", "WECHAT", "WEIBO", "KIOSK", "STORE",
            "REGULATOR", "EMAIL", "ONLINE_CHAT", "PROXY")


@dataclass(frozen=True)
class CategoryRule:
    id: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class SeverityRule:
    id: str
    severity: int
    channel: str | None = None
    tier: int | None = None
    category: str | None = None
    min_contacts: int | None = None


@dataclass(frozen=True)
class ProxyPolicy:
    categories: tuple[str, ...]
    threshold: int
    window: timedelta
    incident_lifetime: timedelta


@dataclass(frozen=True)
class IntakePolicy:
    merge_window: timedelta
    default_tier: int
    priority_by_tier: dict[int, int]
    risk_repeat_contact: float
    risk_regulator_channel: float
    risk_tier1: float
    categories: tuple[CategoryRule, ...]
    severity: tuple[SeverityRule, ...]
    proxy: ProxyPolicy
    brand_words: tuple[str, ...]
    signal_words: tuple[str, ...]


def load(node: Node) -> IntakePolicy:
    node.reject_unknown("merge_window", "default_tier", "priority_by_tier", "regulator_risk", "categories",
                        "severity", "proxy", "social")
    risk, proxy, social = node.child("regulator_risk"), node.child("proxy"), node.child("social")
    risk.reject_unknown("repeat_contact", "regulator_channel", "tier1")
    proxy.reject_unknown("categories", "threshold", "window", "incident_lifetime")
    social.reject_unknown("brand_words", "signal_words")
    categories = tuple(node.child("categories").each(_category_rule))
    if not categories:
        raise PolicyError(f"{node.path}.categories", "at least one category rule is required")
    return IntakePolicy(
        merge_window=node.child("merge_window").duration("72h"),
        default_tier=node.child("default_tier").integer(3, minimum=1, maximum=3),
        priority_by_tier=_priorities(node.child("priority_by_tier")),
        risk_repeat_contact=risk.child("repeat_contact").number(15, minimum=0),
        risk_regulator_channel=risk.child("regulator_channel").number(60, minimum=0),
        risk_tier1=risk.child("tier1").number(10, minimum=0),
        categories=categories,
        severity=tuple(node.child("severity").each(_severity_rule)) or (SeverityRule("default", 1),),
        proxy=ProxyPolicy(
            categories=tuple(proxy.child("categories").strings(["network_signal", "broadband_outage"])),
            threshold=proxy.child("threshold").integer(20, minimum=2),
            window=proxy.child("window").duration("10m"),
            incident_lifetime=proxy.child("incident_lifetime").duration("24h"),
        ),
        brand_words=tuple(social.child("brand_words").strings(["联通", "沃", "10010", "电信", "10000"])),
        signal_words=tuple(social.child("signal_words").strings(["投诉", "信号差", "断网", "乱扣费"])),
    )


def _category_rule(node: Node) -> CategoryRule:
    node.reject_unknown("id", "words")
    words = tuple(node.child("words").strings())
    if not words:
        raise PolicyError(f"{node.path}.words", "a category rule needs at least one word")
    return CategoryRule(id=node.child("id").string(), words=words)


def _severity_rule(node: Node) -> SeverityRule:
    node.reject_unknown("id", "severity", "channel", "tier", "category", "min_contacts")
    return SeverityRule(
        id=node.child("id").string(),
        severity=node.child("severity").integer(minimum=1, maximum=4),
        channel=node.child("channel").choice(CHANNELS) if node.has("channel") else None,
        tier=node.child("tier").integer(minimum=1, maximum=3) if node.has("tier") else None,
        category=node.child("category").string() if node.has("category") else None,
        min_contacts=node.child("min_contacts").integer(minimum=1) if node.has("min_contacts") else None,
    )


def _priorities(node: Node) -> dict[int, int]:
    """Tier -> queue priority (1 is served first); tiers left out keep their own number."""
    given = {str(key): value for key, value in (node.value or {}).items()} if isinstance(node.value, dict) else {}
    if node.value is not None and not isinstance(node.value, dict):
        raise PolicyError(node.path, "expected a mapping of tier to priority")
    unknown = sorted(set(given) - {"1", "2", "3"})
    if unknown:
        raise PolicyError(f"{node.path}.{unknown[0]}", "tiers are 1, 2 and 3")
    return {tier: Node(given.get(str(tier), tier), f"{node.path}.{tier}").integer(minimum=1, maximum=9)
            for tier in (1, 2, 3)}
