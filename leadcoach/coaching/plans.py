"""Development plans: one to three focus skills, SMART goals, actions, check-ins, comments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from leadcoach.assessment.responses import applicability_tags
from leadcoach.instrument import bank
from leadcoach.people.access import NO_ACCESS, Action, Viewer, person_for, visible_people
from leadcoach.platform.errors import AccessDenied, InvalidInput
from leadcoach.platform.i18n import _
from leadcoach.platform.models import (
    DevelopmentGoal,
    GoalAction,
    GoalCheckIn,
    GoalStatus,
    Person,
    PlanComment,
    Role,
    utcnow,
)
from leadcoach.platform.validation import clean_text

MAX_FOCUS_SKILLS = 3
MAX_ACTIONS_PER_GOAL = 8
LONGEST_PLAN = timedelta(days=366)


@dataclass(frozen=True)
class ActionView:
    id: int
    text: str
    tip_title: str | None
    done: bool


@dataclass(frozen=True)
class CheckInView:
    at: datetime
    progress: int
    note: str


@dataclass(frozen=True)
class CommentView:
    at: datetime
    author: str
    text: str


@dataclass(frozen=True)
class GoalView:
    """A goal with everything shown under it."""

    id: int
    skill_id: str
    skill: str
    specific: str
    measure: str
    target_date: date
    status: str
    actions: tuple[ActionView, ...]
    check_ins: tuple[CheckInView, ...]
    comments: tuple[CommentView, ...]

    @property
    def progress(self) -> int:
        """The latest check-in's progress, 0 before any."""
        return self.check_ins[-1].progress if self.check_ins else 0


def plan(
    *, session: Session, viewer: Viewer, person_id: int, instrument: bank.Instrument
) -> list[GoalView]:
    """Every goal of a person's plan, active ones first, with actions, check-ins, comments."""
    person_for(session=session, viewer=viewer, action=Action.READ_RESULTS, person_id=person_id)
    goals = session.exec(
        select(DevelopmentGoal)
        .where(DevelopmentGoal.person_id == person_id)
        .order_by(DevelopmentGoal.status, DevelopmentGoal.created_at)
    ).all()
    if not goals:
        return []
    ids = [g.id for g in goals]
    actions = session.exec(
        select(GoalAction).where(col(GoalAction.goal_id).in_(ids)).order_by(GoalAction.id)
    ).all()
    check_ins = session.exec(
        select(GoalCheckIn).where(col(GoalCheckIn.goal_id).in_(ids)).order_by(GoalCheckIn.at)
    ).all()
    comments = session.exec(
        select(PlanComment, Person.name)
        .join(Person, Person.id == PlanComment.author_id)
        .where(col(PlanComment.goal_id).in_(ids))
        .order_by(PlanComment.at)
    ).all()
    names = {skill.id: skill.name for skill in instrument.skills}
    return [
        GoalView(
            id=goal.id,
            skill_id=goal.skill_id,
            skill=names.get(goal.skill_id, goal.skill_id),
            specific=goal.specific,
            measure=goal.measure,
            target_date=goal.target_date,
            status=goal.status,
            actions=tuple(
                ActionView(a.id, a.text, a.tip_title, a.done)
                for a in actions
                if a.goal_id == goal.id
            ),
            check_ins=tuple(
                CheckInView(c.at, c.progress, c.note) for c in check_ins if c.goal_id == goal.id
            ),
            comments=tuple(
                CommentView(c.at, name, c.text) for c, name in comments if c.goal_id == goal.id
            ),
        )
        for goal in sorted(goals, key=lambda g: (g.status != GoalStatus.ACTIVE, g.created_at))
    ]


def add_goal(
    *,
    session: Session,
    viewer: Viewer,
    instrument: bank.Instrument,
    skill_id: str,
    specific: str,
    measure: str,
    target_date: date,
    actions: list[tuple[str, str | None]] = (),
    today: date | None = None,
) -> int:
    """Add a goal for a focus skill to the viewer's own plan; actions are (text, tip title)."""
    person = person_for(
        session=session, viewer=viewer, action=Action.EDIT_PLAN, person_id=viewer.person_id
    )
    today = today or date.today()
    applicable = {s.id for s in instrument.skills_for(applicability_tags(person))}
    if skill_id not in applicable:
        raise InvalidInput(
            _("Focus skill: '{skill_id}' is not one of your skills.").format(skill_id=skill_id)
        )
    active = session.exec(
        select(DevelopmentGoal.skill_id).where(
            DevelopmentGoal.person_id == person.id,
            DevelopmentGoal.status == GoalStatus.ACTIVE.value,
        )
    ).all()
    if skill_id not in active and len(set(active)) >= MAX_FOCUS_SKILLS:
        raise InvalidInput(
            _(
                "Focus skill: a plan has at most {max_focus_skills} focus skills at a time. "
                "Mark a goal achieved or dropped first."
            ).format(max_focus_skills=MAX_FOCUS_SKILLS)
        )
    if not isinstance(target_date, date):
        raise InvalidInput.of("Target date", _("choose a date."))
    if target_date <= today:
        raise InvalidInput.of("Target date", _("choose a date after today."))
    if target_date > today + LONGEST_PLAN:
        raise InvalidInput.of(
            "Target date", _("choose a date within a year; plans are reviewed yearly.")
        )
    if len(actions) > MAX_ACTIONS_PER_GOAL:
        raise InvalidInput.of(
            "Actions",
            _("choose at most {max_actions_per_goal}.").format(
                max_actions_per_goal=MAX_ACTIONS_PER_GOAL
            ),
        )
    goal = DevelopmentGoal(
        person_id=person.id,
        skill_id=skill_id,
        specific=clean_text(specific, "Goal", 500),
        measure=clean_text(measure, "Measure", 300, required=False, one_line=True),
        target_date=target_date,
    )
    session.add(goal)
    session.flush()
    for text, tip_title in actions:
        session.add(
            GoalAction(
                goal_id=goal.id,
                text=clean_text(text, "Action", 500, one_line=True),
                tip_title=tip_title,
            )
        )
    session.flush()
    return goal.id


