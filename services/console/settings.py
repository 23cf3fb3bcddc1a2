"""The console's settings, from the environment like every service's."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .clients import targets_from_env


class ConsoleConfigError(ValueError):
    pass


@dataclass(frozen=True)
class ConsoleSettings:
    host: str = "127.0.0.1"
    port: int = 8080
    timezone: str = "Asia/Shanghai"       # the centre's zone: days and months of the figures
    secure_cookies: bool = False          # behind TLS: the token cookie is sent over HTTPS only
    log_level: str = "INFO"
    snapshot_seconds: float = 30.0       # how old the figures of aggregate reads may be (snapshots.py)
    grpc_ca_file: str = ""                # set: the services' gRPC is TLS, certificates from this CA
    warm: bool = True                     # keep the standard views' figures current (warming.py)
    warm_token: str = ""                  # the read-only token the warming signs in with
    targets: dict[str, str] = field(default_factory=dict)


def load(env: Mapping[str, str] = os.environ) -> ConsoleSettings:
    port_text = env.get("CONSOLE_PORT", "8080")
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ConsoleConfigError(f"CONSOLE_PORT: expected a port number 1-65535, got {port_text!r}")
    zone = env.get("CONSOLE_TIMEZONE", "Asia/Shanghai")
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConsoleConfigError(f"CONSOLE_TIMEZONE: unknown time zone {zone!r}, e.g. Asia/Shanghai") from None
    secure = env.get("CONSOLE_SECURE_COOKIES", "0")
    if secure not in ("0", "1"):
        raise ConsoleConfigError(f"CONSOLE_SECURE_COOKIES: expected 0 or 1, got {secure!r}")
    snapshot_text = env.get("CONSOLE_SNAPSHOT_SECONDS", "30")
    try:
        snapshot_seconds = float(snapshot_text)
    except ValueError:
        snapshot_seconds = -1.0
    if not 0 <= snapshot_seconds <= 3600:
        raise ConsoleConfigError(f"CONSOLE_SNAPSHOT_SECONDS: expected seconds from 0 to 3600, got {snapshot_text!r}")
    warm = env.get("CONSOLE_WARM", "1")
    if warm not in ("0", "1"):
        raise ConsoleConfigError(f"CONSOLE_WARM: expected 0 or 1, got {warm!r}")
    ca_file = env.get("CONSOLE_GRPC_CA_FILE", "")
    if ca_file and not os.path.isfile(ca_file):
        raise ConsoleConfigError(f"CONSOLE_GRPC_CA_FILE: no such file {ca_file!r}")
    return ConsoleSettings(grpc_ca_file=ca_file, snapshot_seconds=snapshot_seconds,
                           host=env.get("CONSOLE_HOST", "127.0.0.1"), port=int(port_text), timezone=zone,
                           secure_cookies=secure == "1", log_level=env.get("LOG_LEVEL", "INFO").upper(),
                           warm=warm == "1" and snapshot_seconds > 0, warm_token=env.get("CONSOLE_WARM_TOKEN", ""),
                           targets=targets_from_env(env))
