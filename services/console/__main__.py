"""python -m services.console: serve the console with uvicorn."""

from __future__ import annotations

import logging
import sys

import uvicorn

from complaint_platform.telemetry import JsonLogFormatter

from . import settings as console_settings
from .app import build


def main() -> None:
    try:
        settings = console_settings.load()
    except console_settings.ConsoleConfigError as problem:
        print(f"console: {problem}", file=sys.stderr)
        sys.exit(2)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLogFormatter("console"))  # masks phone numbers and names like the services' logs
    logging.getLogger().handlers[:] = [handler]
    logging.getLogger().setLevel(settings.log_level)
    logging.getLogger("complaints.console").info("console starting", extra={"fields": {
        "url": f"http://{settings.host}:{settings.port}/", **{f"{name}_target": target
                                                             for name, target in settings.targets.items()}}})
    uvicorn.run(build(settings), host=settings.host, port=settings.port, log_config=None, access_log=False,
                timeout_graceful_shutdown=10)


main()
