"""Application assembly: ``create_app(settings)`` wires storage, audit, events, routes and pages."""

from __future__ import annotations

import asyncio
import gc
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from peel import __version__
from peel.audit.store import AuditStore, SqlAuditStore
from peel.contact.ratelimit import InMemoryRateLimiter, RateLimiter, RatePolicy
from peel.core.clock import format_local
from peel.db.engine import make_engine, make_session_factory
from peel.events.bus import EventBus, InProcessBus, RedisBus
from peel.events.relay import OutboxRelay
from peel.identity import policy
from peel.identity.service import LoginPolicy
from peel.settings import Settings
from peel.web import navigation, openapi, problems
from peel.web.deps import app_routes, commit_before_response
from peel.web.platform import Platform

HERE = Path(__file__).parent
log = logging.getLogger(__name__)


def create_app(
    settings: Settings | None = None, *, audit_store: AuditStore | None = None, bus: EventBus | None = None
) -> FastAPI:
    settings = settings or Settings()
    engine = make_engine(
        settings.database_url, settings.sqlite_synchronous, busy_seconds=settings.database_busy_seconds
    )
    sessions = make_session_factory(engine)
    key = settings.secret_key.get_secret_value().encode()
    bus = bus or (RedisBus(settings.redis_url) if settings.redis_url else InProcessBus())
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(
        force_name=settings.force_name,
        timezone=settings.timezone,
        version=__version__,
        nav_for=navigation.nav_for,
        local_time=lambda moment: format_local(moment, settings.timezone),
    )
    platform = Platform(
        settings=settings,
        engine=engine,
        sessions=sessions,
        audit=audit_store or SqlAuditStore(key, settings.audit_checkpoint_every),
        bus=bus,
        relay=OutboxRelay(sessions, bus, settings.outbox_poll_seconds),
        templates=templates,
        login_policy=LoginPolicy(
            threshold=settings.lockout_threshold,
            lockout=_minutes(settings.lockout_minutes),
            idle=_minutes(settings.session_idle_minutes),
            token_life=_minutes(60 * settings.token_hours),
        ),
        limiter=_limiter(settings),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        commit_before_response(app)
        await asyncio.to_thread(_warm_up, platform)
        await platform.bus.start()
        await platform.relay.start()
        # What start-up built (the road graph, routes, templates) lives as long as the process: keep it out of
        # the collector's full passes, which otherwise make the slowest requests (the contact bench saw ~100 ms).
        gc.freeze()
        try:
            yield
        finally:
            await platform.relay.stop()
            await platform.bus.stop()
            engine.dispose()

    from starlette.middleware.gzip import GZipMiddleware

    app = FastAPI(
        title="Peel",
        version=__version__,
        description="Open digital policing platform. Staff routes need a bearer token from /api/v1/auth/token.",
        lifespan=lifespan,
    )
    app.state.platform = platform
    problems.install(app)
    _middleware(app)
    app.add_middleware(GZipMiddleware, minimum_size=2048)
    _routes(app)
    _static(app, settings)
    check_routes(app)
    commit_before_response(app)
    openapi.install(app)
    return app


def _limiter(settings: Settings) -> RateLimiter:
    """Public submissions: shared through Redis across processes when configured, else per process."""
    policy = RatePolicy(capacity=settings.public_reports_per_minute, per_minute=settings.public_reports_per_minute)
    if settings.redis_url:
        from peel.contact.ratelimit_redis import RedisRateLimiter

        return RedisRateLimiter(settings.redis_url, policy)
    return InMemoryRateLimiter(policy)


def _minutes(n: int) -> timedelta:
    return timedelta(minutes=n)


def _warm_up(platform: Platform) -> None:
    """Load the road graph before the first request needs it; a missing graph only disables the map."""
    try:
        platform.roads().warm_up()
    except (OSError, ValueError) as exc:
        log.warning("road graph %s not loaded: %s", platform.settings.road_graph, exc)


def _routes(app: FastAPI) -> None:
    from peel.analytics.patrol import pages as patrol_pages
    from peel.analytics.patrol import routes as patrol_routes
    from peel.analytics.workspace import pages as analytics_pages
    from peel.analytics.workspace import routes as analytics_routes
    from peel.audit import routes as audit_routes
    from peel.cases import routes as case_routes
    from peel.contact import pages as contact_pages
    from peel.contact import public as contact_public
    from peel.contact import routes as contact_routes
    from peel.contact.open311 import routes as open311_routes
    from peel.events import routes as event_routes
    from peel.identity import pages as identity_pages
    from peel.identity import routes as identity_routes
    from peel.incidents import pages as incident_pages
    from peel.incidents import routes as incident_routes
    from peel.people import pages as people_pages
    from peel.people import routes as people_routes
    from peel.web import pages as shell_pages
    from peel.workforce import routes as workforce_routes

    for module in (
        shell_pages,
        identity_routes,
        identity_pages,
        incident_routes,
        incident_pages,
        people_routes,
        people_pages,
        workforce_routes,
        case_routes,
        contact_routes,
        contact_pages,
        contact_public,
        open311_routes,
        audit_routes,
        event_routes,
        analytics_routes,
        analytics_pages,
        patrol_routes,
        patrol_pages,
    ):
        app.include_router(module.router)


def _static(app: FastAPI, settings: Settings) -> None:
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    leaflet = settings.assets_dir / "leaflet" / "dist"
    if leaflet.is_dir():
        app.mount("/vendor/leaflet", StaticFiles(directory=str(leaflet)), name="leaflet")


def _middleware(app: FastAPI) -> None:
    @app.middleware("http")
    async def request_context(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        incoming = request.headers.get("x-request-id", "")
        request.state.request_id = (
            incoming if 8 <= len(incoming) <= 64 and incoming.isprintable() else str(uuid.uuid4())
        )
        if "\x00" in request.url.path or "\x00" in unquote(request.url.query):
            # No store can keep a NUL character and no legitimate input contains one.
            refused = problems.problem(422, "Invalid input", "the address contains a NUL character")
            refused.headers["X-Request-ID"] = request.state.request_id
            return refused
        response = await call_next(request)
        response.headers["X-Request-ID"] = request.state.request_id
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.url.path.startswith("/api/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def check_routes(app: FastAPI) -> None:
    """Deny by default: refuse to start when a route names no action or one the policy does not know."""
    routes = app_routes(app)
    if not routes:
        raise RuntimeError("no API routes found: the route index cannot see the app's routers")
    for info in routes:
        if info.action is None or not policy.known_action(info.action):
            raise RuntimeError(f"route {info.path} has no entry in the access policy (action={info.action!r})")
