"""The ``dispatch:`` section: default owners, routing, extra work orders, consultations, proxy cases."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from .common import ANY, CATEGORIES, CHANNELS, PolicyProblem, Strict, Text
from .notifications import NotificationsSection

LEVELS = ("city", "province", "headquarters")
CategoryOrAny = Literal[(ANY,) + CATEGORIES]  # type: ignore[valid-type]
ChannelOrAny = Literal[(ANY,) + CHANNELS]  # type: ignore[valid-type]
_PLACEHOLDER = re.compile(r"\{([^}]*)\}")


class Destination(Strict):
    department: Text = Field(description='may hold "{region}", filled in per case')
    level: Literal["city", "province", "headquarters"]

    @field_validator("department")
    @classmethod
    def _only_region_placeholder(cls, department: str) -> str:
        for name in _PLACEHOLDER.findall(department):
            if name != "region":
                raise PolicyProblem(f"unknown placeholder {{{name}}} (only {{region}})")
        return department


class _Routed(Strict):
    candidates: list[Destination] = Field([], validate_default=True,
                                          description="tried in order as departments return the work order")

    @field_validator("candidates")
    @classmethod
    def _some_department(cls, candidates: list[Destination]) -> list[Destination]:
        if not candidates:
            raise PolicyProblem("at least one department is required")
        return candidates


class OwnerRule(Strict):
    channel: ChannelOrAny
    region: Text
    owner: Text


class RoutingRule(_Routed):
    category: CategoryOrAny
    region: Text


class When(Strict):
    keywords: list[Text] = Field([], description="any of them in the complaint text")
    attributes: dict[str, Text] = Field({}, description='all must match; "*" means present')


class AdditionalRule(_Routed):
    """One more work order for matching cases."""

    category: CategoryOrAny
    region: Text = ANY
    when: When = When()


def _table(rows: list[Any], first: str) -> list[Any]:
    keys = [(getattr(row, first), row.region) for row in rows]
    # without a catch-all row some case would have no owner or no department
    if (ANY, ANY) not in keys:
        raise PolicyProblem(f'needs a fallback row with {first} "*" and region "*"')
    for index, key in enumerate(keys):
        if key in keys[:index]:
            raise PolicyProblem(f"duplicates the row for {key[0]} x {key[1]}", index)
    return rows


class DispatchSection(Strict):
    default_owners: list[OwnerRule] = Field([], validate_default=True)
    routing: list[RoutingRule] = Field([], validate_default=True)
    additional_work_orders: list[AdditionalRule] = []
    consult: Destination
    proxy: Destination
    # what the customer is told at each step; absent: no notifications
    notifications: NotificationsSection | None = None

    @model_validator(mode="before")
    @classmethod
    def _destinations_name_their_fields(cls, data: Any) -> Any:
        # a missing destination is reported as its missing department, the field to write
        if isinstance(data, dict):
            return {"consult": {}, "proxy": {}} | data
        return data

    @field_validator("default_owners")
    @classmethod
    def _owner_table(cls, rows: list[OwnerRule]) -> list[OwnerRule]:
        return _table(rows, "channel")

    @field_validator("routing")
    @classmethod
    def _routing_table(cls, rows: list[RoutingRule]) -> list[RoutingRule]:
        return _table(rows, "category")
