"""SQLModel tables: the data model of DESIGN.md. The schema itself lives in migrations/."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Aware UTC now; SQLModel's UTCDateTime refuses naive times, so none slip in."""
    return datetime.now(UTC)


class Role(StrEnum):
    SUPERVISOR = "supervisor"
    COACH = "coach"
    HR = "hr"
    ADMIN = "admin"


class Team(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    site: str = Field(max_length=120)
    vendor: str | None = Field(default=None, max_length=120)


class Person(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    email: str = Field(max_length=254, unique=True)
    role: str = Field(max_length=20)
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    site: str | None = Field(default=None, max_length=120)
    vendor: str | None = Field(default=None, max_length=120)
    language: str | None = Field(default=None, max_length=40)
    # IANA name (e.g. Asia/Manila): emails reach the person in their own daytime.
    time_zone: str | None = Field(default=None, max_length=64)
    start_date: date | None = None
    # Profile flags that decide which tagged items apply (remote_or_offshore, vendor).
    manages_remote: bool = False
    oversees_vendor: bool = False
    created_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (
        CheckConstraint("role IN ('supervisor', 'coach', 'hr', 'admin')", name="ck_person_role"),
    )


class TeamCoach(SQLModel, table=True):
    """Which coach coaches which team; a team may share coaches, a coach many teams."""

    team_id: int = Field(foreign_key="team.id", primary_key=True)
    coach_id: int = Field(foreign_key="person.id", primary_key=True, index=True)


class Account(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", unique=True)
    password_hash: str = Field(max_length=200)
    failed_attempts: int = 0
    locked_until: datetime | None = None
    last_sign_in_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class Instrument(SQLModel, table=True):
    """A questionnaire version frozen at first use, so old results stay interpretable."""

    id: int | None = Field(default=None, primary_key=True)
    instrument_key: str = Field(max_length=80)
    version: str = Field(max_length=40)
    content_hash: str = Field(max_length=64)
    definition: str  # canonical JSON of the whole instrument
    frozen_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (UniqueConstraint("instrument_key", "version", name="uq_instrument_version"),)


class AssessmentDraft(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    instrument_id: int = Field(foreign_key="instrument.id")
    # Seeds the per-person scenario option order, so it is shuffled but stable on resume.
    option_seed: int
    started_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    submitted_at: datetime | None = None

    __table_args__ = (
        # At most one open draft per person: a second "start" cannot race in a duplicate.
        Index(
            "uq_open_draft_per_person",
            "person_id",
            unique=True,
            sqlite_where=text("submitted_at IS NULL"),
            postgresql_where=text("submitted_at IS NULL"),
        ),
    )


class Answer(SQLModel, table=True):
    """An item's frequency (None = not applicable) or a scenario option's rating."""

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="assessmentdraft.id")
    item_id: str = Field(max_length=40)
    option_id: str = Field(default="", max_length=8)  # "" for behavioural items
    value: int | None = None
    answered_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (
        UniqueConstraint("draft_id", "item_id", "option_id", name="uq_answer_once"),
        CheckConstraint("value IS NULL OR (value >= 1 AND value <= 5)", name="ck_answer_value"),
    )


class Submission(SQLModel, table=True):
    """A finished assessment; written once, with its skill scores, and never edited."""

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="assessmentdraft.id", unique=True)
    person_id: int = Field(foreign_key="person.id")
    rater_id: int = Field(foreign_key="person.id")
    relation: str = Field(default="self", max_length=20)
    instrument_id: int = Field(foreign_key="instrument.id")
    submitted_at: datetime = Field(default_factory=utcnow)
    overall_index: float | None = None
    scenario_score: float | None = None
    scenario_key_version: str = Field(max_length=40)
    # The language the questionnaire was shown in (platform.languages); None: before
    # translations existed, i.e. the source language (issue 25, migration 0010).
    language: str | None = Field(default=None, max_length=12)

    __table_args__ = (Index("ix_submission_person_time", "person_id", "submitted_at"),)


class SkillScore(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(
        sa_column=Column(Integer, ForeignKey("submission.id"), nullable=False)
    )
    skill_id: str = Field(max_length=10)
    score: float | None = None  # None: insufficient data
    answered: int
    applicable: int

    __table_args__ = (UniqueConstraint("submission_id", "skill_id", name="uq_skill_score_once"),)


class AuditEvent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor_id: int | None = Field(default=None, foreign_key="person.id")
    action: str = Field(max_length=40, index=True)
    subject: str = Field(default="", max_length=200)
    detail: str = Field(default="")


class Cohort(SQLModel, table=True):
    """An intake group of new supervisors followed over assessment rounds."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    start_date: date
    description: str = Field(default="", max_length=500)


class CohortMember(SQLModel, table=True):
    cohort_id: int = Field(foreign_key="cohort.id", primary_key=True)
    person_id: int = Field(foreign_key="person.id", primary_key=True, index=True)


class CohortRound(SQLModel, table=True):
    """An assessment round of a cohort (baseline, day 90, ...) with its window."""

    id: int | None = Field(default=None, primary_key=True)
    cohort_id: int = Field(foreign_key="cohort.id")
    name: str = Field(max_length=60)
    opens_on: date
    closes_on: date

    __table_args__ = (
        UniqueConstraint("cohort_id", "name", name="uq_cohort_round_name"),
        CheckConstraint("closes_on >= opens_on", name="ck_cohort_round_window"),
    )


class GoalStatus(StrEnum):
    ACTIVE = "active"
    ACHIEVED = "achieved"
    DROPPED = "dropped"


class DevelopmentGoal(SQLModel, table=True):
    """A focus skill of a supervisor's development plan, with a SMART goal."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    skill_id: str = Field(max_length=10)
    specific: str = Field(max_length=500)  # what exactly will change
    measure: str = Field(default="", max_length=300)  # how progress shows
    target_date: date
    status: str = Field(default=GoalStatus.ACTIVE.value, max_length=20)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (
        CheckConstraint("status IN ('active', 'achieved', 'dropped')", name="ck_goal_status"),
    )


class GoalAction(SQLModel, table=True):
    """A concrete step toward a goal, picked from the tips library or written by the person."""

    id: int | None = Field(default=None, primary_key=True)
    goal_id: int = Field(foreign_key="developmentgoal.id", index=True)
    text: str = Field(max_length=500)
    tip_title: str | None = Field(default=None, max_length=200)
    done: bool = False


class GoalCheckIn(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    goal_id: int = Field(foreign_key="developmentgoal.id", index=True)
    at: datetime = Field(default_factory=utcnow)
    progress: int  # percent of the goal reached, as the person judges it
    note: str = Field(default="", max_length=1000)

    __table_args__ = (
        CheckConstraint("progress >= 0 AND progress <= 100", name="ck_checkin_progress"),
    )


class PlanComment(SQLModel, table=True):
    """A coach's (or the owner's) comment on a development goal."""

    id: int | None = Field(default=None, primary_key=True)
    goal_id: int = Field(foreign_key="developmentgoal.id", index=True)
    author_id: int = Field(foreign_key="person.id")
    at: datetime = Field(default_factory=utcnow)
    text: str = Field(max_length=2000)


class CoachingNote(SQLModel, table=True):
    """A coach's dated note about a person they coach; kept, never edited or deleted.

    Private to the person's coaches unless the author shares it with the person.
    """

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    author_id: int = Field(foreign_key="person.id")
    at: datetime = Field(default_factory=utcnow)
    text: str = Field(max_length=4000)
    shared: bool = False


class DataVersion(SQLModel, table=True):
    """One row that changes whenever what the organisation-wide figures are computed from
    changes, so caches of those figures can check freshness with one primary-key read.

    Database triggers (migrations 0005 and 0006) bump `counter` on every insert or delete of
    a submission and every insert, delete or change of a person, team, cohort, cohort member
    or cohort round, so no code path can forget to. `lineage` is random per database, so two
    databases (a test's fresh one, say, at the same address as the last) never share a
    version.
    """

    id: int = Field(default=1, primary_key=True)
    lineage: int = Field(sa_column=Column(BigInteger, nullable=False))
    counter: int = Field(sa_column=Column(BigInteger, nullable=False))


class OutboxState(StrEnum):
    QUEUED = "queued"  # waiting for its time (and for the person's daytime)
    SENDING = "sending"  # claimed by one sender; back to queued when its lease runs out
    SENT = "sent"
    FAILED = "failed"  # refused for good, or out of attempts; an admin may send it again
    CANCELLED = "cancelled"  # no longer due (done meanwhile, or that kind turned off)


class OutboxMessage(SQLModel, table=True):
    """An email that should go out: queued once per recipient, kind, event and period.

    The unique key makes queueing idempotent: every scheduler run may try to queue the same
    reminder again, from any number of app servers or workers, and only the first counts.
    """

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="person.id", index=True)
    email: str = Field(max_length=254)  # the address when it was queued
    kind: str = Field(max_length=40)
    event: str = Field(max_length=80)  # what it is about, e.g. "submission:12", "round:3"
    period: str = Field(max_length=40)  # which reminder of that event, e.g. "due", "2026-W45"
    due_at: datetime
    send_after: datetime  # due_at moved out of the recipient's quiet hours, or a retry's time
    state: str = Field(default=OutboxState.QUEUED.value, max_length=20)
    subject: str = Field(max_length=300)
    link: str = Field(max_length=1000)  # the page the message points to
    context: str = ""  # JSON: the values the message's template is filled with
    attempts: int = 0
    last_error: str = Field(default="", max_length=1000)
    claimed_by: str | None = Field(default=None, max_length=120)
    claimed_at: datetime | None = None
    sent_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (
        UniqueConstraint("recipient_id", "kind", "event", "period", name="uq_outbox_once"),
        Index("ix_outbox_state_send_after", "state", "send_after"),
        CheckConstraint(
            "state IN ('queued', 'sending', 'sent', 'failed', 'cancelled')",
            name="ck_outbox_state",
        ),
    )


class NotificationPreference(SQLModel, table=True):
    """A person's own choice for one kind of email; no row means the kind's default (on)."""

    person_id: int = Field(foreign_key="person.id", primary_key=True)
    kind: str = Field(max_length=40, primary_key=True)
    enabled: bool
    changed_at: datetime = Field(default_factory=utcnow)


class NotificationProfile(SQLModel, table=True):
    """A person's email habits: any hour or daytime only, and an address the server refused."""

    person_id: int = Field(foreign_key="person.id", primary_key=True)
    any_hour: bool = False  # True: also between the quiet hours
    refused_email: str | None = Field(default=None, max_length=254)
    refused_at: datetime | None = None
    refused_reason: str = Field(default="", max_length=500)


class MessagingSetting(SQLModel, table=True):
    """Organisation-wide messaging settings: each kind switched on or off by HR or an admin
    ("kind:<name>" -> "on"/"off"), and the generated key that signs unsubscribe links."""

    name: str = Field(max_length=60, primary_key=True)
    value: str = Field(max_length=200)
    changed_at: datetime = Field(default_factory=utcnow)


# --- issue 25 (languages): HR's choices about translated statements -------------------------


class ItemComparisonExclusion(SQLModel, table=True):
    """A statement HR has left out of cross-language comparisons (after a large DIF flag)."""

    instrument_key: str = Field(max_length=80, primary_key=True)
    item_id: str = Field(max_length=40, primary_key=True)
    chosen_by: int | None = Field(default=None, foreign_key="person.id")
    chosen_at: datetime = Field(default_factory=utcnow)
