"""What both fault tests share: the FAULT_SEED and FAULT_TIMEOUT_S settings, progress lines, the services' environment."""

from __future__ import annotations

import os
import time
from pathlib import Path

SEED = int(os.environ.get("FAULT_SEED", str(int(time.time()) % 1_000_000)))
TIMEOUT_S = int(os.environ.get("FAULT_TIMEOUT_S", "3600"))


def say(text: str, started: float | None = None) -> None:
    stamp = f"[{time.monotonic() - started:6.1f}s] " if started is not None else ""
    print(f"{stamp}{text}", flush=True)


def service_env(policy: Path, **extra: str) -> dict[str, str]:
    return {"POLICY_FILE": str(policy), "LOG_FORMAT": "json", "LOG_LEVEL": "WARNING", **extra}
