"""The ``dispatch:`` section of the policy file: default owners, routing, consultations, proxy cases."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from complaint_platform.policy import Node, PolicyError, load_policy_file

DEFAULT_POLICY_FILE = Path(__file__).resolve().parents[3] / "config" / "policy.yaml"

ANY = "*"
LEVELS = ("city", "province", "headquarters")
CATEGORIES = ("network_signal", "broadband_outage", "billing_dispute", "value_added_charges", "service_attitude",
              "installation_repair_delay", "number_plan_change", "porting", "other")
CHANNELS = ("HOTLINE", "ONLINE_HALL", "MOBILE_APP", "SMS", "WECHAT", "WEIBO", "KIOSK", "STORE", "REGULATOR",
            "EMAIL", "ONLINE_CHAT", "PROXY")
_PLACEHOLDER = re.compile(r"\{([^}]*)\}")


@dataclass(frozen=True)
class Destination:
    department: str   # may hold "{region}", filled in per case
    level: str

    def for_region(self, region: str) -> Destination:
        return Destination(self.department.replace("{region}", region or "unknown"), self.level)


@dataclass(frozen=True)
class OwnerRule:
    channel: str      # "*" matches any
    region: str
    owner: str


@dataclass(frozen=True)
class RoutingRule:
    category: str     # "*" matches any
    region: str
    candidates: tuple[Destination, ...]   # tried in order as departments return the work order


@dataclass(frozen=True)
class AdditionalRule:
    """One more work order for matching cases (e.g. billing disputes about roaming also go to settlement)."""

    category: str
    region: str
    candidates: tuple[Destination, ...]
    keywords: tuple[str, ...] = ()          # any of them in the complaint text
    attributes: tuple[tuple[str, str], ...] = ()  # all must match; value "*" means present


@dataclass(frozen=True)
class DispatchPolicy:
    default_owners: tuple[OwnerRule, ...]
    routing: tuple[RoutingRule, ...]
    additional: tuple[AdditionalRule, ...]
    consult: Destination
    proxy: Destination


def load(node: Node) -> DispatchPolicy:
    node.reject_unknown("default_owners", "routing", "additional_work_orders", "consult", "proxy")
    owners = tuple(node.child("default_owners").each(_owner_rule))
    _require_fallback(node.child("default_owners"), [(r.channel, r.region) for r in owners], "channel")
    _reject_duplicates(node.child("default_owners"), [(r.channel, r.region) for r in owners])
    routing = tuple(node.child("routing").each(_routing_rule))
    _require_fallback(node.child("routing"), [(r.category, r.region) for r in routing], "category")
    _reject_duplicates(node.child("routing"), [(r.category, r.region) for r in routing])
    return DispatchPolicy(
        default_owners=owners, routing=routing,
        additional=tuple(node.child("additional_work_orders").each(_additional_rule)),
        consult=_destination(node.child("consult")), proxy=_destination(node.child("proxy")))


def default_policy() -> DispatchPolicy:
    return load(load_policy_file(DEFAULT_POLICY_FILE).child("dispatch"))


def _owner_rule(node: Node) -> OwnerRule:
    node.reject_unknown("channel", "region", "owner")
    return OwnerRule(_channel(node.child("channel")), node.child("region").string(), node.child("owner").string())


def _routing_rule(node: Node) -> RoutingRule:
    node.reject_unknown("category", "region", "candidates")
    return RoutingRule(_category(node.child("category")), node.child("region").string(), _candidates(node))


def _additional_rule(node: Node) -> AdditionalRule:
    node.reject_unknown("category", "region", "candidates", "when")
    when = node.child("when")
    when.reject_unknown("keywords", "attributes")
    keywords = tuple(word.lower() for word in when.child("keywords").strings([]))
    attributes = tuple((key, value.string()) for key, value in when.child("attributes").items())
    return AdditionalRule(_category(node.child("category")), node.child("region").string(ANY),
                          _candidates(node), keywords, attributes)


def _candidates(node: Node) -> tuple[Destination, ...]:
    candidates = tuple(node.child("candidates").each(_destination))
    if not candidates:
        raise PolicyError(f"{node.path}.candidates", "at least one department is required")
    return candidates


def _destination(node: Node) -> Destination:
    node.reject_unknown("department", "level")
    department = node.child("department").string()
    for name in _PLACEHOLDER.findall(department):
        if name != "region":
            raise PolicyError(f"{node.path}.department", f"unknown placeholder {{{name}}} (only {{region}})")
    return Destination(department, node.child("level").choice(LEVELS))


def _category(node: Node) -> str:
    return node.choice((ANY,) + CATEGORIES)


def _channel(node: Node) -> str:
    return node.choice((ANY,) + CHANNELS)


def _require_fallback(node: Node, keys: list[tuple[str, str]], first: str) -> None:
    # without a catch-all row some case would have no owner or no department
    if (ANY, ANY) not in keys:
        raise PolicyError(node.path, f'needs a fallback row with {first} "*" and region "*"')


def _reject_duplicates(node: Node, keys: list[tuple[str, str]]) -> None:
    for index, key in enumerate(keys):
        if key in keys[:index]:
            raise PolicyError(f"{node.path}[{index}]", f"duplicates the row for {key[0]} x {key[1]}")
