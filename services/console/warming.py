"""Keeps the figures of the console's standard views current, so no person waits for a scan.

The overview, the bulletins of today, the watch list and the first pages of the case and record lists
are answered from snapshots (snapshots.py); the first request for each one asks the services to scan a
period's cases, which with 10,000 cases takes seconds. The warmer makes those requests itself: at start
(the console reports ready only after the first round, so a load balancer sends no one to a console
still computing) and again every ``snapshot_seconds``, which keeps every snapshot younger than the
age at which a page would wait for it. Views with other filters are computed on the first request.

The warmer loads the pages through the application itself rather than calling the services directly,
so a warmed snapshot is by construction the one a page asks for (same key, same request). It signs in
with its own read-only token (``CONSOLE_WARM_TOKEN``, an auditor's in the services' token file); with
access control off no token is needed.
"""

from __future__ import annotations

import asyncio
import logging
import time

import httpx

log = logging.getLogger("complaints.console")

# what the navigation opens before a person chooses a filter
STANDARD_VIEWS = ("/", "/cases", "/cases?overdue=1", "/supervision", "/bulletin?period=daily",
                  "/bulletin?period=weekly", "/bulletin?period=monthly", "/records")
WARMING_HEADER = "x-console-warming"  # the timing log tells these loads from people's


class Warmer:
    def __init__(self, app, token: str, every_s: float, cookie: str, views=STANDARD_VIEWS) -> None:
        self._app = app
        self._token = token
        self._every_s = every_s
        self._cookie = cookie
        self._views = views
        self.rounds = 0
        self.last_round_s: float | None = None

    @property
    def ready(self) -> bool:
        """After the first round, whatever its outcome: a view the services refused is retried next
        round, and a person asking for it meanwhile gets the page (or the refusal) directly."""
        return self.rounds > 0

    def client(self) -> httpx.AsyncClient:
        """Requests straight into the application (no socket), signed in with the warming token."""
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self._app), base_url="http://console",
                                 cookies={self._cookie: self._token}, headers={WARMING_HEADER: "1"}, timeout=None)

    async def run(self) -> None:
        async with self.client() as client:
            while True:
                await self.warm_once(client)
                await asyncio.sleep(self._every_s)

    async def warm_once(self, client: httpx.AsyncClient) -> None:
        started = time.perf_counter()
        failed = []
        for view in self._views:
            try:
                response = await client.get(view)
                if response.status_code != 200:
                    failed.append(f"{view}: HTTP {response.status_code}")
            except Exception as error:  # noqa: BLE001 - one view failing must not stop the others
                failed.append(f"{view}: {error}")
        self.last_round_s = time.perf_counter() - started
        self.rounds += 1
        fields = {"views": len(self._views), "seconds": round(self.last_round_s, 2), "round": self.rounds}
        if failed:
            # most often a token the services do not know: CONSOLE_WARM_TOKEN
            log.warning("views not warmed", extra={"fields": {**fields, "failed": failed}})
        elif self.rounds == 1:
            log.info("standard views warmed", extra={"fields": fields})
