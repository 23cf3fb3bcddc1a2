"""Builders for the dispatch rule tests (a unique module name: test folders have no __init__.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from services.dispatch.domain import inputs

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


def later(minutes: int) -> datetime:
    return NOW + timedelta(minutes=minutes)


def registration(**overrides: Any) -> inputs.CaseRegistered:
    values: dict[str, Any] = dict(event_id="evt-reg-1", case_id="C1", channel="HOTLINE", category="network_signal",
                                  region="guangzhou", tier=2, severity=2, first_contact="agent-007")
    values.update(overrides)
    return inputs.CaseRegistered(**values)


def feedback(event_id: str, kind: str, work_order_id: str = "C1-WO1", text: str = "", fault: str = "",
             minutes: int = 10) -> inputs.WorkOrderFeedback:
    return inputs.WorkOrderFeedback(event_id=event_id, kind=kind, work_order_id=work_order_id, text=text,
                                    company_at_fault=fault, reported_by="dept-user", reported_at=later(minutes))
