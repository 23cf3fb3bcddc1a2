"""Fixtures for the dispatch rule tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from dispatch_builders import NOW, registration

from services.dispatch.domain.case import DispatchCase
from services.dispatch.domain.policy import DispatchPolicy, default_policy


@pytest.fixture(scope="session")
def policy() -> DispatchPolicy:
    return default_policy()


@pytest.fixture
def new_case(policy: DispatchPolicy) -> Callable[..., DispatchCase]:
    def build(**overrides: Any) -> DispatchCase:
        case, _ = DispatchCase.register(registration(**overrides), policy, NOW)
        return case
    return build
