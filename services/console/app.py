"""Wiring of the console: the Starlette application, the person's language and token, rendering,
and the answer to a refused call. The pages themselves are in ``pages.py``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from pathlib import Path
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from . import i18n
from complaints.v1 import intake_service_pb2

from .clients import Backends, ServiceRefusal, Session
from .settings import ConsoleSettings
from .snapshots import Snapshot, Snapshots
from .views.common import local_text, percent, points
from .warming import WARMING_HEADER, Warmer

HERE = Path(__file__).parent
TOKEN_COOKIE, NAME_COOKIE, LANG_COOKIE = "console_token", "console_user", "console_lang"
NAV = (("overview", "/"), ("cases", "/cases"), ("supervision", "/supervision"), ("bulletin", "/bulletin"),
       ("records", "/records"))
ACCOUNT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,63}$")  # the services' id rule (grpc_errors)
STATUS_OF = {"forbidden": 403, "unauthenticated": 401, "not_found": 404, "invalid": 400, "unavailable": 503}
log = logging.getLogger("complaints.console")


class Console:
    """What every page needs: settings, the channels to the services, the templates."""

    def __init__(self, settings: ConsoleSettings, backends: Backends) -> None:
        self.settings = settings
        self.backends = backends
        self.templates = Environment(loader=FileSystemLoader(HERE / "templates"),
                                     autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
        self.templates.filters.update(percent=percent, points=points)
        self.snapshots = Snapshots(settings.snapshot_seconds)

    def session(self, request: Request) -> Session:
        return self.backends.session(token(request))

    def snapshot(self, request: Request, key: tuple, load) -> Snapshot:
        """A read that scans, at most ``snapshot_seconds`` old, shown once a service accepted the
        caller's token (a lookup by id: a case that does not exist answers NOT_FOUND, not a refusal)."""
        session = self.session(request)
        return self.snapshots.get(token(request), key, load, verify=lambda: session.optional(
            "intake", "GetCase", intake_service_pb2.GetCaseRequest(case_id="console-token-check")))

    def listed(self, request: Request, service: str, method: str, message, timeout: float = 120.0) -> Snapshot:
        """A list or search answer through the snapshots, keyed by the request itself: with 10,000
        cases the services scan for these (sorts and filters no index holds whole on SecantusDB)."""
        session = self.session(request)
        key = (service, method, message.SerializeToString(deterministic=True))
        return self.snapshot(request, key, lambda: session.call(service, method, message, timeout))

    def render(self, request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
        lang = language(request)
        query = {key: value for key, value in request.query_params.items() if key != "lang"}
        other = "en" if lang == "zh" else "zh"
        page = self.templates.get_template(template).render(
            t=i18n.translator(lang), lang=lang, nav=NAV, path=request.url.path,
            switch_url=f"{request.url.path}?{urlencode({**query, 'lang': other})}",
            user=user_name(request), signed_in=bool(request.cookies.get(TOKEN_COOKIE)),
            zone=self.settings.timezone, local_text=local_text, **context)
        response = HTMLResponse(page, status_code=status)
        if request.query_params.get("lang") in i18n.LANGUAGES:
            response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
        return response

    def refused(self, request: Request, refusal: ServiceRefusal, template: str = "error.html", **context) -> Response:
        """The page says what was refused and why; the log says which call."""
        log.warning("call refused", extra={"fields": {"backend": refusal.service, "method": refusal.method,
                                                      "code": refusal.code.name, "path": request.url.path}})
        return self.render(request, template, status=STATUS_OF[refusal.kind], error=refusal, **context)


def token(request: Request) -> str:
    return request.cookies.get(TOKEN_COOKIE, "")


def language(request: Request) -> str:
    return i18n.pick(request.query_params.get("lang") or request.cookies.get(LANG_COOKIE))


def user_name(request: Request) -> str:
    """Who the person said they are at sign-in: the ``by``/``supervisor``/``operator`` of their commands."""
    return request.cookies.get(NAME_COOKIE, "") or "console"


def form_value(form, name: str, limit: int = 500) -> str:
    return str(form.get(name) or "").strip()[:limit]


def build(settings: ConsoleSettings, backends: Backends | None = None) -> Starlette:
    from . import pages

    console = Console(settings, backends or Backends(settings.targets, settings.grpc_ca_file))
    routes = [Route(path, endpoint, methods=methods) for path, endpoint, methods in pages.routes(console)]
    async def sign_in(request: Request) -> Response:
        return await login(console, request)

    warmer: Warmer | None = None

    def ready(request: Request) -> Response:
        if warmer is None or warmer.ready:
            return PlainTextResponse("ok")
        return PlainTextResponse("warming the standard views", status_code=503)

    routes += [Route("/login", sign_in, methods=["GET", "POST"]),
               Route("/logout", logout, methods=["POST"]),
               Route("/healthz", lambda request: PlainTextResponse("ok")),
               Route("/readyz", ready),
               Mount("/static", StaticFiles(directory=HERE / "static"), name="static")]

    @contextlib.asynccontextmanager
    async def lifespan(app):
        warming = asyncio.create_task(warmer.run()) if warmer else None
        yield
        if warming:
            warming.cancel()
        console.backends.close()

    app = Starlette(routes=routes, lifespan=lifespan)
    if settings.warm:
        warmer = Warmer(app, settings.warm_token, settings.snapshot_seconds, TOKEN_COOKIE)
    app.state.warmer = warmer
    app.add_middleware(_TimingMiddleware)
    return app


async def login(console: Console, request: Request) -> Response:
    """The person gives their bearer token (the one the services know them by) and their name."""
    if request.method == "GET":
        return console.render(request, "login.html")
    form = await request.form()
    account = form_value(form, "name", 64)
    if not ACCOUNT.match(account):
        # the services take it as the supervisor, the urger or the operator: an id, not a display name
        return console.render(request, "login.html", status=400,
                              problem=f"name: an account id such as sup-zhang (letters, digits, . _ : -), got {account!r}")
    response = RedirectResponse("/", status_code=303)
    options = {"httponly": True, "samesite": "strict", "secure": console.settings.secure_cookies,
               "max_age": 12 * 3600}
    response.set_cookie(TOKEN_COOKIE, form_value(form, "token", 4096), **options)
    response.set_cookie(NAME_COOKIE, account, **options)
    return response


async def logout(request: Request) -> Response:
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(TOKEN_COOKIE)
    response.delete_cookie(NAME_COOKIE)
    return response


class _TimingMiddleware:
    """Each page's time in a structured log line and a Server-Timing header (the bench reads it)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        # the warmer's loads every half minute would drown people's in the log
        level = logging.DEBUG if (WARMING_HEADER.encode(), b"1") in scope.get("headers", ()) else logging.INFO

        async def timed(message) -> None:
            if message["type"] == "http.response.start":
                elapsed = (time.perf_counter() - started) * 1000
                message["headers"] = [*message.get("headers", []), (b"server-timing", f"page;dur={elapsed:.1f}".encode())]
                log.log(level, "page", extra={"fields": {"path": scope["path"], "status": message["status"],
                                                         "ms": round(elapsed, 1)}})
            await send(message)

        await self.app(scope, receive, timed)
