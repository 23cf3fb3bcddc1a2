"""The dispatch section of the policy file: owners, routing table, expert group."""

from __future__ import annotations

from dataclasses import dataclass

from complaint_platform.policy import Node, PolicyError

LEVELS = ("city", "province", "headquarters")


@dataclass(frozen=True)
class Destination:
    department: str          # may hold "{region}", filled in per case
    level: str

    def for_region(self, region: str) -> Destination:
        return Destination(self.department.replace("{region}", region or "unknown"), self.level)


@dataclass(frozen=True)
class RoutingRule:
    category: str            # "*" matches any
    region: str              # "*" matches any
    candidates: tuple[Destination, ...]
    also: tuple[Destination, ...] = ()

    @property
    def specificity(self) -> int:
        return (self.category != "*") * 2 + (self.region != "*")


@dataclass(frozen=True)
class DispatchPolicy:
    default_owner: str
    expert_group: str
    proxy_department: str
    routing: tuple[RoutingRule, ...]


def load(node: Node) -> DispatchPolicy:
    node.reject_unknown("default_owner", "expert_group", "proxy_department", "routing")
    routing = tuple(node.child("routing").each(_rule))
    if not any(rule.category == "*" and rule.region == "*" for rule in routing):
        raise PolicyError(f"{node.path}.routing", 'needs a fallback rule with category "*" and region "*"')
    return DispatchPolicy(
        default_owner=node.child("default_owner").string("hotline-duty-desk"),
        expert_group=node.child("expert_group").string("expert-group"),
        proxy_department=node.child("proxy_department").string("{region}-network-ops"),
        routing=routing,
    )


def _rule(node: Node) -> RoutingRule:
    node.reject_unknown("category", "region", "candidates", "also")
    candidates = tuple(node.child("candidates").each(_destination))
    if not candidates:
        raise PolicyError(f"{node.path}.candidates", "at least one department is required")
    return RoutingRule(category=node.child("category").string(), region=node.child("region").string(),
                       candidates=candidates, also=tuple(node.child("also").each(_destination)))


def _destination(node: Node) -> Destination:
    node.reject_unknown("department", "level")
    return Destination(node.child("department").string(), node.child("level").choice(LEVELS))
