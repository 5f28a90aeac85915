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
from peel.audit.file_witness import FileWitness
from peel.audit.store import AuditStore, SqlAuditStore
from peel.core.capability import Capability, installed, resolve
from peel.core.clock import Clock, format_local, utcnow
from peel.core.ratelimit import InMemoryRateLimiter, RateLimiter, RatePolicy
from peel.db.engine import make_engine, make_session_factory
from peel.events.bus import EventBus, InProcessBus, RedisBus
from peel.events.relay import OutboxRelay
from peel.identity import policy
from peel.identity.passwords import Passwords
from peel.identity.service import LoginPolicy
from peel.jobs.service import Jobs
from peel.jobs.sql import SqlJobQueue
from peel.jobs.worker import JobHandlers, JobWorker
from peel.platform import Platform
from peel.settings import Settings
from peel.web import navigation, openapi, problems, security
from peel.web.deps import app_routes, commit_before_response

HERE = Path(__file__).parent
log = logging.getLogger(__name__)


def create_app(
    settings: Settings | None = None,
    *,
    audit_store: AuditStore | None = None,
    bus: EventBus | None = None,
    clock: Clock = utcnow,
) -> FastAPI:
    """The app, wired from settings; tests may pass fakes for the audit store and bus, and a manual clock."""
    settings = settings or Settings()
    engine = make_engine(
        settings.database_url, settings.sqlite_synchronous, busy_seconds=settings.database_busy_seconds
    )
    sessions = make_session_factory(engine)
    key = settings.secret_key.get_secret_value().encode()
    witness = FileWitness(settings.audit_witness_path)
    bus = bus or (RedisBus(settings.redis_url) if settings.redis_url else InProcessBus())
    capabilities = installed()
    templates = _templates(settings, capabilities)
    platform = Platform(
        settings=settings,
        engine=engine,
        sessions=sessions,
        audit=audit_store or SqlAuditStore(key, settings.audit_checkpoint_every, witness, clock),
        witness=witness,
        bus=bus,
        relay=OutboxRelay(
            sessions, bus, settings.outbox_poll_seconds, timedelta(days=settings.outbox_retention_days), clock
        ),
        templates=templates,
        login_policy=LoginPolicy(
            threshold=settings.lockout_threshold,
            lockout=_minutes(settings.lockout_minutes),
            idle=_minutes(settings.session_idle_minutes),
            token_life=_minutes(60 * settings.token_hours),
            account_threshold=settings.lockout_account_threshold,
        ),
        # Built here, not at import: it makes the dummy argon2 hash that unknown usernames are verified against.
        passwords=Passwords(),
        limiter=_limiter(settings),
        clock=clock,
    )

    jobs = _jobs(platform, capabilities)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        commit_before_response(app)
        await asyncio.to_thread(_warm_up, platform)
        await platform.bus.start()
        await platform.relay.start()
        if settings.job_threads:
            jobs.worker.start()
        # What start-up built (the road graph, routes, templates) lives as long as the process: keep it out of
        # the collector's full passes, which otherwise make the slowest requests (the contact bench saw ~100 ms).
        gc.freeze()
        try:
            yield
        finally:
            await asyncio.to_thread(jobs.worker.stop)
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
    _middleware(app, settings.cookie_secure)
    app.add_middleware(GZipMiddleware, minimum_size=2048)
    _routes(app, capabilities)
    _static(app, settings)
    check_routes(app)
    commit_before_response(app)
    openapi.install(app)
    return app


def _limiter(settings: Settings) -> RateLimiter:
    """Public submissions: shared through Redis across processes when configured, else per process."""
    policy = RatePolicy(capacity=settings.public_reports_per_minute, per_minute=settings.public_reports_per_minute)
    if settings.redis_url:
        from peel.core.ratelimit_redis import RedisRateLimiter

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


def _jobs(platform: Platform, capabilities: tuple[Capability, ...]) -> Jobs:
    """The jobs service: the SQL queue, the handlers each capability's manifest registers, the worker."""
    settings = platform.settings
    handlers = JobHandlers()
    for capability in capabilities:
        for name in capability.jobs:
            resolve(name)(handlers, platform)
    queue = SqlJobQueue(platform.sessions)
    worker = JobWorker(
        queue,
        handlers,
        threads=max(1, settings.job_threads),
        poll_seconds=settings.job_poll_seconds,
        lease=timedelta(seconds=settings.job_lease_seconds),
        clock=platform.clock,
    )
    jobs = Jobs(queue, handlers, worker, settings.job_max_attempts)
    platform.use_jobs(jobs)
    return jobs


def _routes(app: FastAPI, capabilities: tuple[Capability, ...]) -> None:
    """Each installed capability's routers, in installation order."""
    for capability in capabilities:
        for name in capability.routers:
            module = resolve(name)
            app.include_router(module.router)


def _templates(settings: Settings, capabilities: tuple[Capability, ...]) -> Jinja2Templates:
    """Shared templates first, then each capability's own folder (a capability may add pages, not replace)."""
    folders = [HERE / "templates"]
    folders += [d for cap in capabilities if (d := cap.template_dir()) is not None and d != folders[0]]
    templates = Jinja2Templates(directory=[str(f) for f in folders])
    templates.env.globals.update(
        force_name=settings.force_name,
        timezone=settings.timezone,
        version=__version__,
        nav_for=navigation.nav_for,
        local_time=lambda moment: format_local(moment, settings.timezone),
    )
    return templates


def _static(app: FastAPI, settings: Settings) -> None:
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    leaflet = settings.assets_dir / "leaflet" / "dist"
    if leaflet.is_dir():
        app.mount("/vendor/leaflet", StaticFiles(directory=str(leaflet)), name="leaflet")


def _middleware(app: FastAPI, https_only: bool) -> None:
    @app.middleware("http")
    async def request_context(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        # The audit trusts only an id the server made; what the client sent is kept apart as its own id.
        incoming = request.headers.get("x-request-id", "")
        request.state.request_id = str(uuid.uuid4())
        request.state.client_request_id = incoming if len(incoming) <= 64 and incoming.isprintable() else ""
        if "\x00" in request.url.path or "\x00" in unquote(request.url.query):
            # No store can keep a NUL character and no legitimate input contains one.
            refused = problems.problem(422, "Invalid input", "the address contains a NUL character")
            refused.headers["X-Request-ID"] = request.state.request_id
            security.secure_headers(request.url.path, refused.headers, https_only=https_only)
            return refused
        response = await call_next(request)
        response.headers["X-Request-ID"] = request.state.request_id
        security.secure_headers(request.url.path, response.headers, https_only=https_only)
        return response


def check_routes(app: FastAPI) -> None:
    """Deny by default: refuse to start when a route names no action or one the policy does not know."""
    routes = app_routes(app)
    if not routes:
        raise RuntimeError("no API routes found: the route index cannot see the app's routers")
    for info in routes:
        if info.action is None or not policy.known_action(info.action):
            raise RuntimeError(f"route {info.path} has no entry in the access policy (action={info.action!r})")
