"""Fixtures for the intake rule tests."""

from __future__ import annotations

import pytest

from services.intake.domain.policy import IntakePolicy, default_policy


@pytest.fixture(scope="session")
def policy() -> IntakePolicy:
    return default_policy()
