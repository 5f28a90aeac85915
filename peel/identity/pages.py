"""Sign-in and sign-out pages, and the user administration list (one user's page is in ``admin_pages``)."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from peel.accounts import service as admin
from peel.core.errors import NotAuthenticated, PeelError
from peel.db.uow import Actor
from peel.identity import service
from peel.identity.policy import ROLES
from peel.web.deps import COOKIE, Authorize, Ctx, PlatformDep, Public, client_ip, request_id
from peel.workforce.models import Team

router = APIRouter(include_in_schema=False)
LOGIN_CSRF = "peel_login_csrf"


def _safe_next(target: str) -> str:
    # Only same-site paths: never redirect a freshly signed-in user to another site.
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.get("/login", response_class=HTMLResponse, dependencies=[Depends(Public("public.login"))])
def login_page(
    request: Request, platform: PlatformDep, next: Annotated[str, Query(max_length=200)] = "/"
) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    response = platform.templates.TemplateResponse(
        request, "login.html", {"principal": None, "next": _safe_next(next), "csrf": token, "error": ""}
    )
    response.set_cookie(LOGIN_CSRF, token, httponly=True, samesite="strict", secure=platform.settings.cookie_secure)
    return response


@router.post("/login", dependencies=[Depends(Public("public.login"))])
def login_submit(
    request: Request,
    platform: PlatformDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=200)],
    csrf_token: Annotated[str, Form(max_length=64)] = "",
    next: Annotated[str, Form(max_length=200)] = "/",
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF, "")
    error = ""
    status = 401
    if not expected or not hmac.compare_digest(expected, csrf_token):
        error, status = "The sign-in form expired. Please try again.", 403
    else:
        actor = Actor(None, username.strip().lower()[:64], "anonymous", None, client_ip(request), request_id(request))
        try:
            with platform.uow(actor) as uow:
                token, principal = service.login(
                    uow, username, password, "cookie", platform.login_policy, platform.passwords, client_ip(request)
                )
        except NotAuthenticated as exc:
            error, status = exc.detail[:1].upper() + exc.detail[1:] + ".", exc.status
        except PeelError as exc:
            error, status = exc.detail, exc.status
        else:
            # After an administrator's reset the only way on is to choose a new password.
            target = "/account" if principal.must_change_password else _safe_next(next)
            response: Response = RedirectResponse(target, status_code=303)
            response.set_cookie(COOKIE, token, httponly=True, samesite="lax", secure=platform.settings.cookie_secure)
            response.delete_cookie(LOGIN_CSRF)
            return response
    fresh = secrets.token_urlsafe(24)
    response = platform.templates.TemplateResponse(
        request,
        "login.html",
        {"principal": None, "next": _safe_next(next), "csrf": fresh, "error": error, "username": username},
        status_code=status,
    )
    response.set_cookie(LOGIN_CSRF, fresh, httponly=True, samesite="strict", secure=platform.settings.cookie_secure)
    return response


@router.post("/logout")
def logout_submit(ctx: Annotated[Ctx, Depends(Authorize("account.self"))]) -> Response:
    service.logout(ctx.uow, ctx.principal.session_id)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(
    request: Request, platform: PlatformDep, ctx: Annotated[Ctx, Depends(Authorize("user.list"))]
) -> HTMLResponse:
    users = admin.list_users(ctx.uow)
    teams = list(ctx.uow.session.execute(select(Team).order_by(Team.name)).scalars())
    ctx.uow.commit()
    return platform.templates.TemplateResponse(
        request,
        "users.html",
        {"principal": ctx.principal, "users": users, "teams": teams, "roles": ROLES, "error": "", "form": {}},
    )


@router.post("/admin/users", response_class=HTMLResponse)
def users_create(
    request: Request,
    platform: PlatformDep,
    ctx: Annotated[Ctx, Depends(Authorize("user.manage"))],
    username: Annotated[str, Form(max_length=64)],
    display_name: Annotated[str, Form(max_length=120)],
    role: Annotated[str, Form(max_length=32)],
    password: Annotated[str, Form(max_length=200)],
    team: Annotated[str, Form(max_length=80)] = "",
) -> Response:
    try:
        team_id = None
        if team:
            team_id = ctx.uow.session.execute(select(Team.id).where(Team.name == team)).scalar_one_or_none()
        service.create_user(ctx.uow, username, display_name, role, password, team_id)
    except PeelError as exc:
        ctx.uow.session.rollback()
        users = admin.list_users(ctx.uow)
        teams = list(ctx.uow.session.execute(select(Team).order_by(Team.name)).scalars())
        ctx.uow.session.rollback()
        return platform.templates.TemplateResponse(
            request,
            "users.html",
            {
                "principal": ctx.principal,
                "users": users,
                "teams": teams,
                "roles": ROLES,
                "error": exc.detail,
                "form": {"username": username, "display_name": display_name, "role": role, "team": team},
            },
            status_code=exc.status,
        )
    ctx.uow.commit()
    return RedirectResponse("/admin/users", status_code=303)
