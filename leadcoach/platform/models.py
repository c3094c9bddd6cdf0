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

    Database triggers (migrations 0005, 0006 and 0012) bump `counter` on every insert or
    delete of a submission and every insert, delete or change of a person (but for their own
    settings: language and time zone), team, cohort, cohort member or cohort round, so no
    code path can forget to. `lineage` is random per database, so two databases (a test's
    fresh one, say, at the same address as the last) never share a version.
    """

    id: int = Field(default=1, primary_key=True)
    lineage: int = Field(sa_column=Column(BigInteger, nullable=False))
    counter: int = Field(sa_column=Column(BigInteger, nullable=False))
    # Moved by every change of a person's language (migration 0012), which `counter`
    # ignores: only figures broken down by the members' language check it.
    languages: int = Field(
        default=0, sa_column=Column(BigInteger, nullable=False, server_default="0")
    )


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
    # None for an email to a 360 rater without an account (issue 22): rater_form_id instead.
    recipient_id: int | None = Field(default=None, foreign_key="person.id", index=True)
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
    rater_form_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("raterform.id", ondelete="CASCADE"), nullable=True),
    )

    __table_args__ = (
        UniqueConstraint("recipient_id", "kind", "event", "period", name="uq_outbox_once"),
        Index("ix_outbox_state_send_after", "state", "send_after"),
        # Rater emails (issue 22) have no person: queued once per form, kind and period.
        Index(
            "uq_outbox_rater_once",
            "rater_form_id",
            "kind",
            "period",
            unique=True,
            sqlite_where=text("rater_form_id IS NOT NULL"),
            postgresql_where=text("rater_form_id IS NOT NULL"),
        ),
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


# --- KPIs and work plans (issue 23) --------------------------------------------------------


class KpiDefinition(SQLModel, table=True):
    """A team measure (average handle time, CSAT ...): its unit, its better direction, the
    range a value must lie in and how a month's values of several teams combine. The built-in
    ones come from leadcoach/programmes/kpi_catalogue.yaml; HR may add their own."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=40, unique=True)
    name: str = Field(max_length=120, unique=True)
    unit: str = Field(max_length=20)
    higher_is_better: bool
    min_value: float
    max_value: float
    combine: str = Field(max_length=20)
    description: str = Field(default="", max_length=500)
    built_in: bool = False

    __table_args__ = (
        CheckConstraint("unit IN ('seconds', 'percent', 'count', 'score')", name="ck_kpi_unit"),
        CheckConstraint("combine IN ('weighted_mean', 'sum', 'rate')", name="ck_kpi_combine"),
        CheckConstraint("max_value > min_value", name="ck_kpi_range"),
    )


class KpiValue(SQLModel, table=True):
    """One team's value of one measure for one month (`period` is the month's first day)."""

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id")
    period: date
    kpi_id: int = Field(foreign_key="kpidefinition.id")
    value: float
    contacts: int | None = None  # the weight (or a rate's base) when the export gives one

    __table_args__ = (
        UniqueConstraint("team_id", "period", "kpi_id", name="uq_kpi_value_once"),
        CheckConstraint("contacts IS NULL OR contacts >= 0", name="ck_kpi_contacts"),
        # Months first, and every column a cohort review aggregates (migration 0011): its
        # windows are read from the index alone, never from the table's scattered pages.
        Index("ix_kpivalue_period_values", "period", "team_id", "kpi_id", "value", "contacts"),
    )


class WorkPlan(SQLModel, table=True):
    """A supervisor's plan for their team for a month or a quarter: what is expected, how
    to get there; the targets per measure are WorkPlanTarget rows."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)  # the supervisor
    team_id: int = Field(foreign_key="team.id")
    cadence: str = Field(max_length=10)  # month | quarter
    starts_on: date  # the first day of the month or quarter
    ends_on: date  # its last day
    expectations: str = Field(default="", max_length=2000)
    actions: str = Field(default="", max_length=2000)
    author_id: int = Field(foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow)
    reviewed_at: datetime | None = None

    __table_args__ = (
        UniqueConstraint("person_id", "cadence", "starts_on", name="uq_work_plan_period"),
        CheckConstraint("cadence IN ('month', 'quarter')", name="ck_work_plan_cadence"),
        CheckConstraint("ends_on >= starts_on", name="ck_work_plan_period"),
    )


class WorkPlanTarget(SQLModel, table=True):
    """A work plan's target for one measure, linked to a development goal where it relates."""

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="workplan.id", index=True)
    kpi_id: int = Field(foreign_key="kpidefinition.id")
    target: float
    goal_id: int | None = Field(default=None, foreign_key="developmentgoal.id")
    note: str = Field(default="", max_length=500)  # why, e.g. "new hires on the queue"

    __table_args__ = (UniqueConstraint("plan_id", "kpi_id", name="uq_work_plan_target"),)


