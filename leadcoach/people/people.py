"""People, teams and the summaries the role home pages show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pandas as pd
from sqlalchemy import and_, func
from sqlmodel import Session, select

from leadcoach.people.access import Action, Viewer, person_for, require, visible_people
from leadcoach.platform.models import (
    Account,
    Answer,
    AssessmentDraft,
    Person,
    Role,
    Submission,
    Team,
    TeamCoach,
)


@dataclass(frozen=True)
class SupervisorSummary:
    """What a supervisor's home page needs to say what to do next."""

    name: str
    team: str | None
    site: str | None
    answers_saved: int | None  # None: no assessment in progress
    submissions: int
    last_submitted_at: datetime | None
    last_overall_index: float | None
    next_due_at: datetime | None


def supervisor_summary(
    *, session: Session, viewer: Viewer, person_id: int, reassessment_days: int
) -> SupervisorSummary:
    """Progress, history and due date of one person's self-assessments."""
    person = person_for(
        session=session, viewer=viewer, action=Action.READ_RESULTS, person_id=person_id
    )
    team = session.get(Team, person.team_id) if person.team_id else None
    draft_id = session.exec(
        select(AssessmentDraft.id).where(
            AssessmentDraft.person_id == person_id, AssessmentDraft.submitted_at.is_(None)
        )
    ).first()
    answers_saved = None
    if draft_id is not None:
        answers_saved = session.exec(
            select(func.count()).select_from(Answer).where(Answer.draft_id == draft_id)
        ).one()
    count, last_at = session.exec(
        select(func.count(), func.max(Submission.submitted_at)).where(
            Submission.person_id == person_id
        )
    ).one()
    last_index = None
    if last_at is not None:
        last_index = session.exec(
            select(Submission.overall_index)
            .where(Submission.person_id == person_id)
            .order_by(Submission.submitted_at.desc())
        ).first()
        last_at = _as_utc(last_at)
    return SupervisorSummary(
        name=person.name,
        team=team.name if team else None,
        site=person.site,
        answers_saved=answers_saved,
        submissions=count,
        last_submitted_at=last_at,
        last_overall_index=last_index,
        next_due_at=last_at + timedelta(days=reassessment_days) if last_at else None,
    )


def _as_utc(value: datetime) -> datetime:
    # Aggregates bypass SQLModel's UTCDateTime type, so SQLite hands back naive UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _latest_submission_per_person():
    return (
        select(Submission.person_id, func.max(Submission.submitted_at).label("last_at"))
        .group_by(Submission.person_id)
        .subquery()
    )


def people_overview(*, session: Session, viewer: Viewer) -> pd.DataFrame:
    """Supervisors the viewer may see, with their latest assessment (one row each).

    Coaches see the people on teams they coach; HR and admins see everyone.
    """
    latest = _latest_submission_per_person()
    query = (
        select(
            Person.id,
            Person.name,
            Team.name,
            Person.site,
            Person.vendor,
            latest.c.last_at,
            Submission.overall_index,
        )
        .join(Team, Team.id == Person.team_id, isouter=True)
        .join(latest, latest.c.person_id == Person.id, isouter=True)
        .join(
            Submission,
            and_(Submission.person_id == Person.id, Submission.submitted_at == latest.c.last_at),
            isouter=True,
        )
        .where(Person.role == Role.SUPERVISOR.value, visible_people(viewer, Action.READ_RESULTS))
        .order_by(Team.name, Person.name)
    )
    rows = session.exec(query).all()
    return pd.DataFrame(
        rows,
        columns=["person_id", "name", "team", "site", "vendor", "last_assessed", "overall_index"],
    )


def coached_teams(*, session: Session, viewer: Viewer) -> pd.DataFrame:
    """Teams the viewer coaches (all teams for HR and admin), with head counts."""
    query = (
        select(Team.id, Team.name, Team.site, Team.vendor, func.count(Person.id))
        .join(
            Person,
            and_(Person.team_id == Team.id, Person.role == Role.SUPERVISOR.value),
            isouter=True,
        )
        .group_by(Team.id, Team.name, Team.site, Team.vendor)
        .order_by(Team.name)
    )
    if viewer.role not in (Role.HR, Role.ADMIN):
        query = query.where(
            Team.id.in_(select(TeamCoach.team_id).where(TeamCoach.coach_id == viewer.person_id))
        )
    rows = session.exec(query).all()
    return pd.DataFrame(rows, columns=["team_id", "team", "site", "vendor", "supervisors"])


def accounts_overview(*, session: Session, viewer: Viewer) -> pd.DataFrame:
    """Every person with an account: role, email, last sign-in and lock state (admins)."""
    require(viewer, Action.MANAGE_ACCOUNTS)
    rows = session.exec(
        select(
            Person.id,
            Person.name,
            Person.email,
            Person.role,
            Team.name,
            Account.last_sign_in_at,
            Account.locked_until,
        )
        .join(Account, Account.person_id == Person.id)
        .join(Team, Team.id == Person.team_id, isouter=True)
        .order_by(Person.role, Person.name)
    ).all()
    return pd.DataFrame(
        rows,
        columns=["person_id", "name", "email", "role", "team", "last_sign_in", "locked_until"],
    )


def person_name(*, session: Session, viewer: Viewer, person_id: int) -> str:
    """The name of a person whose results the viewer may read."""
    return person_for(
        session=session, viewer=viewer, action=Action.READ_RESULTS, person_id=person_id
    ).name
