"""Work plans (issue 23): a supervisor's plan for their team for a month or a quarter.

From the articles LeadCoach grew from: outline a work plan with the team's expectations,
goals and ways to improve, monthly or quarterly, and track basic measures of the team's
progress. A plan holds the expectations, a target for each chosen measure (linked to one
of the supervisor's development goals where it relates), the actions to get there, and
the coach's comments; `work_plans` shows each target's progress as the KPI data arrives.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from leadcoach.people.access import NO_ACCESS, Action, Viewer, person_for
from leadcoach.platform import i18n
from leadcoach.platform.errors import AccessDenied, InvalidInput
from leadcoach.platform.i18n import _
from leadcoach.platform.models import (
    DevelopmentGoal,
    KpiValue,
    Person,
    Role,
    WorkPlan,
    WorkPlanComment,
    WorkPlanTarget,
    utcnow,
)
from leadcoach.platform.validation import clean_text
from leadcoach.programmes.kpis import Measure, measures

CADENCES = ("month", "quarter")
MAX_TARGETS = 10


@dataclass(frozen=True)
class TargetSpec:
    """A target as a form gives it: a measure's id, the target, an optional goal link."""

    kpi_id: int
    target: float
    goal_id: int | None = None
    note: str = ""


@dataclass(frozen=True)
class TargetProgress:
    measure: Measure
    target: float
    goal_id: int | None
    goal: str  # the linked development goal's text, "" when none
    note: str
    latest: float | None  # the latest month's value within the plan's period
    latest_period: date | None
    months: int  # months of the period with a value so far
    status: str  # "met", "not_met" or "no_data"


@dataclass(frozen=True)
class PlanCommentView:
    at: datetime
    author: str
    text: str


@dataclass(frozen=True)
class WorkPlanView:
    id: int
    person_id: int
    team_id: int
    cadence: str
    starts_on: date
    ends_on: date
    expectations: str
    actions: str
    reviewed_at: datetime | None
    targets: tuple[TargetProgress, ...]
    comments: tuple[PlanCommentView, ...]

    @property
    def title(self) -> str:
        """'March 2025' or 'Q1 2025 (January to March)', in the reader's language."""
        if self.cadence == "month":
            return i18n.strftime(self.starts_on, "%B %Y")
        return _("{quarter} ({first} to {last})").format(
            quarter=i18n.quarter(self.starts_on),
            first=i18n.strftime(self.starts_on, "%B"),
            last=i18n.strftime(self.ends_on, "%B"),
        )


def period_bounds(cadence: str, starts_on: date) -> tuple[date, date]:
    """The first and last day of the month or quarter that `starts_on` falls in."""
    if cadence not in CADENCES:
        raise InvalidInput.of("Plan for", _("choose a month or a quarter."))
    month = starts_on.month if cadence == "month" else (starts_on.month - 1) // 3 * 3 + 1
    first = date(starts_on.year, month, 1)
    length = 1 if cadence == "month" else 3
    following = date(
        first.year + (first.month + length - 1) // 12, (first.month + length - 1) % 12 + 1, 1
    )
    return first, following - timedelta(days=1)


def met(measure: Measure, value: float, target: float) -> bool:
    """Whether a value reaches the target in the measure's better direction."""
    return value >= target if measure.higher_is_better else value <= target


def write_plan(
    *,
    session: Session,
    viewer: Viewer,
    person_id: int,
    cadence: str,
    starts_on: date,
    expectations: str,
    actions: str,
    targets: list[TargetSpec],
) -> int:
    """Write (or rewrite) a supervisor's team plan for the month or quarter of `starts_on`:
    the supervisor or a coach of their team. Targets replace the plan's earlier ones."""
    person = person_for(
        session=session, viewer=viewer, action=Action.EDIT_WORK_PLAN, person_id=person_id
    )
    if person.role != Role.SUPERVISOR.value or person.team_id is None:
        raise InvalidInput(_("A work plan is for a supervisor's team; this person leads no team."))
    first, last = period_bounds(cadence, starts_on)
    expectations = clean_text(expectations, "Expectations", 2000)
    actions = clean_text(actions, "Actions", 2000)
    if not targets:
        raise InvalidInput.of("Targets", _("choose at least one measure and its target."))
    if len(targets) > MAX_TARGETS:
        raise InvalidInput.of(
            "Targets", _("choose at most {max_targets} measures.").format(max_targets=MAX_TARGETS)
        )
    catalogue = measures(session)
    goals = dict(
        session.exec(
            select(DevelopmentGoal.id, DevelopmentGoal.specific).where(
                DevelopmentGoal.person_id == person.id
            )
        ).all()
    )
    seen: set[int] = set()
    for spec in targets:
        measure = catalogue.get(spec.kpi_id)
        if measure is None:
            raise InvalidInput.of("Targets", _("one of the measures does not exist."))
        if spec.kpi_id in seen:
            raise InvalidInput.of(
                "Targets", _("{name} is chosen twice; keep one target.").format(name=measure.name)
            )
        seen.add(spec.kpi_id)
        if not (
            isinstance(spec.target, int | float)
            and math.isfinite(spec.target)
            and measure.min_value <= spec.target <= measure.max_value
        ):
            raise InvalidInput.of(
                "Targets",
                _("the target for {name} must lie between {min_value:g} and {max_value:g}.").format(
                    name=measure.name, min_value=measure.min_value, max_value=measure.max_value
                ),
            )
        if spec.goal_id is not None and spec.goal_id not in goals:
            # Another person's goal is refused exactly as a missing one.
            raise InvalidInput.of("Targets", _("the linked development goal is not in this plan."))
    plan = session.exec(
        select(WorkPlan).where(
            WorkPlan.person_id == person.id,
            WorkPlan.cadence == cadence,
            WorkPlan.starts_on == first,
        )
    ).first()
    if plan is None:
        plan = WorkPlan(
            person_id=person.id,
            team_id=person.team_id,
            cadence=cadence,
            starts_on=first,
            ends_on=last,
            expectations=expectations,
            actions=actions,
            author_id=viewer.person_id,
        )
        session.add(plan)
        session.flush()
    else:
        plan.expectations, plan.actions = expectations, actions
        session.add(plan)
        for old in session.exec(select(WorkPlanTarget).where(WorkPlanTarget.plan_id == plan.id)):
            session.delete(old)
        session.flush()
    for spec in targets:
        session.add(
            WorkPlanTarget(
                plan_id=plan.id,
                kpi_id=spec.kpi_id,
                target=float(spec.target),
                goal_id=spec.goal_id,
                note=clean_text(spec.note, "Note", 500, required=False),
            )
        )
    session.flush()
    return plan.id