def _goal(session: Session, viewer: Viewer, goal_id: int, action: Action) -> DevelopmentGoal:
    goal = session.get(DevelopmentGoal, goal_id)
    if goal is None:
        raise AccessDenied(NO_ACCESS)
    person_for(session=session, viewer=viewer, action=action, person_id=goal.person_id)
    return goal


def add_action(
    *, session: Session, viewer: Viewer, goal_id: int, text: str, tip_title: str | None = None
) -> None:
    """Add one action to a goal of the viewer's own plan."""
    goal = _goal(session, viewer, goal_id, Action.EDIT_PLAN)
    count = len(session.exec(select(GoalAction.id).where(GoalAction.goal_id == goal.id)).all())
    if count >= MAX_ACTIONS_PER_GOAL:
        raise InvalidInput(
            _("Actions: a goal has at most {max_actions_per_goal}.").format(
                max_actions_per_goal=MAX_ACTIONS_PER_GOAL
            )
        )
    session.add(
        GoalAction(
            goal_id=goal.id,
            text=clean_text(text, "Action", 500, one_line=True),
            tip_title=tip_title,
        )
    )


def set_action_done(*, session: Session, viewer: Viewer, action_id: int, done: bool) -> None:
    """Tick or untick an action."""
    action = session.get(GoalAction, action_id)
    if action is None:
        raise AccessDenied(NO_ACCESS)
    _goal(session, viewer, action.goal_id, Action.EDIT_PLAN)
    action.done = bool(done)
    session.add(action)


def record_check_in(
    *, session: Session, viewer: Viewer, goal_id: int, progress: int, note: str = ""
) -> None:
    """Record how far the goal has come (0-100 %) with an optional note."""
    goal = _goal(session, viewer, goal_id, Action.EDIT_PLAN)
    if isinstance(progress, bool) or not isinstance(progress, int) or not 0 <= progress <= 100:
        raise InvalidInput(_("Progress: choose a whole number from 0 to 100."))
    session.add(
        GoalCheckIn(goal_id=goal.id, progress=progress, note=clean_text(note, "Note", 1000, False))
    )
    goal.updated_at = utcnow()
    session.add(goal)


def set_goal_status(*, session: Session, viewer: Viewer, goal_id: int, status: str) -> None:
    """Mark a goal active, achieved or dropped."""
    goal = _goal(session, viewer, goal_id, Action.EDIT_PLAN)
    if status not in {s.value for s in GoalStatus}:
        raise InvalidInput(
            _("Status: '{status}' is not active, achieved or dropped.").format(status=status)
        )
    goal.status = status
    goal.updated_at = utcnow()
    session.add(goal)


def add_comment(*, session: Session, viewer: Viewer, goal_id: int, text: str) -> None:
    """Comment on a goal: the owner, or a coach of the owner's team."""
    goal = _goal(session, viewer, goal_id, Action.COMMENT_PLAN)
    session.add(
        PlanComment(
            goal_id=goal.id, author_id=viewer.person_id, text=clean_text(text, "Comment", 2000)
        )
    )


@dataclass(frozen=True)
class PlanSummary:
    active_goals: int
    last_check_in: datetime | None


def summary(goals: list[GoalView]) -> PlanSummary:
    """How many goals are active and when progress was last recorded."""
    active = [g for g in goals if g.status == GoalStatus.ACTIVE]
    dates = [c.at for g in goals for c in g.check_ins]
    return PlanSummary(len(active), max(dates) if dates else None)


def active_goal_counts(
    *, session: Session, viewer: Viewer, team_ids: list[int] | None = None
) -> dict[int, int]:
    """Active development goals per supervisor the viewer may read (0 when none)."""
    query = (
        select(Person.id, func.count(DevelopmentGoal.id))
        .join(
            DevelopmentGoal,
            (DevelopmentGoal.person_id == Person.id)
            & (DevelopmentGoal.status == GoalStatus.ACTIVE.value),
            isouter=True,
        )
        .where(Person.role == Role.SUPERVISOR.value, visible_people(viewer, Action.READ_RESULTS))
        .group_by(Person.id)
    )
    if team_ids is not None:
        query = query.where(col(Person.team_id).in_(team_ids))
    return dict(session.exec(query).all())
