"""Request dependencies: who is calling (cookie or bearer token), CSRF, and the per-route policy check.

Every route depends on exactly one ``Authorize(action)`` or ``Public(action)``; a test walks the routes and
fails on any route without one, and ``create_app`` refuses to start if a route names an unknown action.
"""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, FastAPI, Path, Request
from fastapi.routing import APIRoute, iter_route_contexts

from peel.core.errors import Forbidden, InvalidInput, NotAuthenticated, PasswordChangeRequired
from peel.db.uow import Actor, UnitOfWork
from peel.identity import policy
from peel.identity.service import Principal, authenticate
from peel.platform import Platform

COOKIE = "peel_session"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def get_platform(request: Request) -> Platform:
    platform: Platform = request.app.state.platform
    return platform


PlatformDep = Annotated[Platform, Depends(get_platform)]
# A numeric record id in a path: bounded so an absurd id is a 422, not an overflow in the database driver.
RecordId = Annotated[int, Path(ge=1, le=2_147_483_647, description="record id")]


def request_id(request: Request) -> str:
    rid: str = getattr(request.state, "request_id", "") or str(uuid.uuid4())
    return rid


def client_request_id(request: Request) -> str:
    rid: str = getattr(request.state, "client_request_id", "")
    return rid


PURPOSE_HEADER = "x-peel-purpose"
MAX_PURPOSE = 200


def purpose(request: Request) -> str:
    """Why the user says they are reading: the ``X-Peel-Purpose`` header or a ``purpose`` query parameter."""
    given = request.headers.get(PURPOSE_HEADER) or request.query_params.get("purpose") or ""
    given = given.strip()
    if len(given) > MAX_PURPOSE or not given.isprintable():
        raise InvalidInput(f"purpose must be at most {MAX_PURPOSE} printable characters")
    return given


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


async def submitted_csrf(request: Request) -> str | None:
    """The CSRF token sent with an unsafe request: a header for scripts, a hidden field for forms."""
    if request.method not in UNSAFE:
        return None
    header = request.headers.get("x-csrf-token")
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get("csrf_token")
        return value if isinstance(value, str) else None
    return None


@dataclass
class Ctx:
    """An authorised request: the caller, and the unit of work their request runs in."""

    principal: Principal
    uow: UnitOfWork
    action: str


class Authorize:
    """Dependency for a staff route: authenticate, check CSRF for cookie sessions, check the policy.

    A safe request (GET, HEAD, OPTIONS) runs in a read unit of work, which takes no writer lock; an unsafe one
    in a write unit of work. When the route returns, the dependency commits (so a route that forgets to commit
    still writes its audit entries); when it raises, the work rolls back. ``commit_before_response`` makes that
    commit run before the response is sent, so a failed commit becomes an error response, never a 200.
    """

    def __init__(self, action: str) -> None:
        self.action = action

    def __call__(
        self,
        request: Request,
        platform: PlatformDep,
        csrf: Annotated[str | None, Depends(submitted_csrf)],
    ) -> Iterator[Ctx]:
        anonymous = Actor(
            None,
            "",
            "anonymous",
            None,
            client_ip(request),
            request_id(request),
            purpose=purpose(request),
            client_request_id=client_request_id(request),
        )
        with platform.uow(anonymous, read_only=request.method not in UNSAFE) as uow:
            principal = _principal(request, uow, platform)
            uow.actor = Actor(
                principal.user_id,
                principal.username,
                principal.role,
                principal.team_id,
                anonymous.source_ip,
                anonymous.request_id,
                anonymous.purpose,
                anonymous.client_request_id,
            )
            request.state.principal = principal
            needs_csrf = principal.kind == "cookie" and request.method in UNSAFE
            if needs_csrf and (not csrf or not hmac.compare_digest(csrf, principal.csrf_token)):
                uow.record_outcome(self.action, "request", request.url.path, "denied", "missing CSRF token")
                raise Forbidden("the form has expired or did not come from Peel; reload the page and retry")
            if principal.must_change_password and self.action != "account.self":
                # An administrator reset the password: nothing but changing it until it is changed.
                uow.record_outcome(self.action, "route", request.url.path, "denied", "password change required")
                raise PasswordChangeRequired("your password was reset: choose a new one on your account page first")
            if not policy.may_attempt(principal.role, self.action):
                uow.record_outcome(self.action, "route", request.url.path, "denied", "role not permitted")
                raise Forbidden(f"your role ({principal.role}) may not do this ({self.action})")
            yield Ctx(principal, uow, self.action)
            uow.commit()  # a no-op when the route already committed everything


class Public:
    """Marks a route that needs no login; the action names it in the policy's public list."""

    def __init__(self, action: str) -> None:
        self.action = action

    def __call__(self) -> None:
        return None


def _principal(request: Request, uow: UnitOfWork, platform: Platform) -> Principal:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return authenticate(uow, auth[7:].strip(), "bearer", platform.login_policy)
    cookie = request.cookies.get(COOKIE)
    if cookie:
        return authenticate(uow, cookie, "cookie", platform.login_policy)
    raise NotAuthenticated("sign in to continue")


def optional_principal(request: Request, platform: Platform) -> Principal | None:
    """For public pages that adapt to a signed-in user (e.g. the home page's navigation)."""
    actor = Actor(None, "", "anonymous", None, client_ip(request), request_id(request))
    try:
        with platform.uow(actor, read_only=True) as uow:
            principal = _principal(request, uow, platform)
            uow.commit()
            return principal
    except NotAuthenticated:
        return None


def commit_before_response(app: FastAPI) -> None:
    """Run every route's ``Authorize`` exit (its commit) before the response is sent.

    FastAPI runs a yield dependency's exit code after the response has gone out unless the dependency is
    declared with ``scope="function"``. Routes write ``Depends(Authorize(...))``; this sets that scope on each
    of them once the routes are known (at assembly and again at start-up, for routes added in between).
    """
    for info in app_routes(app):
        stack = [getattr(info.route, "dependant", None)]
        while stack:
            node = stack.pop()
            if node is None:
                continue
            if isinstance(node.call, Authorize):
                node.scope = "function"
            stack.extend(node.dependencies)


@dataclass(frozen=True)
class RouteInfo:
    path: str
    methods: frozenset[str]
    action: str | None
    route: APIRoute


def app_routes(app: FastAPI) -> list[RouteInfo]:
    """Every API route of the app with its full path, wherever it was included (routers are nested)."""
    out: list[RouteInfo] = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute):
            methods = frozenset(context.methods or route.methods or ())
            out.append(RouteInfo(str(context.path), methods, route_action(route), route))
    return out


def route_action(route: object) -> str | None:
    """The action a route declares through Authorize/Public, found by walking its dependencies."""
    dependant = getattr(route, "dependant", None)
    stack = [dependant] if dependant is not None else []
    while stack:
        node = stack.pop()
        call = getattr(node, "call", None)
        if isinstance(call, Authorize | Public):
            return call.action
        stack.extend(getattr(node, "dependencies", []))
    return None
