"""Builders for the intake rule tests: one fixed clock, submissions with sensible defaults."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import yaml

from services.intake.domain.policy import DEFAULT_POLICY_FILE, IntakePolicy
from services.intake.domain.submission import RawSubmission, Submission, normalise

NOW = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


def at(minutes: float = 0, hours: float = 0, **more: float) -> datetime:
    return NOW + timedelta(minutes=minutes, hours=hours, **more)


def raw(**overrides: Any) -> RawSubmission:
    fields: dict[str, Any] = dict(submission_id="S-1", channel="HOTLINE", customer_id="C-1",
                                  phone="138 0013 8000", tier=2, region="guangzhou", category="",
                                  summary="我家宽带又断网了", received_at=NOW, first_contact="agent-7")
    fields.update(overrides)
    return RawSubmission(**fields)


def submission(policy: IntakePolicy, **overrides: Any) -> Submission:
    received = overrides.get("received_at", NOW)
    return normalise(raw(**overrides), policy, now=max(received or NOW, NOW))


@lru_cache(maxsize=1)
def _default_section() -> dict[str, Any]:
    return yaml.safe_load(DEFAULT_POLICY_FILE.read_text(encoding="utf-8"))["intake"]


def policy_data() -> dict[str, Any]:
    """A fresh, editable copy of the default ``intake:`` section."""
    return copy.deepcopy(_default_section())
