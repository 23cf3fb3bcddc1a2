"""The verification section of the policy file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from complaint_platform.policy import Node, PolicyError

FALLBACKS = ("treat_as_satisfied", "close_without_callback", "keep_open")


@dataclass(frozen=True)
class Requirements:
    responsibility: bool
    corrective_actions: int
    preventive_actions: int
    callback: bool


@dataclass(frozen=True)
class VerificationPolicy:
    recurrence_window: timedelta
    signature_attributes: tuple[str, ...]
    unreachable_attempts: int
    fallback: str
    requirements: dict[str, Requirements]

    def requirements_for(self, category: str) -> Requirements:
        return self.requirements.get(category, self.requirements["default"])


def load(node: Node) -> VerificationPolicy:
    node.reject_unknown("recurrence_window", "fault_signature_attributes", "callback", "requirements")
    callback = node.child("callback")
    callback.reject_unknown("unreachable_attempts", "fallback")
    requirements = {name: _requirements(item) for name, item in node.child("requirements").items()}
    if "default" not in requirements:
        raise PolicyError(f"{node.path}.requirements.default", "is required")
    return VerificationPolicy(
        recurrence_window=node.child("recurrence_window").duration("30d"),
        signature_attributes=tuple(node.child("fault_signature_attributes").strings(["cell_id"])),
        unreachable_attempts=callback.child("unreachable_attempts").integer(3, minimum=1, maximum=20),
        fallback=callback.child("fallback").choice(FALLBACKS, "treat_as_satisfied"),
        requirements=requirements,
    )


def _requirements(node: Node) -> Requirements:
    node.reject_unknown("responsibility", "corrective_actions", "preventive_actions", "callback")
    return Requirements(node.child("responsibility").boolean(True),
                        node.child("corrective_actions").integer(1, minimum=0, maximum=20),
                        node.child("preventive_actions").integer(0, minimum=0, maximum=20),
                        node.child("callback").boolean(True))
