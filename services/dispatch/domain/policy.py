"""The ``dispatch:`` section of the policy file: default owners, routing, consultations, proxy cases."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from complaint_platform.policy import Node, load_policy_file, load_section

from . import notifications

DEFAULT_POLICY_FILE = Path(__file__).resolve().parents[3] / "config" / "policy.yaml"

ANY = "*"
LEVELS = ("city", "province", "headquarters")


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
    notifications: notifications.NotificationPolicy | None = None   # None: the customer is not told


def load(node: Node) -> DispatchPolicy:
    """The ``dispatch:`` section, validated (field-path errors) and built into the rules' own values."""
    return load_section(node, "dispatch", build)


def default_policy() -> DispatchPolicy:
    return load(load_policy_file(DEFAULT_POLICY_FILE).child("dispatch"))


def build(section: Any) -> DispatchPolicy:
    """From the validated section (complaint_platform.policy_models.dispatch): fallback rows present, no duplicates."""
    return DispatchPolicy(
        default_owners=tuple(OwnerRule(rule.channel, rule.region, rule.owner) for rule in section.default_owners),
        routing=tuple(RoutingRule(rule.category, rule.region, _candidates(rule)) for rule in section.routing),
        additional=tuple(AdditionalRule(rule.category, rule.region, _candidates(rule),
                                        tuple(word.lower() for word in rule.when.keywords),
                                        tuple(rule.when.attributes.items()))
                         for rule in section.additional_work_orders),
        consult=_destination(section.consult), proxy=_destination(section.proxy),
        notifications=notifications.build(section.notifications))


def _candidates(rule: Any) -> tuple[Destination, ...]:
    return tuple(_destination(candidate) for candidate in rule.candidates)


def _destination(given: Any) -> Destination:
    return Destination(given.department, given.level)