def _plan(session: Session, viewer: Viewer, plan_id: int, action: Action) -> WorkPlan:
    plan = session.get(WorkPlan, plan_id)
    if plan is None:
        raise AccessDenied(NO_ACCESS)
    person_for(session=session, viewer=viewer, action=action, person_id=plan.person_id)
    return plan


def add_plan_comment(*, session: Session, viewer: Viewer, plan_id: int, text: str) -> None:
    """Comment on a work plan: its supervisor or a coach of their team."""
    plan = _plan(session, viewer, plan_id, Action.COMMENT_WORK_PLAN)
    session.add(
        WorkPlanComment(
            plan_id=plan.id, author_id=viewer.person_id, text=clean_text(text, "Comment", 2000)
        )
    )
    session.flush()


def mark_reviewed(*, session: Session, viewer: Viewer, plan_id: int) -> None:
    """Record that the plan was reviewed at the end of its period (stops its reminder)."""
    plan = _plan(session, viewer, plan_id, Action.EDIT_WORK_PLAN)
    plan.reviewed_at = utcnow()
    session.add(plan)
    session.flush()


def work_plans(*, session: Session, viewer: Viewer, person_id: int) -> list[WorkPlanView]:
    """A supervisor's work plans, newest period first, each target with its progress."""
    person_for(session=session, viewer=viewer, action=Action.READ_KPIS, person_id=person_id)
    plans = session.exec(
        select(WorkPlan)
        .where(WorkPlan.person_id == person_id)
        .order_by(col(WorkPlan.starts_on).desc())
    ).all()
    if not plans:
        return []
    ids = [plan.id for plan in plans]
    targets = session.exec(
        select(WorkPlanTarget)
        .where(col(WorkPlanTarget.plan_id).in_(ids))
        .order_by(WorkPlanTarget.id)
    ).all()
    comments = session.exec(
        select(WorkPlanComment, Person.name)
        .join(Person, Person.id == WorkPlanComment.author_id)
        .where(col(WorkPlanComment.plan_id).in_(ids))
        .order_by(WorkPlanComment.at)
    ).all()
    goals = dict(
        session.exec(
            select(DevelopmentGoal.id, DevelopmentGoal.specific).where(
                DevelopmentGoal.person_id == person_id
            )
        ).all()
    )
    catalogue = measures(session)
    team_ids = {plan.team_id for plan in plans}
    first = min(plan.starts_on for plan in plans)
    values = session.exec(
        select(KpiValue.team_id, KpiValue.period, KpiValue.kpi_id, KpiValue.value).where(
            col(KpiValue.team_id).in_(team_ids), KpiValue.period >= first
        )
    ).all()
    by_key: dict[tuple[int, int], list[tuple[date, float]]] = {}
    for team_id, period, kpi_id, value in values:
        by_key.setdefault((team_id, kpi_id), []).append((period, value))
    views = []
    for plan in plans:
        progress = []
        for target in (t for t in targets if t.plan_id == plan.id):
            measure = catalogue[target.kpi_id]
            within = sorted(
                (period, value)
                for period, value in by_key.get((plan.team_id, target.kpi_id), [])
                if plan.starts_on <= period <= plan.ends_on
            )
            latest = within[-1] if within else None
            status = (
                "no_data"
                if latest is None
                else ("met" if met(measure, latest[1], target.target) else "not_met")
            )
            progress.append(
                TargetProgress(
                    measure,
                    target.target,
                    target.goal_id,
                    goals.get(target.goal_id, "") if target.goal_id else "",
                    target.note,
                    latest[1] if latest else None,
                    latest[0] if latest else None,
                    len(within),
                    status,
                )
            )
        views.append(
            WorkPlanView(
                plan.id,
                plan.person_id,
                plan.team_id,
                plan.cadence,
                plan.starts_on,
                plan.ends_on,
                plan.expectations,
                plan.actions,
                plan.reviewed_at,
                tuple(progress),
                tuple(
                    PlanCommentView(c.at, name, c.text)
                    for c, name in comments
                    if c.plan_id == plan.id
                ),
            )
        )
    return views


def plans_to_review(session: Session, today: date) -> list[tuple[int, int, date]]:
    """(plan id, supervisor id, end date) of plans whose period has ended and that are not
    reviewed yet: the reminders' source (leadcoach.messaging.due)."""
    rows = session.exec(
        select(WorkPlan.id, WorkPlan.person_id, WorkPlan.ends_on).where(
            WorkPlan.ends_on < today, col(WorkPlan.reviewed_at).is_(None)
        )
    ).all()
    return [(row[0], row[1], row[2]) for row in rows]


def plan_count(session: Session) -> int:
    """How many work plans exist (for the demo's and the benchmark's checks)."""
    return session.exec(select(func.count(WorkPlan.id))).one()
