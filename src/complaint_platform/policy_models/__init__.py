"""The policy file as pydantic models: validation with field paths, and its JSON Schema for editors.

Each service validates its own section (``validated(node, "intake")``) and its
domain builds plain dataclasses from the result; ``complaints policy check``
validates the whole file offline with the same messages. A pydantic error is
turned into the house format, ``policy.dispatch.routing[1].candidates[0].level:
expected one of city, province, headquarters, got 'county'``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from ..policy import Node, PolicyError, load_policy_file
from .common import PolicyProblem, Strict
from .dispatch import DispatchSection
from .escalation import EscalationSection
from .intake import IntakeSection
from .retention import RetentionSection
from .verification import VerificationSection

SECTIONS: dict[str, type[Strict]] = {"intake": IntakeSection, "dispatch": DispatchSection,
                                     "escalation": EscalationSection, "verification": VerificationSection,
                                     "retention": RetentionSection}
SCHEMA_FILE = Path(__file__).resolve().parents[3] / "config" / "policy.schema.json"


class PolicyFile(Strict):
    """The complaint centre's policy: one section per service, each read by that service only."""

    intake: IntakeSection
    dispatch: DispatchSection
    escalation: EscalationSection
    verification: VerificationSection
    retention: RetentionSection = RetentionSection()


def validated(node: Node, section: str) -> Any:
    """The section at ``node`` checked against its model; the first problem raised as a PolicyError."""
    return _validate(SECTIONS[section], node.value if node.value is not None else {}, node.path)


def check_file(path: str | Path) -> PolicyFile:
    """Every section of a policy file, as a service would read it at start."""
    return _validate(PolicyFile, load_policy_file(path).value, "policy")


def json_schema() -> dict[str, Any]:
    schema = PolicyFile.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "Complaint centre policy (config/policy.yaml)", **schema}


def schema_text() -> str:
    """The schema as committed in config/policy.schema.json (a test keeps the two in step)."""
    return json.dumps(json_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _validate(model: type[Strict], data: Any, base: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        raise _policy_error(model, data, base, first) from None


def _policy_error(model: type[BaseModel], data: Any, base: str, error: dict[str, Any]) -> PolicyError:
    loc = tuple(error["loc"])
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, PolicyProblem):
        return PolicyError(_path(base, data, loc + cause.at), cause.problem)
    return PolicyError(_path(base, data, loc), _problem(model, loc, error))


def _path(base: str, data: Any, loc: tuple[Any, ...]) -> str:
    """Rendered over the data as written: ``.key`` in a mapping, ``[i]`` in a list, a lone value unindexed."""
    path, here = base, data
    for part in loc:
        if isinstance(here, list) and isinstance(part, int):
            path, here = f"{path}[{part}]", here[part] if part < len(here) else None
        elif isinstance(part, int) and not isinstance(here, dict):
            continue  # a single value where a list is allowed
        else:
            path = f"{path}.{part}"
            here = here.get(part, here.get(str(part))) if isinstance(here, dict) else None
    return path


_TYPE_PROBLEMS = {
    "int": "expected a whole number", "float": "expected a number", "bool": "expected true or false",
    "string": "expected a non-empty string",
}


def _problem(model: type[BaseModel], loc: tuple[Any, ...], error: dict[str, Any]) -> str:
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        allowed = _fields_at(model, loc[:-1])
        return f"unknown field (allowed: {', '.join(allowed)})" if allowed else "unknown field"
    if kind == "greater_than_equal":
        return f"must be at least {ctx['ge']}, got {value}"
    if kind == "less_than_equal":
        return f"must be at most {ctx['le']}, got {value}"
    if kind == "literal_error":
        options = [part.strip("'") for part in re.split(r", | or ", str(ctx["expected"]))]
        return f"expected one of {', '.join(options)}, got {value!r}"
    if kind in ("list_type", "tuple_type"):
        return f"expected a list, got {type(value).__name__}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected a mapping, got {type(value).__name__}"
    for prefix, words in _TYPE_PROBLEMS.items():
        if kind.startswith(prefix + "_") or kind == prefix + "_type":
            return f"{words}, got {value!r}"
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    return str(error["msg"])


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names of the model found at ``loc``, for the 'unknown field' hint."""
    here: Any = model
    for part in loc:
        here = _unwrap(here)
        if isinstance(here, type) and issubclass(here, BaseModel):
            field = here.model_fields.get(str(part))
            if field is None:
                return []
            here = field.annotation
        elif get_origin(here) in (list, tuple, dict):
            here = get_args(here)[-1]
        else:
            return []
    here = _unwrap(here)
    return sorted(here.model_fields) if isinstance(here, type) and issubclass(here, BaseModel) else []


def _unwrap(annotation: Any) -> Any:
    while get_origin(annotation) is Union or type(annotation).__name__ == "UnionType":
        annotation = next(arg for arg in get_args(annotation) if arg is not type(None))
    if hasattr(annotation, "__metadata__"):
        annotation = get_args(annotation)[0]
    return annotation


__all__ = ["PolicyError", "PolicyFile", "SCHEMA_FILE", "SECTIONS", "check_file", "json_schema", "schema_text", "validated"]
