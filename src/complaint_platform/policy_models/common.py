"""Building blocks of the policy models: the strict base, durations, the shared vocabulary.

The models are the validation layer at the edge; each service's domain builds
its own plain dataclasses from a validated section. ``PolicyProblem`` lets a
cross-field check name a field below the one it is attached to
(``categories[3].id``), so every error still reads ``path: problem``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, Any, Literal, get_args

from pydantic import (BaseModel, BeforeValidator, ConfigDict, PlainSerializer, PlainValidator, TypeAdapter,
                      WithJsonSchema, model_validator)
from pydantic_core import PydanticCustomError

Category = Literal["network_signal", "broadband_outage", "billing_dispute", "value_added_charges",
                   "service_attitude", "installation_repair_delay", "number_plan_change", "porting", "other",
                   "fixed_line_fault", "mobile_data_speed", "no_service"]
Channel = Literal["HOTLINE", "ONLINE_HALL", "MOBILE_APP", "SMS", "WECHAT", "WEIBO", "KIOSK", "STORE",
                  "REGULATOR", "EMAIL", "ONLINE_CHAT", "PROXY"]
CATEGORIES: tuple[str, ...] = get_args(Category)
CHANNELS: tuple[str, ...] = get_args(Channel)
ANY = "*"

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)\s*$")
_ZERO = re.compile(r"^\s*0+(?:\.0+)?\s*(?:ms|s|m|h|d|w)?\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
DURATION_PATTERN = r"^\s*\d+(\.\d+)?\s*(ms|s|m|h|d|w)\s*$"


class PolicyProblem(ValueError):
    """A check that names a field below the one it runs on: ``at`` is appended to its location."""

    def __init__(self, problem: str, *at: str | int) -> None:
        super().__init__(problem)
        self.problem = problem
        self.at = at


class Strict(BaseModel):
    """No coercion, no unknown fields; a field written as null counts as left out (its default applies).

    Defaults are written as in the file (``"72h"``) and validated, so the schema shows them that way.
    """

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, validate_default=True)

    @model_validator(mode="before")
    @classmethod
    def _null_is_absent(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if value is not None}
        return data


def problem(kind: str, message: str, **context: Any) -> PydanticCustomError:
    return PydanticCustomError(kind, message, context)


def _text(value: Any) -> str:
    # YAML reads 10010 as a number; a name or a word written that way is still text
    if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
        return str(value)
    raise problem("text", "expected a non-empty string, got {value}", value=repr(value))


def _duration(value: Any, zero_allowed: bool) -> timedelta:
    """Durations are written as ``30m``, ``72h``, ``30d``, ``500ms``."""
    if zero_allowed and (value == 0 and not isinstance(value, bool)
                         or isinstance(value, str) and _ZERO.match(value)):
        return timedelta(0)
    match = _DURATION.match(value) if isinstance(value, str) else None
    if match is None:
        raise problem("duration", "expected a duration such as 30m, 72h or 30d, got {value}", value=repr(value))
    seconds = float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    if seconds <= 0:
        raise problem("duration", "a duration must be longer than zero")
    return timedelta(seconds=seconds)


def _written(value: timedelta) -> str:
    """A duration as the policy file writes it (the schema's defaults read ``10m``, not ``PT10M``)."""
    milliseconds = round(value.total_seconds() * 1000)
    for unit in ("w", "d", "h", "m", "s"):
        size = round(_UNIT_SECONDS[unit] * 1000)
        if milliseconds % size == 0:
            return f"{milliseconds // size}{unit}"
    return f"{milliseconds}ms"


def checked(check: Callable[[Any], Any], schema: dict[str, Any]) -> tuple[PlainValidator, WithJsonSchema]:
    """A hand-checked value that still shows its shape in the JSON Schema."""
    return PlainValidator(check), WithJsonSchema(schema)


Text = Annotated[str, *checked(_text, {"type": ["string", "integer"], "minLength": 1})]
Duration = Annotated[timedelta, *checked(lambda v: _duration(v, False),
                                         {"type": "string", "pattern": DURATION_PATTERN,
                                          "examples": ["30m", "72h", "30d"]}), PlainSerializer(_written)]
DurationOrZero = Annotated[timedelta, *checked(lambda v: _duration(v, True),
                                               {"anyOf": [{"type": "string", "pattern": DURATION_PATTERN},
                                                          {"const": 0}]}), PlainSerializer(_written)]


def _one_or_many(value: Any) -> Any:
    return value if isinstance(value, list) else [value]


def OneOrMany(item: Any) -> Any:  # noqa: N802 - reads as a type in the models
    """A single value or a list of them; the single value is reported without an index."""
    one = TypeAdapter(item).json_schema()
    return Annotated[list[item], BeforeValidator(_one_or_many),
                     WithJsonSchema({"anyOf": [one, {"type": "array", "items": one}]})]


def unique_ids(rules: list[Any]) -> list[Any]:
    seen: set[str] = set()
    for index, rule in enumerate(rules):
        if rule.id in seen:
            raise PolicyProblem(f"duplicate rule id {rule.id!r}", index, "id")
        seen.add(rule.id)
    return rules
