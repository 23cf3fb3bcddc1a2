"""The ``verification:`` section of the policy file: what a record needs before management closure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from complaint_platform.policy import Node, PolicyError, load_policy_file

DEFAULT_POLICY_FILE = Path(__file__).resolve().parents[3] / "config" / "policy.yaml"

CATEGORIES = ("network_signal", "broadband_outage", "billing_dispute", "value_added_charges", "service_attitude",
              "installation_repair_delay", "number_plan_change", "porting", "other")
TREAT_AS_SATISFIED, CLOSE_WITHOUT_CALLBACK, KEEP_OPEN = "treat_as_satisfied", "close_without_callback", "keep_open"
FALLBACKS = (TREAT_AS_SATISFIED, CLOSE_WITHOUT_CALLBACK, KEEP_OPEN)
RULE_FIELDS = ("responsibility", "corrective_actions", "preventive_actions", "callback", "unreachable_attempts",
               "callback_fallback", "recurrence_window", "fault_signature_attributes")
_ZERO = re.compile(r"^\s*0+(?:\.0+)?\s*(?:ms|s|m|h|d|w)?\s*$")


@dataclass(frozen=True)
class CategoryRules:
    """The closure conditions for one category; a record keeps a copy from its opening."""

    responsibility: bool
    corrective_actions: int        # at least this many planned (and every planned one verified)
    preventive_actions: int
    callback: bool
    unreachable_attempts: int      # after this many unreachable calls the fallback applies
    callback_fallback: str
    recurrence_window: timedelta   # 同类问题零复发: watched this long after customer closure
    fault_signature_attributes: tuple[str, ...]   # empty: no fault-signature matching

    def to_dict(self) -> dict[str, Any]:
        return {"responsibility": self.responsibility, "corrective_actions": self.corrective_actions,
                "preventive_actions": self.preventive_actions, "callback": self.callback,
                "unreachable_attempts": self.unreachable_attempts, "callback_fallback": self.callback_fallback,
                "recurrence_window_seconds": self.recurrence_window.total_seconds(),
                "fault_signature_attributes": list(self.fault_signature_attributes)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CategoryRules:
        return cls(bool(data["responsibility"]), int(data["corrective_actions"]), int(data["preventive_actions"]),
                   bool(data["callback"]), int(data["unreachable_attempts"]), str(data["callback_fallback"]),
                   timedelta(seconds=float(data["recurrence_window_seconds"])),
                   tuple(data["fault_signature_attributes"]))


@dataclass(frozen=True)
class VerificationPolicy:
    default: CategoryRules
    categories: dict[str, CategoryRules]
    late_report_grace: timedelta   # closure waits this long after the window for late-arriving cases

    def rules_for(self, category: str) -> CategoryRules:
        return self.categories.get(category, self.default)


def load(node: Node) -> VerificationPolicy:
    node.reject_unknown("default", "categories", "late_report_grace")
    default = _rules(node.child("default"), None)
    categories: dict[str, CategoryRules] = {}
    for name, item in node.child("categories").items():
        if name not in CATEGORIES:
            raise PolicyError(item.path, f"unknown category (known: {', '.join(CATEGORIES)})")
        categories[name] = _rules(item, default)
    return VerificationPolicy(default, categories, _optional_duration(node.child("late_report_grace"), "1h"))


def default_policy() -> VerificationPolicy:
    """The defaults shipped in the fragment file, parsed like the real policy."""
    return load(load_policy_file(DEFAULT_POLICY_FILE).child("verification"))


def _rules(node: Node, inherit: CategoryRules | None) -> CategoryRules:
    """``default`` must be complete; a category names only what differs from it."""
    node.reject_unknown(*RULE_FIELDS)
    if inherit is None and node.value is None:
        raise PolicyError(node.path, "is required")

    def given(name: str) -> Any:
        return None if inherit is None else getattr(inherit, name)

    window = node.child("recurrence_window")
    attributes = node.child("fault_signature_attributes")
    rules = CategoryRules(
        responsibility=node.child("responsibility").boolean(given("responsibility")),
        corrective_actions=node.child("corrective_actions").integer(given("corrective_actions"), 0, 20),
        preventive_actions=node.child("preventive_actions").integer(given("preventive_actions"), 0, 20),
        callback=node.child("callback").boolean(given("callback")),
        unreachable_attempts=node.child("unreachable_attempts").integer(given("unreachable_attempts"), 1, 20),
        callback_fallback=node.child("callback_fallback").choice(FALLBACKS, given("callback_fallback")),
        recurrence_window=window.duration() if window.value is not None or inherit is None
        else inherit.recurrence_window,
        fault_signature_attributes=tuple(attributes.strings()) if attributes.value is not None or inherit is None
        else inherit.fault_signature_attributes,
    )
    if len(set(rules.fault_signature_attributes)) != len(rules.fault_signature_attributes):
        raise PolicyError(attributes.path, "lists an attribute twice")
    return rules


def _optional_duration(node: Node, default: str) -> timedelta:
    if isinstance(node.value, (str, int)) and not isinstance(node.value, bool) and _ZERO.match(str(node.value)):
        return timedelta(0)
    return node.duration(default)
