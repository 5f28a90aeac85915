"""One user's administration page (edit, deactivate, unlock, reset, revoke) and every user's own account page.

Plain server-rendered forms, each with the session's CSRF token; every refusal re-renders the page with the reason
and the status of the error, and is recorded in the audit log as denied.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from peel.accounts import service as admin
from peel.core.errors import InvalidInput, PeelError
from peel.identity import service
from peel.identity.policy import ROLES
from peel.platform import Platform
from peel.web.deps import Authorize, Ctx, PlatformDep
from peel.workforce.models import Team

router = APIRouter(include_in_schema=False)
Username = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._]+$")]
Action = Literal["deactivate", "reactivate", "unlock", "reset-password", "revoke-sessions"]
DONE = {
    "edited": "Saved.",
    "deactivate": "Deactivated: every session and token of this user has ended.",
    "reactivate": "Reactivated: the user can sign in again.",
    "unlock": "Unlocked: failed sign-ins are forgotten and the flag is cleared.",
    "revoke-sessions": "Every session and token of this user has ended.",
    "password": "Your password is changed; your other sessions have ended.",
    "sessions": "Your other sessions have ended.",
}


def _user_page(
    request: Request, platform: Platform, ctx: Ctx, username: str, status: int = 200, **extra: Any
) -> Response:
    ctx.uow.session.rollback()
    user = admin.get_user(ctx.uow, username, for_update=False)
    statuses = {s.username: s for s in admin.list_users(ctx.uow)}
    teams = list(ctx.uow.session.execute(select(Team).order_by(Team.name)).scalars())
    team = next((t.name for t in teams if t.id == user.team_id), "")
    ctx.uow.commit()
    context = {"principal": ctx.principal, "user": statuses[user.username], "team": team, "teams": teams}
    context |= {"roles": ROLES, "error": "", "notice": "", "secret": "", **extra}
    return platform.templates.TemplateResponse(request, "user_admin.html", context, status_code=status)


def _refused(request: Request, platform: Platform, ctx: Ctx, username: str, exc: PeelError) -> Response:
    ctx.uow.record_outcome(ctx.action, "user", username, "denied", exc.detail)
    return _user_page(request, platform, ctx, username, exc.status, error=exc.detail)


@router.get("/admin/users/{username}", response_class=HTMLResponse)
def user_page(
    request: Request,
    platform: PlatformDep,
    ctx: Annotated[Ctx, Depends(Authorize("user.list"))],
    username: Username,
    done: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    return _user_page(request, platform, ctx, username, notice=DONE.get(done, ""))


@router.post("/admin/users/{username}", response_class=HTMLResponse)
def user_edit(
    request: Request,
    platform: PlatformDep,
    ctx: Annotated[Ctx, Depends(Authorize("user.manage"))],
    username: Username,
    display_name: Annotated[str, Form(max_length=120)],
    role: Annotated[str, Form(max_length=32)],
    team: Annotated[str, Form(max_length=80)] = "",
) -> Response:
    try:
        user = admin.edit_user(ctx.uow, username, display_name, role, team)
    except PeelError as exc:
        return _refused(request, platform, ctx, username, exc)
    ctx.uow.commit()
    return RedirectResponse(f"/admin/users/{user.username}?done=edited", status_code=303)


@router.post("/admin/users/{username}/{action}", response_class=HTMLResponse)
def user_action(
    request: Request,
    platform: PlatformDep,
    ctx: Annotated[Ctx, Depends(Authorize("user.manage"))],
    username: Username,
    action: Action,
) -> Response:
    try:
        secret = ""
        if action == "deactivate":
            admin.deactivate(ctx.uow, username)
        elif action == "reactivate":
            admin.reactivate(ctx.uow, username)
        elif action == "unlock":
            admin.unlock(ctx.uow, username)
        elif action == "reset-password":
            secret = admin.reset_password(ctx.uow, username)
        else:
            admin.revoke_all(ctx.uow, username)
    except PeelError as exc:
        return _refused(request, platform, ctx, username, exc)
    ctx.uow.commit()
    if secret:
        # Shown once, in this response only: never in a URL, a log line or the audit log.
        return _user_page(request, platform, ctx, username, secret=secret)
    return RedirectResponse(f"/admin/users/{username.lower()}?done={action}", status_code=303)


def _account_page(request: Request, platform: Platform, ctx: Ctx, status: int = 200, **extra: Any) -> Response:
    context = {"principal": ctx.principal, "error": "", "notice": "", **extra}
    return platform.templates.TemplateResponse(request, "account.html", context, status_code=status)


@router.get("/account", response_class=HTMLResponse)
def account_page(
    request: Request,
    platform: PlatformDep,
    ctx: Annotated[Ctx, Depends(Authorize("account.self"))],
    done: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    ctx.uow.audit("account.self", "user", ctx.principal.username, detail="own account page")
    ctx.uow.commit()
    return _account_page(request, platform, ctx, notice=DONE.get(done, ""))


@router.post("/account/password", response_class=HTMLResponse)
def account_password(
    request: Request,
    platform: PlatformDep,
    ctx: Annotated[Ctx, Depends(Authorize("account.self"))],
    current_password: Annotated[str, Form(max_length=200)],
    new_password: Annotated[str, Form(max_length=200)],
    confirm_password: Annotated[str, Form(max_length=200)],
) -> Response:
    try:
        if new_password != confirm_password:
            raise InvalidInput("the two new passwords are not the same")
        service.change_own_password(ctx.uow, ctx.principal, current_password, new_password, platform.passwords)
    except PeelError as exc:
        ctx.uow.record_outcome("account.password", "user", ctx.principal.username, "denied", exc.detail)
        return _account_page(request, platform, ctx, exc.status, error=exc.detail)
    ctx.uow.commit()
    return RedirectResponse("/account?done=password", status_code=303)


@router.post("/account/sessions/revoke", response_class=HTMLResponse)
def account_revoke(
    ctx: Annotated[Ctx, Depends(Authorize("account.self"))],
) -> Response:
    service.revoke_own_other_sessions(ctx.uow, ctx.principal)
    ctx.uow.commit()
    return RedirectResponse("/account?done=sessions", status_code=303)
