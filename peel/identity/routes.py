"""Identity over the API: bearer tokens, the caller's account, and user administration."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from peel.accounts import service as admin
from peel.db.uow import Actor
from peel.identity import service
from peel.identity.policy import ROLES
from peel.web.deps import Authorize, Ctx, PlatformDep, Public, client_ip, request_id
from peel.workforce.models import Team

router = APIRouter(prefix="/api/v1", tags=["identity"])


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    role: str


class MeOut(BaseModel):
    username: str
    display_name: str
    role: str
    team: str | None


class UserOut(BaseModel):
    username: str
    display_name: str
    role: str
    team: str | None
    active: bool
    locked: bool
    flagged: bool = False
    must_change_password: bool = False
    last_login_at: datetime | None = None


class PasswordChangeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=1, max_length=200)


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._]+$")
    display_name: str = Field(min_length=1, max_length=120)
    role: str = Field(max_length=32, description=f"one of {', '.join(ROLES)}")
    password: str = Field(min_length=12, max_length=200)
    team: str | None = Field(None, max_length=80)


@router.post("/auth/token", response_model=TokenOut, dependencies=[Depends(Public("public.login"))])
def issue_token(
    request: Request,
    platform: PlatformDep,
    username: Annotated[str, Form(min_length=1, max_length=64)],
    password: Annotated[str, Form(min_length=1, max_length=200)],
) -> TokenOut:
    """Exchange a username and password (form-encoded, as in OAuth2's password flow) for a bearer token."""
    actor = Actor(None, username.strip().lower()[:64], "anonymous", None, client_ip(request), request_id(request))
    with platform.uow(actor) as uow:
        token, principal = service.login(
            uow, username, password, "bearer", platform.login_policy, platform.passwords, client_ip(request)
        )
    return TokenOut(
        access_token=token,
        expires_in=int(platform.login_policy.token_life.total_seconds()),
        role=principal.role,
    )


@router.get("/auth/me", response_model=MeOut)
def me(ctx: Annotated[Ctx, Depends(Authorize("account.self"))]) -> MeOut:
    p = ctx.principal
    team = ctx.uow.session.get(Team, p.team_id) if p.team_id else None
    ctx.uow.commit()
    return MeOut(username=p.username, display_name=p.display_name, role=p.role, team=team.name if team else None)


@router.post("/auth/logout", status_code=204)
def logout(ctx: Annotated[Ctx, Depends(Authorize("account.self"))]) -> None:
    service.logout(ctx.uow, ctx.principal.session_id)


@router.post("/auth/password", status_code=204)
def change_password(
    body: PasswordChangeIn, platform: PlatformDep, ctx: Annotated[Ctx, Depends(Authorize("account.self"))]
) -> None:
    """Change your own password (also after an administrator's reset); your other sessions and tokens end."""
    service.change_own_password(ctx.uow, ctx.principal, body.current_password, body.new_password, platform.passwords)
    ctx.uow.commit()


@router.get("/users", response_model=list[UserOut])
def list_users(ctx: Annotated[Ctx, Depends(Authorize("user.list"))]) -> list[UserOut]:
    out = [UserOut(**vars(status)) for status in admin.list_users(ctx.uow)]
    ctx.uow.commit()
    return sorted(out, key=lambda u: u.username)


@router.post("/users", response_model=UserOut, status_code=201)
def create_user(body: UserIn, ctx: Annotated[Ctx, Depends(Authorize("user.manage"))]) -> UserOut:
    team_id = None
    if body.team:
        team_id = ctx.uow.session.execute(select(Team.id).where(Team.name == body.team)).scalar_one_or_none()
        if team_id is None:
            from peel.core.errors import InvalidInput

            raise InvalidInput(f"no team called {body.team!r}")
    user = service.create_user(ctx.uow, body.username, body.display_name, body.role, body.password, team_id)
    ctx.uow.commit()
    return UserOut(
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        team=body.team,
        active=True,
        locked=False,
    )
