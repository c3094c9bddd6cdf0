"""Who is due for which email at a moment: one query per kind over the whole organisation.

Each finder returns candidates keyed by (recipient, kind, event, period); queueing the same
candidate again is harmless (the outbox's unique key keeps the first), so the finders look
at the state of things now and never at what was sent before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, func, or_
from sqlmodel import Session, col, select

from leadcoach.assessment.journey import SECONDS_PER_ITEM, SECONDS_PER_SCENARIO
from leadcoach.assessment.responses import applicability_tags
from leadcoach.instrument import bank
from leadcoach.messaging.kinds import Kind
from leadcoach.platform.config import Settings
from leadcoach.platform.models import (
    Answer,
    AssessmentDraft,
    AuditEvent,
    CoachingNote,
    Cohort,
    CohortMember,
    CohortRound,
    DevelopmentGoal,
    GoalCheckIn,
    GoalStatus,
    Person,
    PlanComment,
    Role,
    Submission,
    Team,
    TeamCoach,
    WorkPlan,
)

# A reassessment counts as overdue two weeks after its due date: long enough for a busy
# supervisor to act on the first reminder, short enough to matter within a 90-day cycle.
OVERDUE_AFTER = timedelta(days=14)
# A development plan asks for a check-in at least monthly (and on the goal's target date):
# the cadence of the plan page's own examples ("4 check-ins a month logged").
CHECK_IN_EVERY = timedelta(days=30)
# Members who have not submitted hear that a round closes this many days before it does.
CLOSING_NOTICE = timedelta(days=3)
# Things that happened (a comment, a shared note, a round opening or closing) are announced
# when they are at most a week old: a scheduler that was stopped for a few days catches up,
# and a first start never mails people about last year's history.
EVENT_LOOKBACK = timedelta(days=7)
# The weekly digest is due on Monday (ISO weeks), at the start of the coach's day.
DIGEST_NAMES = 10  # names listed per section; the rest are counted


@dataclass(frozen=True)
class Recipient:
    id: int
    name: str
    email: str
    role: str
    time_zone: str | None
    language: str | None = None  # issue 25: their emails are written in it (None: English)


@dataclass
class Candidate:
    """An email someone is due for now; `values` fill its template (the recipient's name is
    added when it is rendered)."""

    recipient: Recipient
    kind: Kind
    event: str
    period: str
    due_at: datetime
    page: str  # path and query of the page to open, e.g. "plan" or "review?cohort=3"
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[int, str, str, str]:
        return (self.recipient.id, self.kind.value, self.event, self.period)


def aware(value: datetime | str | None) -> datetime | None:
    """A database time as aware UTC: aggregates bypass SQLModel's type, so SQLite hands back
    naive times (or text)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def midnight(day: date) -> datetime:
    """The start of a UTC day."""
    return datetime.combine(day, time.min, tzinfo=UTC)


def _recipient(row) -> Recipient:
    return Recipient(row.id, row.name, row.email, row.role, row.time_zone, row.language)


_PERSON_COLUMNS = (
    Person.id, Person.name, Person.email, Person.role, Person.time_zone, Person.language
)  # fmt: skip


