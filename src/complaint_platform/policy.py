"""Reading the policy YAML: one file, validated at start, errors name the field.

Each service owns the shape of its own section (``intake:``, ``dispatch:`` ...):
the pydantic models in ``complaint_platform.policy_models`` validate it, and a
bad value is reported as
``policy.dispatch.routing[2].candidates[0].level: expected one of city, province, headquarters, got 'county'``
instead of a stack trace from deep inside a handler. The domain builds its own
plain dataclasses from the validated section (``load`` in each domain's policy).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


class PolicyError(ValueError):
    """A policy value is missing or malformed; ``path`` names the field."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class Node:
    """A part of the policy file and its dotted path (``policy.intake``)."""

    def __init__(self, value: Any, path: str = "policy") -> None:
        self.value = value
        self.path = path

    def child(self, key: str) -> Node:
        value = self.value.get(key) if isinstance(self.value, Mapping) else None
        return Node(value, f"{self.path}.{key}")


def load_section(node: Node, section: str, build: Callable[[Any], T]) -> T:
    """The section at ``node`` validated by its model, then built into the domain's own values."""
    from .policy_models import validated

    return build(validated(node, section))


def load_policy_file(path: str | Path) -> Node:
    """Parse the YAML file; the returned root node's path is the file name."""
    import yaml

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(str(path), f"cannot read policy file ({exc.strerror})") from exc
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise PolicyError(str(path), f"not valid YAML: {exc}") from exc
    if not isinstance(data, Mapping):
        raise PolicyError(str(path), "the policy file must be a mapping of sections")
    return Node(data, "policy")
