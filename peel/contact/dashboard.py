"""Contact dashboard figures: channels, grade mix, attendance against grade targets, deployments averted, 999
answer times. Aggregates only: no person is shown, so it is audited as one summary read."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
from pydantic import BaseModel
from sqlalchemy import func, select

from peel.contact import thrive
from peel.contact.models import Contact
from peel.db.uow import UnitOfWork
from peel.incidents.models import Incident
from peel.people.models import Location  # noqa: F401 - Incident.location is loaded eagerly

ANSWER_TARGET_S = 10.0


class GradeSla(BaseModel):
    grade: str
    target_minutes: float
    incidents: int
    attended: int
    within_target: int
    share_within_target: float | None


class AnswerTimes(BaseModel):
    calls: int
    p50_s: float | None
    p90_s: float | None
    share_within_10_s: float | None


class DashboardOut(BaseModel):
    days: int
    contacts: int
    by_channel: dict[str, int]
    grade_mix: dict[str, int]
    sla: list[GradeSla]
    deployments_averted: int
    no_police_action: int
    answer_999: AnswerTimes


def summary(uow: UnitOfWork, goals: thrive.GradeTargets, now: datetime, days: int) -> DashboardOut:
    since = now - timedelta(days=days)
    s = uow.session
    by_channel = dict(
        s.execute(
            select(Contact.channel, func.count()).where(Contact.received_at >= since).group_by(Contact.channel)
        ).all()
    )
    grade_mix = dict(
        s.execute(
            select(Incident.grade, func.count())
            .where(Incident.opened_at >= since, Incident.grade.is_not(None), Incident.merged_into_id.is_(None))
            .group_by(Incident.grade)
        ).all()
    )
    outcomes = dict(
        s.execute(
            select(Contact.outcome, func.count()).where(Contact.received_at >= since).group_by(Contact.outcome)
        ).all()
    )
    averted = s.execute(
        select(func.count())
        .select_from(Incident)
        .where(Incident.opened_at >= since, Incident.resolution.is_not(None), Incident.attended_at.is_(None))
    ).scalar_one()
    answers = np.array(
        [
            a
            for a in s.execute(
                select(Contact.answered_after_s).where(
                    Contact.received_at >= since, Contact.channel == "999", Contact.answered_after_s.is_not(None)
                )
            ).scalars()
        ],
        dtype=float,
    )
    uow.audit("contact.dashboard", "contact", "*", detail=f"summary of {days} days")
    return DashboardOut(
        days=days,
        contacts=sum(by_channel.values()),
        by_channel=by_channel,
        grade_mix={str(k): v for k, v in sorted(grade_mix.items())},
        sla=[_sla(uow, grade, goals, since) for grade in ("G1", "G2", "G3")],
        deployments_averted=int(averted),
        no_police_action=int(outcomes.get("no_police_action", 0)),
        answer_999=AnswerTimes(
            calls=len(answers),
            p50_s=round(float(np.median(answers)), 1) if len(answers) else None,
            p90_s=round(float(np.percentile(answers, 90)), 1) if len(answers) else None,
            share_within_10_s=round(float(np.mean(answers <= ANSWER_TARGET_S)), 3) if len(answers) else None,
        ),
    )


def _sla(uow: UnitOfWork, grade: str, goals: thrive.GradeTargets, since: datetime) -> GradeSla:
    rows = uow.session.execute(
        select(Incident.opened_at, Incident.attended_at).where(
            Incident.opened_at >= since, Incident.grade == grade, Incident.merged_into_id.is_(None)
        )
    ).all()
    # Urban targets: the demo force area is urban; a rural flag per area arrives with dispatch.
    limit = thrive.target_for(grade, True, goals) or timedelta(0)
    attended = [(o, a) for o, a in rows if a is not None]
    within = sum(1 for o, a in attended if a - o <= limit)
    return GradeSla(
        grade=grade,
        target_minutes=limit.total_seconds() / 60,
        incidents=len(rows),
        attended=len(attended),
        within_target=within,
        share_within_target=round(within / len(attended), 3) if attended else None,
    )
