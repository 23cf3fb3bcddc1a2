"""The warmer loads each standard view through the application with its own token, reports ready
after its first round whatever the outcome, and names the views it could not warm."""

from __future__ import annotations

import asyncio
import logging

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from services.console.warming import WARMING_HEADER, Warmer


def test_each_view_is_loaded_with_the_warming_token_and_a_refused_one_is_named(caplog):
    seen = []

    async def page(request):
        seen.append((request.url.path, request.url.query, request.cookies.get("console_token"),
                     request.headers.get(WARMING_HEADER)))
        if request.url.path == "/records":
            return PlainTextResponse("refused", status_code=401)
        return PlainTextResponse("ok")

    app = Starlette(routes=[Route(path, page) for path in ("/", "/cases", "/records")])
    warmer = Warmer(app, "auditor-token", 30, "console_token", views=("/", "/cases?overdue=1", "/records"))
    assert not warmer.ready

    async def one_round():
        async with warmer.client() as client:
            await warmer.warm_once(client)

    with caplog.at_level(logging.WARNING, logger="complaints.console"):
        asyncio.run(one_round())
    assert seen == [("/", "", "auditor-token", "1"), ("/cases", "overdue=1", "auditor-token", "1"),
                    ("/records", "", "auditor-token", "1")]
    assert warmer.ready and warmer.rounds == 1
    failed = [record.fields["failed"] for record in caplog.records if record.getMessage() == "views not warmed"]
    assert failed == [["/records: HTTP 401"]]