def _minutes(instrument: bank.Instrument, person: Person | None = None) -> int:
    """Minutes a whole assessment takes (journey.outline's estimate)."""
    tags = applicability_tags(person) if person is not None else frozenset()
    seconds = len(instrument.items_for(tags)) * SECONDS_PER_ITEM
    seconds += len(instrument.scenarios_for(tags)) * SECONDS_PER_SCENARIO
    return -(-seconds // 60)


def _latest_self_submissions():
    return (
        select(Submission.person_id, func.max(Submission.submitted_at).label("last_at"))
        .where(Submission.relation == "self")
        .group_by(Submission.person_id)
        .subquery()
    )


def reassessments(
    session: Session, now: datetime, settings: Settings, instrument: bank.Instrument
) -> list[Candidate]:
    """Supervisors whose next self-assessment is due (or overdue) and not yet taken.

    The event is the cycle after their latest self-assessment, so a new one ends the cycle;
    one who is overdue already hears only that it is overdue."""
    cycle = timedelta(days=settings.reassessment_days)
    latest = _latest_self_submissions()
    rows = session.exec(
        select(*_PERSON_COLUMNS, latest.c.last_at)
        .join(latest, latest.c.person_id == Person.id)
        .where(Person.role == Role.SUPERVISOR.value, latest.c.last_at <= now - cycle)
    ).all()
    minutes = _minutes(instrument)
    found = []
    for row in rows:
        last = aware(row.last_at)
        due = last + cycle
        overdue = due + OVERDUE_AFTER
        # Days as ISO dates: each email writes them in its recipient's language (templates).
        values = {
            "last_date": last.date().isoformat(),
            "due_date": due.date().isoformat(),
            "days": settings.reassessment_days,
            "minutes": minutes,
            "since": last.isoformat(),
        }
        event = f"assessed:{last:%Y-%m-%dT%H:%M:%S}"
        if now >= overdue:
            found.append(
                Candidate(
                    _recipient(row),
                    Kind.REASSESSMENT_OVERDUE,
                    event,
                    "overdue",
                    overdue,
                    "assessment",
                    values,
                )
            )
        else:
            found.append(
                Candidate(
                    _recipient(row), Kind.REASSESSMENT_DUE, event, "due", due, "assessment", values
                )
            )
    return found


def half_finished(
    session: Session, now: datetime, settings: Settings, instrument: bank.Instrument
) -> list[Candidate]:
    """Open drafts nobody has added to for `draft_reminder_days`, with the minutes left.

    The period is the day of the last answer, so resuming and stopping again earns one more
    nudge, and an untouched draft only one."""
    idle = timedelta(days=settings.draft_reminder_days)
    rows = session.exec(
        select(Person, AssessmentDraft.id, AssessmentDraft.updated_at)
        .join(AssessmentDraft, AssessmentDraft.person_id == Person.id)
        .where(
            col(AssessmentDraft.submitted_at).is_(None),
            AssessmentDraft.updated_at <= now - idle,
        )
    ).all()
    if not rows:
        return []
    answered: dict[int, set[str]] = defaultdict(set)  # draft -> items answered
    ratings: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    draft_ids = [draft_id for _, draft_id, _ in rows]
    for start in range(0, len(draft_ids), 500):
        for draft_id, item_id, option_id in session.exec(
            select(Answer.draft_id, Answer.item_id, Answer.option_id).where(
                col(Answer.draft_id).in_(draft_ids[start : start + 500])
            )
        ):
            if option_id:
                ratings[draft_id][item_id] += 1
            else:
                answered[draft_id].add(item_id)
    found = []
    for person, draft_id, updated_at in rows:
        tags = applicability_tags(person)
        items = [item.id for _, item in instrument.items_for(tags)]
        scenarios = instrument.scenarios_for(tags)
        items_left = sum(1 for item in items if item not in answered[draft_id])
        scenarios_left = sum(
            1 for _, s in scenarios if ratings[draft_id].get(s.id, 0) < len(s.options)
        )
        seconds = items_left * SECONDS_PER_ITEM + scenarios_left * SECONDS_PER_SCENARIO
        updated = aware(updated_at)
        questions = len(answered[draft_id]) + sum(
            1 for _, s in scenarios if ratings[draft_id].get(s.id, 0) >= len(s.options)
        )
        found.append(
            Candidate(
                _recipient(person),
                Kind.DRAFT_LEFT,
                f"draft:{draft_id}",
                f"{updated:%Y-%m-%dT%H:%M:%S}",
                updated + idle,
                "assessment",
                {
                    "answered": questions,
                    "minutes": max(1, -(-seconds // 60)),
                    "idle_days": settings.draft_reminder_days,
                    "draft_id": draft_id,
                },
            )
        )
    return found


def check_ins(
    session: Session, now: datetime, settings: Settings, instrument: bank.Instrument
) -> list[Candidate]:
    """Active goals whose check-in is due: a month after the last one (or the goal's start),
    and on the goal's target date."""
    last_check = (
        select(GoalCheckIn.goal_id, func.max(GoalCheckIn.at).label("last_at"))
        .group_by(GoalCheckIn.goal_id)
        .subquery()
    )
    rows = session.exec(
        select(
            *_PERSON_COLUMNS,
            DevelopmentGoal.id.label("goal_id"),
            DevelopmentGoal.skill_id,
            DevelopmentGoal.created_at,
            DevelopmentGoal.target_date,
            last_check.c.last_at,
        )
        .join(DevelopmentGoal, DevelopmentGoal.person_id == Person.id)
        .join(last_check, last_check.c.goal_id == DevelopmentGoal.id, isouter=True)
        .where(DevelopmentGoal.status == GoalStatus.ACTIVE.value)
    ).all()
    names = {skill.id: skill.name for skill in instrument.skills}
    found = []
    for row in rows:
        last = max(aware(row.created_at), aware(row.last_at) or aware(row.created_at))
        # Two dates ask for a check-in: a month after the last one (or the goal's start),
        # and the goal's target date; each is reminded once.
        moments = [last + CHECK_IN_EVERY, midnight(row.target_date)]
        for moment in moments:
            if not last < moment <= now:
                continue
            found.append(
                Candidate(
                    _recipient(row), Kind.PLAN_CHECK_IN, f"goal:{row.goal_id}",
                    f"{moment:%Y-%m-%d}", moment, "plan",
                    {"skill": names.get(row.skill_id, row.skill_id),
                     "due_date": moment.date().isoformat(), "goal_id": row.goal_id,
                     "since": last.isoformat()},
                )
            )  # fmt: skip
    return found


def plan_comments(
    session: Session, now: datetime, settings: Settings, instrument: bank.Instrument
) -> list[Candidate]:
    """Comments someone else (a coach) wrote on a person's goal within the last week."""
    author = Person.__table__.alias("author")
    rows = session.exec(
        select(
            *_PERSON_COLUMNS,
            PlanComment.id.label("comment_id"),
            PlanComment.at,
            DevelopmentGoal.skill_id,
            author.c.name.label("author"),
        )
        .join(DevelopmentGoal, DevelopmentGoal.person_id == Person.id)
        .join(PlanComment, PlanComment.goal_id == DevelopmentGoal.id)
        .join(author, author.c.id == PlanComment.author_id)
        .where(
            PlanComment.author_id != DevelopmentGoal.person_id,
            PlanComment.at >= now - EVENT_LOOKBACK,
            PlanComment.at <= now,
        )
    ).all()
    names = {skill.id: skill.name for skill in instrument.skills}
    return [
        Candidate(
            _recipient(row),
            Kind.PLAN_COMMENT,
            f"comment:{row.comment_id}",
            "new",
            aware(row.at),
            "plan",
            {"author": row.author, "skill": names.get(row.skill_id, row.skill_id)},
        )
        for row in rows
    ]


def shared_notes(
    session: Session, now: datetime, settings: Settings, instrument: bank.Instrument
) -> list[Candidate]:
    """Notes shared with their subject within the last week: written shared, or shared later
    (the audit log's note_shared event says when)."""
    since = now - EVENT_LOOKBACK
    shared_later = {
        int(subject.removeprefix("note ")): aware(at)
        for subject, at in session.exec(
            select(AuditEvent.subject, AuditEvent.at).where(
                AuditEvent.action == "note_shared", AuditEvent.at >= since, AuditEvent.at <= now
            )
        )
        if subject.removeprefix("note ").isdigit()
    }
    author = Person.__table__.alias("author")
    rows = session.exec(
        select(
            *_PERSON_COLUMNS,
            CoachingNote.id.label("note_id"),
            CoachingNote.at,
            author.c.name.label("author"),
        )
        .join(CoachingNote, CoachingNote.person_id == Person.id)
        .join(author, author.c.id == CoachingNote.author_id)
        .where(
            CoachingNote.shared,
            or_(
                and_(CoachingNote.at >= since, CoachingNote.at <= now),
                col(CoachingNote.id).in_(list(shared_later)),
            ),
        )
    ).all()
    return [
        Candidate(
            _recipient(row),
            Kind.NOTE_SHARED,
            f"note:{row.note_id}",
            "shared",
            max(aware(row.at), shared_later.get(row.note_id, aware(row.at))),
            "plan",
            {"author": row.author, "note_id": row.note_id},
        )
        for row in rows
    ]


@dataclass(frozen=True)
class RoundState:
    """A cohort round near now, with its members and who has submitted in its window."""

    round_id: int
    cohort_id: int
    cohort: str
    round: str
    opens_on: date
    closes_on: date
    members: tuple[Recipient, ...]
    submitted: frozenset[int]


def rounds_near(session: Session, now: datetime) -> list[RoundState]:
    """Rounds open now or closed within the last week, with their supervisor members and who
    of them submitted a self-assessment inside the window (dates in UTC, both ends in)."""
    today = now.date()
    rounds = session.exec(
        select(CohortRound, Cohort.name)
        .join(Cohort, Cohort.id == CohortRound.cohort_id)
        .where(
            CohortRound.opens_on <= today,
            CohortRound.closes_on >= today - timedelta(days=EVENT_LOOKBACK.days),
        )
    ).all()
    found = []
    for entry, cohort_name in rounds:
        members = session.exec(
            select(*_PERSON_COLUMNS)
            .join(CohortMember, CohortMember.person_id == Person.id)
            .where(
                CohortMember.cohort_id == entry.cohort_id,
                Person.role == Role.SUPERVISOR.value,
            )
            .order_by(Person.id)
        ).all()
        submitted = session.exec(
            select(Submission.person_id)
            .join(CohortMember, CohortMember.person_id == Submission.person_id)
            .where(
                CohortMember.cohort_id == entry.cohort_id,
                Submission.relation == "self",
                Submission.submitted_at >= midnight(entry.opens_on),
                Submission.submitted_at < midnight(entry.closes_on + timedelta(days=1)),
            )
            .distinct()
        ).all()
        found.append(
            RoundState(
                entry.id,
                entry.cohort_id,
                cohort_name,
                entry.name,
                entry.opens_on,
                entry.closes_on,
                tuple(_recipient(m) for m in members),
                frozenset(submitted),
            )
        )
    return found


def rounds(
    session: Session, now: datetime, settings: Settings, instrument: bank.Instrument
) -> list[Candidate]:
    """Round opened (in the last week), round closes in three days, both to members who have
    not submitted; and when a round has closed, a summary to everyone in HR."""
    today = now.date()
    minutes = _minutes(instrument)
    hr_people = None
    found = []
    for state in rounds_near(session, now):
        values = {
            "cohort": state.cohort,
            "round": state.round,
            "opens_on": state.opens_on.isoformat(),
            "closes_on": state.closes_on.isoformat(),
            "minutes": minutes,
            "round_id": state.round_id,
        }
        event = f"round:{state.round_id}"
        missing = [m for m in state.members if m.id not in state.submitted]
        if today <= state.closes_on:
            if today <= state.opens_on + timedelta(days=EVENT_LOOKBACK.days):
                found += [
                    Candidate(
                        member,
                        Kind.ROUND_OPENS,
                        event,
                        "opens",
                        midnight(state.opens_on),
                        "assessment",
                        values,
                    )
                    for member in missing
                ]
            notice = max(state.opens_on, state.closes_on - CLOSING_NOTICE)
            if today >= notice and notice > state.opens_on:
                found += [
                    Candidate(
                        member,
                        Kind.ROUND_CLOSES,
                        event,
                        "closes",
                        midnight(notice),
                        "assessment",
                        values,
                    )
                    for member in missing
                ]
            continue
        if hr_people is None:
            hr_people = session.exec(
                select(*_PERSON_COLUMNS).where(Person.role == Role.HR.value)
            ).all()
        members = len(state.members)
        submitted = len(state.submitted & {m.id for m in state.members})
        summary = {
            **values,
            "members": members,
            "submitted": submitted,
            "missing": members - submitted,
            "percent": round(100 * submitted / members) if members else 0,
        }
        found += [
            Candidate(
                _recipient(person),
                Kind.ROUND_SUMMARY,
                event,
                "closed",
                midnight(state.closes_on + timedelta(days=1)),
                f"review?cohort={state.cohort_id}",
                summary,
            )
            for person in hr_people
        ]
    return found


def _names(people: Iterable[str]) -> list[str]:
    return sorted(set(people), key=str.casefold)


def coach_digests(
    session: Session, now: datetime, settings: Settings, instrument: bank.Instrument
) -> list[Candidate]:
    """Each coach's weekly digest, due on the Monday of the ISO week: who in their teams is
    overdue, who submitted in the last 7 days, whose active plan lacks a month's check-in.
    A coach whose teams have nothing to report gets none. It is found on Mondays (UTC) only
    and reports the state at the week's start (Monday 00:00 UTC), so every pass that day
    finds the same digest."""
    year, week, weekday = now.date().isocalendar()
    if weekday != 1:
        return []
    monday = midnight(now.date())
    now = monday
    coaches = session.exec(
        select(*_PERSON_COLUMNS, Team.id.label("team_id"), Team.name.label("team"))
        .join(TeamCoach, TeamCoach.coach_id == Person.id)
        .join(Team, Team.id == TeamCoach.team_id)
        .where(Person.role == Role.COACH.value)
    ).all()
    if not coaches:
        return []
    latest = _latest_self_submissions()
    overdue_cut = now - timedelta(days=settings.reassessment_days) - OVERDUE_AFTER
    by_team: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for team_id, name in session.exec(
        select(Person.team_id, Person.name)
        .join(latest, latest.c.person_id == Person.id)
        .where(Person.role == Role.SUPERVISOR.value, latest.c.last_at <= overdue_cut)
    ):
        by_team[team_id]["overdue"].append(name)
    for team_id, name in session.exec(
        select(Person.team_id, Person.name)
        .join(Submission, Submission.person_id == Person.id)
        .where(
            Person.role == Role.SUPERVISOR.value,
            Submission.relation == "self",
            Submission.submitted_at > now - timedelta(days=7),
            Submission.submitted_at <= now,
        )
    ):
        by_team[team_id]["submitted"].append(name)
    last_check = (
        select(GoalCheckIn.goal_id, func.max(GoalCheckIn.at).label("last_at"))
        .group_by(GoalCheckIn.goal_id)
        .subquery()
    )
    stale = now - CHECK_IN_EVERY
    for team_id, name in session.exec(
        select(Person.team_id, Person.name)
        .join(DevelopmentGoal, DevelopmentGoal.person_id == Person.id)
        .join(last_check, last_check.c.goal_id == DevelopmentGoal.id, isouter=True)
        .where(
            Person.role == Role.SUPERVISOR.value,
            DevelopmentGoal.status == GoalStatus.ACTIVE.value,
            DevelopmentGoal.created_at <= stale,
            or_(last_check.c.last_at.is_(None), last_check.c.last_at <= stale),
        )
    ):
        by_team[team_id]["no_check_in"].append(name)
    per_coach: dict[int, tuple[Recipient, list[str], dict[str, list[str]]]] = {}
    for row in coaches:
        recipient, teams, lists = per_coach.setdefault(
            row.id, (_recipient(row), [], defaultdict(list))
        )
        teams.append(row.team)
        for section, people in by_team.get(row.team_id, {}).items():
            lists[section].extend(people)
    found = []
    for recipient, teams, lists in per_coach.values():
        if not any(lists.values()):
            continue
        values = {
            "teams": ", ".join(sorted(teams, key=str.casefold)),
            "overdue": _names(lists["overdue"]),
            "submitted": _names(lists["submitted"]),
            "no_check_in": _names(lists["no_check_in"]),
            "check_in_days": CHECK_IN_EVERY.days,
        }
        found.append(
            Candidate(
                recipient,
                Kind.COACH_DIGEST,
                f"week:{year}-W{week:02d}",
                "weekly",
                monday,
                "team",
                values,
            )
        )
    return found


# --- KPIs and work plans (issue 23) ---------------------------------------------------------


def work_plan_reviews(
    session: Session, now: datetime, settings: Settings, instrument: bank.Instrument
) -> list[Candidate]:
    """Work plans whose month or quarter has ended and that nobody marked as reviewed: the
    supervisor is reminded once, the day after the period's end."""
    rows = session.exec(
        select(*_PERSON_COLUMNS, WorkPlan.id.label("plan_id"), WorkPlan.cadence,
               WorkPlan.starts_on, WorkPlan.ends_on)
        .join(WorkPlan, WorkPlan.person_id == Person.id)
        .where(WorkPlan.reviewed_at.is_(None), WorkPlan.ends_on < now.date())
    ).all()  # fmt: skip
    found = []
    for row in rows:
        moment = midnight(row.ends_on + timedelta(days=1))
        if not moment <= now or now - moment > timedelta(days=30):
            continue  # a plan left unreviewed for a month is not chased for ever
        if row.cadence == "month":
            plan = f"{row.starts_on:%B %Y}"
        else:
            plan = f"Q{(row.starts_on.month - 1) // 3 + 1} {row.starts_on.year}"
        # "plan" as English reads it; the period itself, for the recipient's language.
        values = {
            "plan": plan,
            "plan_starts_on": row.starts_on.isoformat(),
            "plan_cadence": row.cadence,
            "due_date": row.ends_on.isoformat(),
        }
        found.append(
            Candidate(
                _recipient(row), Kind.WORK_PLAN_REVIEW, f"work_plan:{row.plan_id}", "review",
                moment, "team_numbers", values,
            )
        )  # fmt: skip
    return found


FINDERS = {
    Kind.REASSESSMENT_DUE: reassessments,  # also REASSESSMENT_OVERDUE
    Kind.DRAFT_LEFT: half_finished,
    Kind.PLAN_CHECK_IN: check_ins,
    Kind.PLAN_COMMENT: plan_comments,
    Kind.NOTE_SHARED: shared_notes,
    Kind.ROUND_OPENS: rounds,  # also ROUND_CLOSES and ROUND_SUMMARY
    Kind.COACH_DIGEST: coach_digests,
    Kind.WORK_PLAN_REVIEW: work_plan_reviews,  # issue 23
}


def due(
    session: Session, now: datetime, settings: Settings, instrument: bank.Instrument
) -> list[Candidate]:
    """Every email someone is due for at `now` (aware UTC), before anyone's choices."""
    found: list[Candidate] = []
    for finder in FINDERS.values():
        found.extend(finder(session, now, settings, instrument))
    return found
