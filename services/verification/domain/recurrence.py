"""The recurrence watch (同类问题零复发): the same problem must not come back within the window."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .times import stored

SAME_CUSTOMER_CATEGORY, FAULT_SIGNATURE = "same_customer_category", "fault_signature"


@dataclass(frozen=True)
class Recurrence:
    new_case_id: str
    matched_by: str
    registered_at: datetime
    loop: int                    # the loop whose customer closure the new case broke
    late: bool = False           # arrived after management closure

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Recurrence:
        return cls(**{**data, "registered_at": stored(data["registered_at"])})


def fault_signature(region: str, category: str, attributes: Mapping[str, str], names: tuple[str, ...]) -> str:
    """region|category|attr=value...; empty when the policy lists no attributes or any is missing,
    because region and category alone would match every case of the category in the region."""
    values = [str(attributes.get(name, "")).strip() for name in names]
    if not names or not region or not all(values):
        return ""
    return "|".join([region, category, *(f"{name}={value}" for name, value in zip(names, values))])


def in_window(customer_closed_at: datetime, window: timedelta, registered_at: datetime) -> bool:
    """Half-open: from the customer closure itself up to, not including, the window's end."""
    return customer_closed_at <= registered_at < customer_closed_at + window


def match(customer_id: str, category: str, signature: str, new_customer_id: str, new_category: str,
          new_signature: str) -> str:
    """How a new case matches a watched one, or "" when it does not."""
    if customer_id and new_customer_id == customer_id and new_category == category:
        return SAME_CUSTOMER_CATEGORY
    if signature and new_signature == signature:
        return FAULT_SIGNATURE
    return ""
