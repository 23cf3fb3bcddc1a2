"""Fault tests (`make test-faults`): the embedded stack under kill -9, database and broker restarts.

They take minutes, so `make test` leaves this directory out and CI runs it as its own step."""

from __future__ import annotations

import pytest


def pytest_configure(config):
    config.addinivalue_line("markers", "faults: kills and restarts parts of the embedded stack under load (make test-faults)")


def pytest_collection_modifyitems(items):
    for item in items:
        if "/faults/" in str(item.fspath):
            item.add_marker(pytest.mark.faults)