class WorkPlanComment(SQLModel, table=True):
    """A coach's (or the supervisor's) comment on a work plan."""

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="workplan.id", index=True)
    author_id: int = Field(foreign_key="person.id")
    at: datetime = Field(default_factory=utcnow)
    text: str = Field(max_length=2000)


# --- Multi-rater (360) feedback, issue 22 -------------------------------------------------
# A round asks the people around one supervisor to rate the same behaviours. Rows that
# hold what a rater said (forms, answers, scores) are deleted with the round, the nomination
# or the rater's person row (ON DELETE CASCADE), and leadcoach/people/erasure.py deletes
# them explicitly as well, so erasure does not depend on SQLite's foreign_keys pragma.


class RaterGroup(StrEnum):
    SELF = "self"
    MANAGER = "manager"
    PEER = "peer"  # other supervisors
    DIRECT_REPORT = "direct_report"  # the supervisor's agents
    COUNTERPART = "counterpart"  # the client's or vendor's contact, for outsourced work


class RoundStatus(StrEnum):
    NOMINATING = "nominating"  # the supervisor proposes raters
    OPEN = "open"  # approved; invitations out, forms accepted until closes_on
    CLOSED = "closed"  # no more answers; the report may be shown
    CANCELLED = "cancelled"


class NominationStatus(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    REMOVED = "removed"  # taken off the list by the coach or HR
    DECLINED = "declined"  # the rater said no


class FormStatus(StrEnum):
    INVITED = "invited"
    STARTED = "started"
    SUBMITTED = "submitted"
    DECLINED = "declined"


_GROUPS_SQL = "('self', 'manager', 'peer', 'direct_report', 'counterpart')"


class FeedbackRound(SQLModel, table=True):
    """One supervisor's 360 round; a cohort round is one row per member sharing cohort_id
    and campaign, started together by HR."""

    id: int | None = Field(default=None, primary_key=True)
    supervisor_id: int = Field(
        sa_column=Column(Integer, ForeignKey("person.id", ondelete="CASCADE"), nullable=False)
    )
    cohort_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("cohort.id", ondelete="SET NULL"), nullable=True),
    )
    campaign: str = Field(default="", max_length=120)  # e.g. "Spring 2027 360"; "" alone
    instrument_id: int = Field(foreign_key="instrument.id")
    opens_on: date
    closes_on: date
    status: str = Field(default=RoundStatus.NOMINATING.value, max_length=20)
    created_by_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("person.id", ondelete="SET NULL"), nullable=True),
    )
    approved_by_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("person.id", ondelete="SET NULL"), nullable=True),
    )
    created_at: datetime = Field(default_factory=utcnow)
    approved_at: datetime | None = None
    closed_at: datetime | None = None

    __table_args__ = (
        CheckConstraint("closes_on >= opens_on", name="ck_feedback_round_window"),
        CheckConstraint(
            "status IN ('nominating', 'open', 'closed', 'cancelled')",
            name="ck_feedback_round_status",
        ),
        Index("ix_feedbackround_supervisor", "supervisor_id", "opens_on"),
        Index("ix_feedbackround_cohort", "cohort_id", "campaign"),
        Index("ix_feedbackround_status_closes", "status", "closes_on"),
    )


class RaterNomination(SQLModel, table=True):
    """A rater proposed for a round: a person in LeadCoach, or a name and (optional) email."""

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("feedbackround.id", ondelete="CASCADE"), nullable=False
        )
    )
    rater_person_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("person.id", ondelete="CASCADE"), nullable=True),
    )
    rater_name: str = Field(max_length=200)
    # Lower-cased; None for an agent without company email (they get a one-time code).
    rater_email: str | None = Field(default=None, max_length=254)
    rater_group: str = Field(max_length=20)
    status: str = Field(default=NominationStatus.PROPOSED.value, max_length=20)
    nominated_by_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("person.id", ondelete="SET NULL"), nullable=True),
    )
    decided_by_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("person.id", ondelete="SET NULL"), nullable=True),
    )
    created_at: datetime = Field(default_factory=utcnow)
    decided_at: datetime | None = None

    __table_args__ = (
        CheckConstraint(f"rater_group IN {_GROUPS_SQL}", name="ck_nomination_group"),
        CheckConstraint(
            "status IN ('proposed', 'approved', 'removed', 'declined')",
            name="ck_nomination_status",
        ),
        Index("ix_nomination_round_group", "round_id", "rater_group"),
        # One nomination per rater and round, whether named by person or by email.
        Index(
            "uq_nomination_round_person",
            "round_id",
            "rater_person_id",
            unique=True,
            sqlite_where=text("rater_person_id IS NOT NULL"),
            postgresql_where=text("rater_person_id IS NOT NULL"),
        ),
        Index(
            "uq_nomination_round_email",
            "round_id",
            "rater_email",
            unique=True,
            sqlite_where=text("rater_email IS NOT NULL"),
            postgresql_where=text("rater_email IS NOT NULL"),
        ),
        # Rater fatigue: how often one person or address was asked in a period.
        Index("ix_nomination_person", "rater_person_id"),
        Index("ix_nomination_email", "rater_email"),
    )


