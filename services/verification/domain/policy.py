"""The ``verification:`` section of the policy file: what a record needs before management closure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from complaint_platform.policy import Node, load_policy_file, load_section

DEFAULT_POLICY_FILE = Path(__file__).resolve().parents[3] / "config" / "policy.yaml"

TREAT_AS_SATISFIED, CLOSE_WITHOUT_CALLBACK, KEEP_OPEN = "treat_as_satisfied", "close_without_callback", "keep_open"
FALLBACKS = (TREAT_AS_SATISFIED, CLOSE_WITHOUT_CALLBACK, KEEP_OPEN)
RULE_FIELDS = ("responsibility", "corrective_actions", "preventive_actions", "callback", "unreachable_attempts",
               "callback_fallback", "recurrence_window", "fault_signature_attributes")


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
    """The ``verification:`` section, validated (field-path errors) and built into the rules' own values."""
    return load_section(node, "verification", build)


def default_policy() -> VerificationPolicy:
    """The defaults shipped in the fragment file, parsed like the real policy."""
    return load(load_policy_file(DEFAULT_POLICY_FILE).child("verification"))


def build(section: Any) -> VerificationPolicy:
    """``default`` is complete; a category names only what differs from it."""
    default = _rules(section.default, None)
    categories = {name: _rules(given, default) for name, given in section.categories.items()}
    return VerificationPolicy(default, categories, section.late_report_grace)


def _rules(given: Any, inherit: CategoryRules | None) -> CategoryRules:
    values = {name: getattr(given, name) for name in RULE_FIELDS}
    if inherit is not None:
        values = {name: getattr(inherit, name) if value is None else value for name, value in values.items()}
    values["fault_signature_attributes"] = tuple(values["fault_signature_attributes"])
    return CategoryRules(**values)
