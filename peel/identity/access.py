"""Applying the policy to records: work out the user's relation to a record, decide, audit the decision."""

from __future__ import annotations

from sqlalchemy import Select, exists, select

from peel.core.clock import utcnow
from peel.core.errors import Forbidden, InvalidInput
from peel.db.uow import UnitOfWork
from peel.identity import policy
from peel.identity.models import AccessGrant, User


def has_grant(uow: UnitOfWork, object_type: str, object_id: int) -> bool:
    if uow.actor.user_id is None:
        return False
    stmt = select(
        exists().where(
            AccessGrant.object_type == object_type,
            AccessGrant.object_id == object_id,
            AccessGrant.user_id == uow.actor.user_id,
        )
    )
    return bool(uow.session.execute(stmt).scalar())


def relation_to(
    uow: UnitOfWork, object_type: str, object_id: int, team_id: int | None, restricted: bool
) -> policy.Relation:
    return policy.Relation(
        same_team=team_id is not None and team_id == uow.actor.team_id,
        shared_with_me=has_grant(uow, object_type, object_id),
        restricted=restricted,
    )


def require(
    uow: UnitOfWork,
    action: str,
    object_type: str,
    object_id: int,
    ref: str,
    *,
    team_id: int | None = None,
    restricted: bool = False,
) -> None:
    """Allow and audit, or audit the denial durably and raise Forbidden."""
    relation = relation_to(uow, object_type, object_id, team_id, restricted)
    if policy.may(uow.actor.role, action, relation):
        uow.audit(action, object_type, ref)
        return
    uow.record_outcome(action, object_type, ref, "denied", "no access to this record")
    raise Forbidden("you do not have access to this record")


def granted_ids(uow: UnitOfWork, object_type: str) -> Select[int]:
    """A subquery of the ids of ``object_type`` records granted to the acting user."""
    return select(AccessGrant.object_id).where(
        AccessGrant.object_type == object_type, AccessGrant.user_id == uow.actor.user_id
    )


def grant(uow: UnitOfWork, object_type: str, object_id: int, user_id: int) -> None:
    """Name a user who may see a record (a restricted one, or a case shared with them); granting twice is harmless."""
    exists = uow.session.execute(
        select(AccessGrant.id).where(
            AccessGrant.object_type == object_type,
            AccessGrant.object_id == object_id,
            AccessGrant.user_id == user_id,
        )
    ).first()
    if exists is None:
        uow.session.add(
            AccessGrant(
                object_type=object_type,
                object_id=object_id,
                user_id=user_id,
                granted_by=uow.actor.user_id,
                granted_at=utcnow(),
            )
        )


def user_named(uow: UnitOfWork, username: str) -> User:
    user = uow.session.execute(select(User).where(User.username == username.lower())).scalar_one_or_none()
    if user is None:
        raise InvalidInput(f"no user called {username!r}")
    return user
