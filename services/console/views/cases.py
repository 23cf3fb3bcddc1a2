"""Case search: the form's fields as a request to intake, and the rows of the result."""

from __future__ import annotations

from datetime import timedelta, timezone
from typing import Any

from complaints.v1 import common_pb2, intake_service_pb2 as intake

from .common import enum_key, local_text
from .records import day_start


def _enum(enum_type, params: dict[str, str], name: str) -> int:
    text = params.get(name, "").strip().upper()
    if not text:
        return 0
    prefix = enum_type.DESCRIPTOR.values[0].name.removesuffix("UNSPECIFIED")
    if f"{prefix}{text}" not in enum_type.keys():
        known = ", ".join(key.removeprefix(prefix).lower() for key in enum_type.keys()[1:])
        raise ValueError(f"{name}: expected one of {known}, got {params[name]!r}")
    return enum_type.Value(f"{prefix}{text}")


def search_request(params: dict[str, str], zone: str, size: int) -> tuple[str, str, Any]:
    """By customer: intake's ListCustomerCases; otherwise SearchCases with every field given.
    ``to`` is inclusive on the page (the whole day). Raises ValueError naming the bad field."""
    page = common_pb2.PageRequest(page_size=size, page_token=params.get("page_token", ""))
    customer = params.get("customer", "").strip()
    if customer:
        return "intake", "ListCustomerCases", intake.ListCustomerCasesRequest(customer_id=customer, page=page)
    query = intake.SearchCasesRequest(region=params.get("region", "").strip(),
                                      category=params.get("category", "").strip(),
                                      channel=_enum(common_pb2.Channel, params, "channel"),
                                      status=_enum(common_pb2.CaseStatus, params, "status"),
                                      overdue=params.get("overdue") in ("1", "on", "true"), page=page)
    start, end = day_start(params.get("from", ""), "from", zone), day_start(params.get("to", ""), "to", zone)
    if start and end and end < start:
        raise ValueError("to: must not be before from")
    if start:
        query.registered_from.FromDatetime(start.astimezone(timezone.utc))
    if end:
        query.registered_to.FromDatetime((end + timedelta(days=1)).astimezone(timezone.utc))
    return "intake", "SearchCases", query


def search_rows(cases, zone: str) -> list[dict[str, Any]]:
    return [{"case_id": c.case_id, "customer_id": c.customer_id, "category": c.category, "region": c.region,
             "channels": [enum_key(common_pb2.Channel, ch) for ch in c.channels],
             "status": enum_key(common_pb2.CaseStatus, c.status), "owner": c.owner,
             "escalation_level": c.escalation_level, "overdue": c.overdue,
             "registered_at": local_text(c.registered_at, zone), "deadline": local_text(c.current_deadline, zone)}
            for c in cases]


CHANNELS = [key.removeprefix("CHANNEL_") for key in common_pb2.Channel.keys()[1:]]
STATUSES = [key.removeprefix("CASE_STATUS_") for key in common_pb2.CaseStatus.keys()[1:]]
