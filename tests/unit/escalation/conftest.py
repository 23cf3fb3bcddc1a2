"""The default escalation policy, parsed once from the fragment file."""

from __future__ import annotations

import pytest

from services.escalation.domain.policy import EscalationPolicy, default_policy


@pytest.fixture(scope="session")
def policy() -> EscalationPolicy:
    return default_policy()
