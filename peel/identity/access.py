"""The one access API: every record read, list, search, look-up and live event asks it, and it asks the policy.

Three questions, all answered from the table in ``peel.identity.policy``:

* ``require(uow, action, subject)`` — may the acting user do ``action`` to this record? Allowed: audited, returns.
  Denied: the denial is audited durably and the caller gets exactly what a missing record gives (``NotFound`` with
  ``no {type} {ref}``), so a restricted or other-team ref cannot be told from one that does not exist. The only
  exception is a record the user may *read* but not change: that answers ``Forbidden``, as it reveals nothing.
  ``decide(uow, action, subject)`` answers the same question without auditing (for derived records: a vehicle's
  keeper, a caller's name) and ``hidden_by(uow, action, subjects)`` finds the first protecting record that denies.
* ``where_visible(uow, action, object_type, model)`` — the SQL condition selecting exactly the rows the user may
  see, for lists, searches, counts and pagination alike.
* ``may_see_event(viewer, event)`` — may this viewer see this live or replayed event? Events carry the object's
  team, its restricted flag and the ids of users granted it (``stamp``), so deciding needs no database.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Select, and_, false, or_, select, true

from peel.core.errors import Forbidden, InvalidInput, NotFound
from peel.db.uow import UnitOfWork
from peel.events.domain import Delivered, DomainEvent
from peel.identity import policy
from peel.identity.models import AccessGrant, User

__all__ = [
    "Subject",
    "Viewer",
    "decide",
    "grant",
    "granted_ids",
    "hidden_by",
    "may_see_event",
    "not_found",
    "require",
    "stamp",
    "user_named",
    "where_visible",
]


@dataclass(frozen=True)
class Subject:
    """What a decision needs to know about one record: its kind, id, public ref, owning team and restricted flag."""

    object_type: str
    object_id: int
    ref: str
    team_id: int | None = None
    restricted: bool = False


class Viewer(Protocol):
    """Who watches a live page (a signed-in ``Principal`` fits)."""

    @property
    def user_id(self) -> int: ...
    @property
    def role(self) -> str: ...
    @property
    def team_id(self) -> int | None: ...


def not_found(object_type: str, ref: object) -> NotFound:
    """The one answer for a record that does not exist or that the caller may not know exists."""
    return NotFound(f"no {object_type} {ref}")


def _granted(uow: UnitOfWork, subject: Subject) -> bool:
    if uow.actor.user_id is None:
        return False
    found = uow.session.execute(
        select(AccessGrant.id).where(
            AccessGrant.object_type == subject.object_type,
            AccessGrant.object_id == subject.object_id,
            AccessGrant.user_id == uow.actor.user_id,
        )
    ).first()
    return found is not None


def _relation(uow: UnitOfWork, subject: Subject) -> policy.Relation:
    return policy.Relation(
        same_team=subject.team_id is not None and subject.team_id == uow.actor.team_id,
        shared_with_me=_granted(uow, subject),
        restricted=subject.restricted,
    )


def decide(uow: UnitOfWork, action: str, subject: Subject) -> bool:
    """May the acting user do ``action`` to this record? No audit: for what a caller shows or withholds."""
    return policy.may(uow.actor.role, action, _relation(uow, subject))


def hidden_by(uow: UnitOfWork, action: str, subjects: list[Subject]) -> Subject | None:
    """The first of the records protecting a derived one (e.g. the people living at an address) that denies."""
    return next((s for s in subjects if not decide(uow, action, s)), None)


def require(
    uow: UnitOfWork, action: str, subject: Subject, *, shown_as: tuple[str, str] | None = None, detail: str = ""
) -> None:
    """Allow and audit, or audit the denial durably and raise as if the record did not exist.

    ``shown_as`` is the (type, ref) the caller asked for when it differs from the protecting record, e.g. a
    location protected by the person whose home it is: the answer then names the location, never the person.
    """
    object_type, ref = shown_as or (subject.object_type, subject.ref)
    relation = _relation(uow, subject)
    if policy.may(uow.actor.role, action, relation):
        uow.audit(action, object_type, ref, detail=detail)
        return
    uow.record_outcome(action, object_type, ref, "denied", "no access to this record")
    read = f"{subject.object_type}.read"
    if action != read and policy.may(uow.actor.role, read, relation):
        raise Forbidden("you may see this record but not do this to it")
    raise not_found(object_type, ref)


def granted_ids(uow: UnitOfWork, object_type: str) -> Select[int]:
    """A subquery of the ids of ``object_type`` records granted to the acting user."""
    return select(AccessGrant.object_id).where(
        AccessGrant.object_type == object_type, AccessGrant.user_id == uow.actor.user_id
    )


def where_visible(uow: UnitOfWork, action: str, object_type: str, model: Any) -> ColumnElement[bool]:
    """The WHERE condition for the rows of ``model`` the acting user may see under ``action``.

    ``model`` is a mapped class (or an alias) with an ``id`` column and, where the kind has them, ``team_id`` and
    ``restricted`` columns. The same condition serves lists, searches, counts and pagination.
    """
    scope = policy.scope_for(uow.actor.role, action)
    if scope is None:
        return false()
    granted: ColumnElement[bool] = false()
    if uow.actor.user_id is not None:
        granted = model.id.in_(granted_ids(uow, object_type))
    restricted = getattr(model, "restricted", None)
    open_record: ColumnElement[bool] = true() if restricted is None else restricted.is_(False)
    if scope is policy.Scope.ALL:
        return or_(open_record, granted)
    team = getattr(model, "team_id", None)
    if scope is policy.Scope.TEAM and team is not None and uow.actor.team_id is not None:
        return or_(and_(team == uow.actor.team_id, open_record), granted)
    return granted


def grants_of(uow: UnitOfWork, object_type: str, object_id: int) -> tuple[int, ...]:
    rows = uow.session.execute(
        select(AccessGrant.user_id)
        .where(AccessGrant.object_type == object_type, AccessGrant.object_id == object_id)
        .order_by(AccessGrant.user_id)
    ).scalars()
    return tuple(rows)


def stamp(uow: UnitOfWork, subject: Subject, event: DomainEvent) -> DomainEvent:
    """The event carrying what ``may_see_event`` needs: the record's team, restricted flag and granted users."""
    return replace(
        event,
        team_id=subject.team_id,
        restricted=subject.restricted,
        grants=grants_of(uow, subject.object_type, subject.object_id),
    )


def may_see_event(viewer: Viewer, event: Delivered) -> bool:
    """May this viewer see this event (live or replayed)? The same rule as reading the event's object."""
    relation = policy.Relation(
        same_team=event.team_id is not None and event.team_id == viewer.team_id,
        shared_with_me=viewer.user_id in event.grants,
        restricted=event.restricted,
    )
    return policy.may(viewer.role, f"{event.object_type}.read", relation)


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
                granted_at=uow.now(),
            )
        )
        uow.session.flush()


def user_named(uow: UnitOfWork, username: str) -> User:
    user = uow.session.execute(select(User).where(User.username == username.lower())).scalar_one_or_none()
    if user is None:
        raise InvalidInput(f"no user called {username!r}")
    return user
