"""The console's browser tests run on a stack of their own, with access control on (an operator,
an auditor and a service token), so that what an auditor may not do is refused by the services
themselves. Its fixtures are module-scoped: the stack stops before tests/integration starts its own."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "test-results" / "console"
sys.path.insert(0, str(ROOT / "tests" / "integration"))  # helpers: waiting for events without sleeping blindly

from console_loop import TOKENS  # noqa: E402 - after the path that console_loop's helpers come from


@pytest.fixture(scope="module")
def console_stack(tmp_path_factory):
    from tools.devstack import EmbeddedStack, Ports

    scratch = tmp_path_factory.mktemp("console-stack")
    tokens = scratch / "tokens.yaml"
    tokens.write_text("tokens:\n" + "".join(f'  - {{token: "{token}", role: {role}, name: {role}-test}}\n'
                                            for role, token in TOKENS.items()))
    clock_file = scratch / "clock-offset"
    clock_file.write_text("0")
    stack = EmbeddedStack(Ports.free(), data_dir=None, durable=False, log_dir=scratch / "logs", session_timeout_s=3.0,
                          extra_env={"GRPC_AUTH_TOKENS_FILE": str(tokens), "COMPLAINTS_CLOCK_FILE": str(clock_file),
                                     "LOG_FORMAT": "json"})
    stack.clock_file = clock_file
    try:
        stack.start_infrastructure()
        stack.create_topics(partitions=3)
        stack.start_services()
        # not warmed: these tests publish their complaints after the console starts and look at once
        # (test_a_warmed_console_... starts one that is)
        stack.console_url = stack.start_console(warm=False).rstrip("/")
        yield stack
    finally:
        if os.environ.get("KEEP_STACK_LOGS"):
            print(f"console stack logs kept in {stack.log_dir}")
        stack.stop()


@pytest.fixture(scope="module")
def browser():
    from tools.console_browser import Browser

    opened = Browser()  # fails with the command to run when chromium is missing: never skipped
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def results_dir() -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    return RESULTS
