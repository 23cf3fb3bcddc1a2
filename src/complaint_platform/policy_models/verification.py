"""The ``verification:`` section: what a record needs before management closure (管理办结)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from .common import CATEGORIES, Duration, DurationOrZero, PolicyProblem, Strict, Text

FALLBACKS = ("treat_as_satisfied", "close_without_callback", "keep_open")
Fallback = Literal["treat_as_satisfied", "close_without_callback", "keep_open"]


def _distinct(attributes: list[str] | None) -> list[str] | None:
    if attributes is not None and len(set(attributes)) != len(attributes):
        raise PolicyProblem("lists an attribute twice")
    return attributes


class Rules(Strict):
    """The closure conditions of ``default``: every field required."""

    responsibility: bool = Field(description="responsible unit, root-cause class, company at fault")
    corrective_actions: int = Field(ge=0, le=20)
    preventive_actions: int = Field(ge=0, le=20)
    callback: bool = Field(description="customer callback (回访) satisfied, or the fallback applied")
    unreachable_attempts: int = Field(ge=1, le=20)
    callback_fallback: Fallback
    recurrence_window: Duration = Field(description="同类问题零复发: watched this long after customer closure")
    fault_signature_attributes: list[Text]

    _distinct = field_validator("fault_signature_attributes")(_distinct)


class CategoryRules(Strict):
    """A category names only what differs from ``default``."""

    responsibility: bool | None = None
    corrective_actions: int | None = Field(None, ge=0, le=20)
    preventive_actions: int | None = Field(None, ge=0, le=20)
    callback: bool | None = None
    unreachable_attempts: int | None = Field(None, ge=1, le=20)
    callback_fallback: Fallback | None = None
    recurrence_window: Duration | None = None
    fault_signature_attributes: list[Text] | None = None

    _distinct = field_validator("fault_signature_attributes")(_distinct)


def _known_categories(categories: Any) -> Any:
    for name in categories if isinstance(categories, dict) else ():
        if name not in CATEGORIES:
            raise PolicyProblem(f"unknown category (known: {', '.join(CATEGORIES)})", name)
    return categories


class VerificationSection(Strict):
    default: Rules
    categories: dict[str, CategoryRules] = {}
    late_report_grace: DurationOrZero = Field("1h",
                                              description="closure waits this long after the window")

    _known = field_validator("categories", mode="before")(_known_categories)
