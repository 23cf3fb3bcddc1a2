"""Who owns a case when nobody was named, which departments must act, and in what priority."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from .errors import InvalidCase
from .policy import ANY, AdditionalRule, Destination, DispatchPolicy

R = TypeVar("R")

TIERS = (1, 2, 3)
SEVERITIES = (1, 2, 3, 4)   # 1 low .. 4 critical, as intake grades them


@dataclass(frozen=True)
class Route:
    """One candidate list per work order the case needs; lane 0 is the main one."""

    lanes: tuple[tuple[Destination, ...], ...]
    rule: str     # which policy row decided, for the history


def default_owner(policy: DispatchPolicy, channel: str, region: str) -> str:
    rule = _most_specific(policy.default_owners, lambda r: _matches(r.channel, channel) and _matches(r.region, region),
                          lambda r: (r.channel != ANY) * 2 + (r.region != ANY))
    return rule.owner


def route(policy: DispatchPolicy, category: str, region: str, is_proxy: bool = False,
          text: str = "", attributes: Mapping[str, str] | None = None) -> Route:
    if is_proxy:  # a fault raised on customers' behalf is the region's network operations' job
        return Route(((policy.proxy.for_region(region),),), "proxy")
    main = _most_specific(policy.routing, lambda r: _matches(r.category, category) and _matches(r.region, region),
                          lambda r: (r.category != ANY) * 2 + (r.region != ANY))
    lanes = [tuple(d.for_region(region) for d in main.candidates)]
    rules = [f"routing:{main.category}/{main.region}"]
    for index, extra in enumerate(policy.additional):
        if not _additional_applies(extra, category, region, text, attributes or {}):
            continue
        lane = tuple(d.for_region(region) for d in extra.candidates)
        if lane[0].department not in {existing[0].department for existing in lanes}:  # one order per department
            lanes.append(lane)
            rules.append(f"additional[{index}]")
    return Route(tuple(lanes), "+".join(rules))


def priority(tier: int, severity: int) -> int:
    """1 is served first. Tier 1 tops every queue; then severity decides and tier breaks ties (1..9)."""
    check_grades(tier, severity)
    if tier == 1:
        return 1
    return 1 + (4 - severity) * 2 + (tier - 1)


def check_grades(tier: int, severity: int) -> None:
    if tier not in TIERS:
        raise InvalidCase(f"tier must be 1, 2 or 3, got {tier!r}")
    if severity not in SEVERITIES:
        raise InvalidCase(f"severity must be 1..4, got {severity!r}")


def _additional_applies(rule: AdditionalRule, category: str, region: str, text: str,
                        attributes: Mapping[str, str]) -> bool:
    if not (_matches(rule.category, category) and _matches(rule.region, region)):
        return False
    if rule.keywords and not any(word in text.lower() for word in rule.keywords):
        return False
    return all(key in attributes and (wanted == ANY or attributes[key] == wanted) for key, wanted in rule.attributes)


def _matches(pattern: str, value: str) -> bool:
    return pattern == ANY or pattern == value


def _most_specific(rules: tuple[R, ...], applies: Callable[[R], bool], specificity: Callable[[R], int]) -> R:
    matching = [(specificity(rule), -index, rule) for index, rule in enumerate(rules) if applies(rule)]
    # policy loading guarantees a "*"/"*" row, so something always matches; ties go to the row written first
    return max(matching, key=lambda item: item[:2])[2]
