"""Shared fixtures. Integration tests start the real embedded broker and database
on free ports, once per session, and the four services as real processes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/integration" in str(item.fspath) or "/integration/" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    from tools.devstack import EmbeddedStack, Ports

    scratch: Path = tmp_path_factory.mktemp("stack")
    clock_file = scratch / "clock-offset"
    clock_file.write_text("0")
    spans = scratch / "spans.jsonl"
    embedded = EmbeddedStack(
        Ports.free(), data_dir=None, durable=False, log_dir=scratch / "logs", session_timeout_s=3.0,
        extra_env={"COMPLAINTS_CLOCK_FILE": str(clock_file), "OTEL_SPANS_FILE": str(spans),
                   "LOG_FORMAT": "json", "LOG_LEVEL": "INFO"})
    embedded.clock_file = clock_file
    embedded.spans_file = spans
    try:
        embedded.start_infrastructure()
        embedded.create_topics(partitions=3)
        embedded.start_services()
        yield embedded
    finally:
        if os.environ.get("KEEP_STACK_LOGS"):
            print(f"stack logs kept in {embedded.log_dir}")
        embedded.stop()
