"""Which departments must act on a case: the most specific routing rule wins."""

from __future__ import annotations

from dataclasses import dataclass

from .policy import Destination, DispatchPolicy, RoutingRule


@dataclass(frozen=True)
class Route:
    """Work to dispatch: the candidates in order for each work order the case needs."""

    lanes: tuple[tuple[Destination, ...], ...]
    rule: str


def route(policy: DispatchPolicy, category: str, region: str, proxy: bool) -> Route:
    if proxy:  # a fault raised on customers' behalf goes to the region's network operations
        return Route(((Destination(policy.proxy_department, "city").for_region(region),),), "proxy")
    rule = best_rule(policy.routing, category, region)
    lanes = [tuple(d.for_region(region) for d in rule.candidates)]
    lanes += [(d.for_region(region),) for d in rule.also]
    return Route(tuple(lanes), f"{rule.category}/{rule.region}")


def best_rule(rules: tuple[RoutingRule, ...], category: str, region: str) -> RoutingRule:
    matching = [rule for rule in rules if rule.category in ("*", category) and rule.region in ("*", region)]
    # most specific first; among equals, the one written first
    return max(matching, key=lambda rule: (rule.specificity, -rules.index(rule)))


def priority(tier: int, severity: int) -> int:
    """1 is served first. Tier 1 always tops every queue; then severity decides."""
    if tier == 1:
        return 1
    return max(2, 6 - severity) if tier == 2 else max(3, 7 - severity)
