"""Who made each contact on an incident, as staff may see it.

A caller who is a restricted person the user may not see is shown only as "withheld": neither their record nor
the name typed in by the handler (which would name the same person) appears.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from peel.contact.models import Contact
from peel.db.uow import UnitOfWork
from peel.identity.access import decide
from peel.incidents.models import Incident
from peel.people.models import Person
from peel.people.service import person_subject

WITHHELD = "withheld"


@dataclass(frozen=True)
class Caller:
    """The caller of one contact: a person's ref when they may be shown, and the label to show."""

    ref: str | None
    label: str
    withheld: bool = False


def caller_of(uow: UnitOfWork, contact: Contact, person: Person | None) -> Caller:
    if person is None:
        return Caller(None, contact.caller_name or "—")
    if not decide(uow, "person.read", person_subject(person)):
        return Caller(None, WITHHELD, withheld=True)
    return Caller(person.ref, f"{person.forenames} {person.surname}")


def contacts_with_callers(uow: UnitOfWork, incident: Incident) -> list[tuple[Contact, Caller]]:
    """Every contact on the incident, oldest first, with its caller as this user may see them; audited."""
    rows = uow.session.execute(
        select(Contact, Person)
        .outerjoin(Person, Person.id == Contact.caller_person_id)
        .where(Contact.incident_id == incident.id)
        .order_by(Contact.received_at)
    ).all()
    out = [(contact, caller_of(uow, contact, person)) for contact, person in rows]
    uow.audit("contact.read", "incident", incident.ref, detail=",".join(c.ref for c, _ in out))
    return out