class RaterForm(SQLModel, table=True):
    """One rater's questionnaire in a round, opened by a personal link or a one-time code.

    Only hashes of the link's token and of the code's secret part are kept; code_handle is
    the code's public first part that finds the form, so wrong tries count against it.
    round_id, supervisor_id and rater_group are copied from the nomination for per-round
    and per-supervisor reads without joins.
    """

    id: int | None = Field(default=None, primary_key=True)
    nomination_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("raternomination.id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        )
    )
    round_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("feedbackround.id", ondelete="CASCADE"), nullable=False
        )
    )
    supervisor_id: int = Field(
        sa_column=Column(Integer, ForeignKey("person.id", ondelete="CASCADE"), nullable=False)
    )
    rater_group: str = Field(max_length=20)
    instrument_id: int = Field(foreign_key="instrument.id")
    token_hash: str = Field(max_length=64, unique=True)  # sha256 hex of the link's token
    # The newest reminder's link (each reminder gets a fresh token; the invitation's stays).
    reminder_token_hash: str | None = Field(default=None, max_length=64, unique=True)
    code_handle: str | None = Field(default=None, max_length=8, unique=True)
    code_hash: str | None = Field(default=None, max_length=64)
    failed_attempts: int = 0
    locked_at: datetime | None = None
    expires_at: datetime  # the end of the round's closing day
    status: str = Field(default=FormStatus.INVITED.value, max_length=20)
    language: str = Field(default="en", max_length=40)
    keep_doing: str = Field(default="", max_length=2000)  # open question 1
    do_differently: str = Field(default="", max_length=2000)  # open question 2
    created_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    updated_at: datetime | None = None
    submitted_at: datetime | None = None
    declined_at: datetime | None = None

    __table_args__ = (
        CheckConstraint(f"rater_group IN {_GROUPS_SQL}", name="ck_raterform_group"),
        CheckConstraint(
            "status IN ('invited', 'started', 'submitted', 'declined')", name="ck_raterform_status"
        ),
        CheckConstraint("failed_attempts >= 0", name="ck_raterform_attempts"),
        Index("ix_raterform_round_group", "round_id", "rater_group", "status"),
        Index("ix_raterform_supervisor", "supervisor_id", "status"),
    )


class RaterAnswer(SQLModel, table=True):
    """A rater's answer to one behavioural item (None: could not observe it)."""

    form_id: int = Field(
        sa_column=Column(Integer, ForeignKey("raterform.id", ondelete="CASCADE"), primary_key=True)
    )
    item_id: str = Field(max_length=40, primary_key=True)
    value: int | None = None
    answered_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (
        CheckConstraint(
            "value IS NULL OR (value >= 1 AND value <= 5)", name="ck_rateranswer_value"
        ),
    )


class RaterSkillScore(SQLModel, table=True):
    """A submitted form's score per skill, written once at submit and scored like a
    self-assessment; `answered`/`applicable` let the anonymity gate count a rater for a
    skill only when they answered at least half its items."""

    form_id: int = Field(
        sa_column=Column(Integer, ForeignKey("raterform.id", ondelete="CASCADE"), primary_key=True)
    )
    skill_id: str = Field(max_length=10, primary_key=True)
    score: float | None = None  # None: too few items answered
    answered: int
    applicable: int


# --- end of issue 22 tables ---------------------------------------------------------------
# --- issue 25 (languages): HR's choices about translated statements -------------------------


class ItemComparisonExclusion(SQLModel, table=True):
    """A statement HR has left out of cross-language comparisons (after a large DIF flag)."""

    instrument_key: str = Field(max_length=80, primary_key=True)
    item_id: str = Field(max_length=40, primary_key=True)
    chosen_by: int | None = Field(default=None, foreign_key="person.id")
    chosen_at: datetime = Field(default_factory=utcnow)
