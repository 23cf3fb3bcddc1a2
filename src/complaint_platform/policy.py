"""Reading the policy YAML: one file, validated at start, errors name the field.

Each service owns the shape of its own section (``intake:``, ``dispatch:`` ...)
and reads it with the small readers below, so a bad value is reported as
``policy.yaml: dispatch.routing[2].department: expected a non-empty string``
instead of a stack trace from deep inside a handler.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


class PolicyError(ValueError):
    """A policy value is missing or malformed; ``path`` names the field."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class Node:
    """A position in the policy tree that knows its own dotted path."""

    def __init__(self, value: Any, path: str = "policy") -> None:
        self.value = value
        self.path = path

    # navigation -----------------------------------------------------------
    def child(self, key: str) -> Node:
        return Node(self._mapping().get(key), f"{self.path}.{key}")

    def has(self, key: str) -> bool:
        return self.value is not None and key in self._mapping()

    def keys(self) -> list[str]:
        return [str(k) for k in self._mapping()]

    def items(self) -> list[tuple[str, Node]]:
        return [(str(k), Node(v, f"{self.path}.{k}")) for k, v in self._mapping().items()]

    def elements(self) -> list[Node]:
        if self.value is None:
            return []
        if not isinstance(self.value, list):
            raise PolicyError(self.path, f"expected a list, got {type(self.value).__name__}")
        return [Node(v, f"{self.path}[{i}]") for i, v in enumerate(self.value)]

    def reject_unknown(self, *allowed: str) -> None:
        """Typos in a policy file must fail loudly, not be silently ignored."""
        unknown = sorted(set(self.keys()) - set(allowed))
        if unknown:
            raise PolicyError(
                f"{self.path}.{unknown[0]}",
                f"unknown field (allowed: {', '.join(sorted(allowed))})",
            )

    # leaf readers ----------------------------------------------------------
    def string(self, default: str | None = None) -> str:
        value = self._or_default(default)
        if not isinstance(value, (str, int)) or isinstance(value, bool) or str(value).strip() == "":
            raise PolicyError(self.path, f"expected a non-empty string, got {value!r}")
        return str(value)

    def integer(self, default: int | None = None, minimum: int | None = None,
                maximum: int | None = None) -> int:
        value = self._or_default(default)
        if not isinstance(value, int) or isinstance(value, bool):
            raise PolicyError(self.path, f"expected a whole number, got {value!r}")
        self._check_range(value, minimum, maximum)
        return value

    def number(self, default: float | None = None, minimum: float | None = None,
               maximum: float | None = None) -> float:
        value = self._or_default(default)
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise PolicyError(self.path, f"expected a number, got {value!r}")
        self._check_range(float(value), minimum, maximum)
        return float(value)

    def boolean(self, default: bool | None = None) -> bool:
        value = self._or_default(default)
        if not isinstance(value, bool):
            raise PolicyError(self.path, f"expected true or false, got {value!r}")
        return value

    def duration(self, default: str | None = None) -> timedelta:
        """Durations are written as ``30m``, ``72h``, ``30d``, ``500ms``."""
        value = self._or_default(default)
        match = _DURATION.match(str(value)) if isinstance(value, str) else None
        if match is None:
            raise PolicyError(self.path, f"expected a duration such as 30m, 72h or 30d, got {value!r}")
        seconds = float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        if seconds <= 0:
            raise PolicyError(self.path, "a duration must be longer than zero")
        return timedelta(seconds=seconds)

    def choice(self, options: list[str] | tuple[str, ...], default: str | None = None) -> str:
        value = self.string(default)
        if value not in options:
            raise PolicyError(self.path, f"expected one of {', '.join(options)}, got {value!r}")
        return value

    def strings(self, default: list[str] | None = None) -> list[str]:
        if self.value is None and default is not None:
            return list(default)
        return [node.string() for node in self.elements()]

    def each(self, read: Callable[[Node], T]) -> list[T]:
        return [read(node) for node in self.elements()]

    # helpers ---------------------------------------------------------------
    def _mapping(self) -> Mapping[str, Any]:
        if self.value is None:
            return {}
        if not isinstance(self.value, Mapping):
            raise PolicyError(self.path, f"expected a mapping, got {type(self.value).__name__}")
        return self.value

    def _or_default(self, default: Any) -> Any:
        if self.value is None:
            if default is None:
                raise PolicyError(self.path, "is required")
            return default
        return self.value

    def _check_range(self, value: float, minimum: float | None, maximum: float | None) -> None:
        if minimum is not None and value < minimum:
            raise PolicyError(self.path, f"must be at least {minimum}, got {value}")
        if maximum is not None and value > maximum:
            raise PolicyError(self.path, f"must be at most {maximum}, got {value}")


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
