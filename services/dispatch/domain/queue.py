"""A department's queue: priority first (tier 1 on top), then the earliest due time (unknown last),
then the oldest, then the id, so the order is total and pages never skip or repeat an order.

Page tokens carry the last sort key (keyset paging: later pages stay stable while new orders arrive)
and a fingerprint of the department and filters, so a token cannot be replayed against another queue.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

from .errors import InvalidPageToken
from .work_orders import OPEN_STATES, WorkOrder

NO_DUE_TIME = datetime(9999, 12, 31, tzinfo=timezone.utc)
DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 50, 500

QueueKey = tuple[int, datetime, datetime, str]


@dataclass(frozen=True)
class QueueFilter:
    states: tuple[str, ...] = OPEN_STATES
    category: str = ""        # empty: any
    region: str = ""


@dataclass(frozen=True)
class QueuePage:
    work_orders: tuple[WorkOrder, ...]
    next_page_token: str      # empty on the last page


def queue_key(order: WorkOrder) -> QueueKey:
    return (order.priority, order.due_at or NO_DUE_TIME, order.created_at, order.work_order_id)


def ordered(orders: Iterable[WorkOrder]) -> list[WorkOrder]:
    return sorted(orders, key=queue_key)


def department_queue(orders: Iterable[WorkOrder], department: str, filters: QueueFilter = QueueFilter(),
                     page_size: int = DEFAULT_PAGE_SIZE, page_token: str = "") -> QueuePage:
    """page_size <= 0 means the default; larger than MAX_PAGE_SIZE is capped."""
    size = DEFAULT_PAGE_SIZE if page_size <= 0 else min(page_size, MAX_PAGE_SIZE)
    fingerprint = _fingerprint(department, filters)
    after = decode_page_token(page_token, fingerprint) if page_token else None
    matching = [o for o in orders if o.department == department and _passes(o, filters)
                and (after is None or queue_key(o) > after)]
    page = ordered(matching)
    if len(page) <= size:
        return QueuePage(tuple(page), "")
    page = page[:size]
    return QueuePage(tuple(page), encode_page_token(queue_key(page[-1]), fingerprint))


def encode_page_token(key: QueueKey, fingerprint: str) -> str:
    priority, due, created, work_order_id = key
    raw = json.dumps({"f": fingerprint, "k": [priority, due.isoformat(), created.isoformat(), work_order_id]})
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_page_token(token: str, fingerprint: str) -> QueueKey:
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        priority, due, created, work_order_id = data["k"]
        key = (int(priority), datetime.fromisoformat(due), datetime.fromisoformat(created), str(work_order_id))
        matches = data["f"] == fingerprint
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidPageToken(f"page_token: not a token this queue issued ({exc.__class__.__name__})") from None
    if not matches:
        raise InvalidPageToken("page_token: issued for another department or filter")
    return key


def _passes(order: WorkOrder, filters: QueueFilter) -> bool:
    return (order.state in filters.states and (not filters.category or order.category == filters.category)
            and (not filters.region or order.region == filters.region))


def _fingerprint(department: str, filters: QueueFilter) -> str:
    text = json.dumps([department, sorted(filters.states), filters.category, filters.region])
    return hashlib.sha256(text.encode()).hexdigest()[:16]
