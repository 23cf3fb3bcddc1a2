"""A department's queue: priority first (tier 1 on top), then the earliest due time."""

from __future__ import annotations

from datetime import datetime, timezone

from .work_orders import WorkOrder

NO_DUE_TIME = datetime(9999, 12, 31, tzinfo=timezone.utc)  # unknown due times sort last


def queue_key(order: WorkOrder) -> tuple:
    return (order.priority, order.due_at or NO_DUE_TIME, order.dispatched_at, order.work_order_id)


def ordered(orders: list[WorkOrder]) -> list[WorkOrder]:
    return sorted(orders, key=queue_key)
