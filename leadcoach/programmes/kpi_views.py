"""What the KPI pages show (issue 23): a supervisor's team numbers beside their growth, a
coach's teams side by side with process-behaviour limits, and HR's "did the programme
help the teams?" section of the cohort review.

Every reader checks access here (leadcoach.people.access): a team's numbers are read
through its supervisors (Action.READ_KPIS), a cohort's through the cohort review's right.
Group figures (the cohort's teams against the others) are blanked below the minimum group
size by leadcoach.measurement.groups.suppress, counted in teams.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import case, func, or_
from sqlmodel import Session, col, select

from leadcoach.assessment.results import person_scores
from leadcoach.instrument import bank
from leadcoach.measurement import groups, process
from leadcoach.people.access import (
    NO_ACCESS,
    Action,
    Viewer,
    allowed,
    cohort_for,
    person_for,
    visible_people,
)
from leadcoach.platform.errors import AccessDenied
from leadcoach.platform.i18n import N_, _
from leadcoach.platform.models import (
    Cohort,
    CohortMember,
    KpiValue,
    Person,
    Role,
    Team,
    WorkPlan,
    WorkPlanTarget,
)
from leadcoach.programmes import cohorts
from leadcoach.programmes.kpis import Measure, measures
from leadcoach.programmes.work_plans import met

# The cohort review compares the 6 months before a cohort starts with months 4 to 9 after
# its start: the first three months are the programme's own (baseline to the day-90 round),
# and six months on each side smooth a contact centre's seasonal swings a little (a full
# year would be better; with fewer months the caveats say so).
BEFORE_MONTHS = 6
AFTER_FROM_MONTH = 3
AFTER_MONTHS = 6
VALUE_COLUMNS = ["team_id", "team", "kpi_id", "measure", "unit", "period", "value"]
# Texts of the catalog (issue 25): shown in the reader's language with `_()`.
CAVEATS = (
    N_(
        "These figures show an association between the programme and the teams' numbers, not "
        "proof that the programme caused a change: teams were not assigned to it at random, "
        "and other things (new hires, a new product, a vendor's staffing) change team numbers."
    ),
    N_(
        "The comparison teams are those whose supervisors were not (yet) in a cohort over the "
        "same months; if the cohort's teams were already improving faster before the "
        "programme, the difference would appear without any effect of the programme."
    ),
    N_(
        "A team counts once however many of its supervisors are in the cohort; teams with too "
        "few months of data on either side are left out."
    ),
)


def _month(day: date, plus: int = 0) -> date:
    months = day.year * 12 + day.month - 1 + plus
    return date(months // 12, months % 12 + 1, 1)


def _values(
    session: Session,
    team_ids: Collection[int],
    since: date | None = None,
    catalogue: dict[int, Measure] | None = None,
    by_measure: bool = False,
) -> pd.DataFrame:
    """Monthly values of the given teams (all measures), oldest first within each team and
    measure; `by_measure`: in the order of measure, team and month names instead. Built
    from plain lists in one go: a team's 360 values through a dozen pandas steps cost more
    than the query."""
    if not team_ids:
        return _frame([], [], [], [], [], {})
    query = (
        select(KpiValue.team_id, Team.name, KpiValue.kpi_id, KpiValue.period, KpiValue.value)
        .join(Team, Team.id == KpiValue.team_id)
        .where(col(KpiValue.team_id).in_(sorted(team_ids)))
        .order_by(KpiValue.team_id, KpiValue.kpi_id, KpiValue.period)
    )
    if since is not None:
        query = query.where(KpiValue.period >= since)
    rows = session.connection().execute(query).all()
    catalogue = catalogue if catalogue is not None else measures(session)
    if not rows:
        return _frame([], [], [], [], [], catalogue)
    if by_measure:
        names = {key: measure.name for key, measure in catalogue.items()}
        rows = sorted(rows, key=lambda row: (names.get(row[2], ""), row[1], row[3]))
    team_id, team, kpi_id, period, value = map(list, zip(*rows, strict=True))
    return _frame(team_id, team, kpi_id, period, value, catalogue)


def _frame(team_id, team, kpi_id, period, value, catalogue: dict[int, Measure]) -> pd.DataFrame:
    """VALUE_COLUMNS from plain lists; months as datetime64[s], values as floats."""
    names = {key: measure.name for key, measure in catalogue.items()}
    units = {key: measure.unit for key, measure in catalogue.items()}
    return pd.DataFrame(
        {
            "team_id": pd.array(team_id, dtype="int64"),
            "team": pd.array(team, dtype="str"),
            "kpi_id": pd.array(kpi_id, dtype="int64"),
            "measure": pd.array([names.get(k) for k in kpi_id], dtype="str"),
            "unit": pd.array([units.get(k) for k in kpi_id], dtype="str"),
            "period": np.array(period, dtype="datetime64[D]").astype("datetime64[s]"),
            "value": np.array(value, dtype=float),
        },
        columns=VALUE_COLUMNS,
    )


# --- supervisor ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SupervisorKpis:
    """A supervisor's team numbers on the same time axis as their skill growth."""

    team: str | None
    values: pd.DataFrame  # VALUE_COLUMNS + target (NaN outside a plan) + better
    targets: pd.DataFrame  # measure, starts_on, ends_on, target, status
    skills: pd.DataFrame  # submitted_at, skill, score: the person's own self-assessments
    assessments: pd.DataFrame  # submitted_at: the dates marked on every chart
    start: pd.Timestamp | None  # the shared time axis
    end: pd.Timestamp | None
    measures: tuple[Measure, ...] = ()


def supervisor_kpis(
    *, session: Session, viewer: Viewer, person_id: int, instrument: bank.Instrument
) -> SupervisorKpis:
    """The team's KPIs over time, the work plans' targets, and the person's skill growth."""
    person = person_for(
        session=session, viewer=viewer, action=Action.READ_KPIS, person_id=person_id
    )
    scores = person_scores(session=session, viewer=viewer, person_id=person_id)
    names = {skill.id: skill.name for skill in instrument.skills}
    skills = pd.DataFrame(
        {
            "submitted_at": scores["submitted_at"],
            "skill": [names.get(skill, skill) for skill in scores["skill_id"]],
            "score": scores["score"].astype(float),
        }
    )
    assessments = pd.DataFrame({"submitted_at": scores["submitted_at"].drop_duplicates()})
    team = None
    if person.team_id is not None:
        team = (
            session.connection()
            .execute(select(Team.name).where(Team.id == person.team_id))
            .scalar()
        )
    catalogue = measures(session)
    values = _values(session, [person.team_id] if team is not None else [], catalogue=catalogue)
    plan_rows = (
        session.connection()
        .execute(
            select(
                WorkPlan.starts_on, WorkPlan.ends_on, WorkPlanTarget.kpi_id, WorkPlanTarget.target
            )
            .join(WorkPlanTarget, WorkPlanTarget.plan_id == WorkPlan.id)
            .where(WorkPlan.person_id == person_id)
            .order_by(WorkPlan.starts_on)
        )
        .all()
    )
    # Each month's target (the plan covering it; a later plan wins) and each target's
    # status from the latest month of its plan, in plain Python over a few hundred months.
    months = values["period"].to_numpy(dtype="datetime64[D]").tolist()
    kpis = values["kpi_id"].tolist()
    numbers = values["value"].tolist()
    target_of = [math.nan] * len(months)
    status = []
    for starts_on, ends_on, kpi_id, target in plan_rows:
        latest = None
        for i, (kpi, month) in enumerate(zip(kpis, months, strict=True)):
            if kpi == kpi_id and starts_on <= month <= ends_on:
                target_of[i] = target
                latest = numbers[i]  # rows are in time order within a measure
        if latest is None:
            status.append("no_data")
        else:
            status.append("met" if met(catalogue[kpi_id], latest, target) else "not_met")
    targets = pd.DataFrame(
        {
            "measure": pd.array([catalogue[row[2]].name for row in plan_rows], dtype="str"),
            "starts_on": pd.Series([row[0] for row in plan_rows], dtype=object),
            "ends_on": pd.Series([row[1] for row in plan_rows], dtype=object),
            "target": np.array([row[3] for row in plan_rows], dtype=float),
            "status": pd.array(status, dtype="str"),
        },
        columns=["measure", "starts_on", "ends_on", "target", "status"],
    )
    values["target"] = np.array(target_of, dtype=float)
    better = {k: ("higher" if m.higher_is_better else "lower") for k, m in catalogue.items()}
    values["better"] = pd.array([better[k] for k in kpis], dtype="str")
    moments = [
        *values["period"].tolist(),
        *[t.tz_convert(None) for t in assessments["submitted_at"]],
    ]
    present = set(kpis)
    shown = tuple(measure for key, measure in catalogue.items() if key in present)
    return SupervisorKpis(
        team,
        values,
        targets,
        skills,
        assessments,
        min(moments) if moments else None,
        max(moments) if moments else None,
        shown,
    )


# --- coach --------------------------------------------------------------------------------


def readable_teams(*, session: Session, viewer: Viewer) -> dict[int, str]:
    """Teams whose numbers the viewer may read: those of the supervisors they may read
    (a coach: the teams they coach; a supervisor: their own; HR and admins: every team)."""
    if allowed(viewer, Action.READ_KPIS):  # HR and admins: every team, with or without people
        return dict(session.exec(select(Team.id, Team.name).order_by(Team.name)).all())
    rows = session.exec(
        select(Team.id, Team.name)
        .join(Person, Person.team_id == Team.id)
        .where(visible_people(viewer, Action.READ_KPIS), Person.role == Role.SUPERVISOR.value)
        .distinct()
        .order_by(Team.name)
    ).all()
    return dict(rows)


def teams_kpis(
    *,
    session: Session,
    viewer: Viewer,
    team_ids: Collection[int] | None = None,
    months: int = 24,
    today: date | None = None,
) -> pd.DataFrame:
    """The teams' monthly values side by side, each series with its XmR natural process
    limits (leadcoach.measurement.process) and the months that signal a change. Asking for
    a team the viewer may not read is refused as an unknown one."""
    readable = readable_teams(session=session, viewer=viewer)
    if team_ids is None:
        team_ids = list(readable)
    elif any(team_id not in readable for team_id in team_ids):
        raise AccessDenied(NO_ACCESS)
    since = _month(today or date.today(), -months) if months else None
    values = _values(session, team_ids, since, by_measure=True)
    columns = [*VALUE_COLUMNS, "centre", "lower", "upper", "signal", "months"]
    if values.empty:
        return pd.DataFrame(columns=columns)
    # Already in the order of measure, team and month: each series in time order.
    return process.xmr_frame(values, ["team_id", "kpi_id"])[columns]


# --- HR: did the programme help the teams? -----------------------------------------------


@dataclass(frozen=True)
class CohortKpiReview:
    """The change in each KPI for the cohort's teams against the comparison teams, and the
    association across supervisors of skill change and KPI change."""

    before: tuple[date, date]  # first and last month of each window
    after: tuple[date, date]
    changes: pd.DataFrame  # per measure: the two groups' mean changes, the difference, CI, n
    associations: pd.DataFrame  # per skill x measure: r, its CI and n (supervisors)
    monthly: pd.DataFrame  # per measure x month x group: the combined value (for the chart)
    caveats: tuple[str, ...] = CAVEATS
    notes: tuple[str, ...] = field(default_factory=tuple)
    after_months: int = 0  # months of the after window that have passed (0 to AFTER_MONTHS)


CHANGE_COLUMNS = [
    "kpi_id",
    "measure",
    "better",
    "cohort_change",
    "comparison_change",
    "difference",
    "ci_low",
    "ci_high",
    "n_cohort_teams",
    "n_comparison_teams",
    "direction",
]
ASSOCIATION_COLUMNS = ["skill", "measure", "r", "ci_low", "ci_high", "n"]


def _window_means(
    session: Session, before: tuple[date, date], after: tuple[date, date]
) -> pd.DataFrame:
    """Per team and measure with enough months on both sides: the change of the mean value
    from before to after, in one aggregate query (one row per team and measure: a cohort's
    review never reads 144,000 values into Python)."""
    in_before = KpiValue.period.between(before[0], before[1])
    in_after = KpiValue.period.between(after[0], after[1])
    rows = (
        session.connection()
        .execute(
            select(
                KpiValue.team_id,
                KpiValue.kpi_id,
                func.avg(case((in_before, KpiValue.value))),
                func.count(case((in_before, 1))),
                func.avg(case((in_after, KpiValue.value))),
                func.count(case((in_after, 1))),
            )
            .where(KpiValue.period.between(before[0], after[1]), or_(in_before, in_after))
            .group_by(KpiValue.team_id, KpiValue.kpi_id)
        )
        .all()
    )
    if not rows:
        return pd.DataFrame({"team_id": [], "kpi_id": [], "change": []})
    team_id, kpi_id, mean_0, months_0, mean_1, months_1 = (
        np.array(column, dtype=float) for column in zip(*rows, strict=True)
    )
    # At least half of the before window's months and one after: one stray month is not
    # "before" or "after".
    enough = (months_0 >= (BEFORE_MONTHS + 1) // 2) & (months_1 >= 1)
    return pd.DataFrame(
        {
            "team_id": team_id[enough].astype(np.int64),
            "kpi_id": kpi_id[enough].astype(np.int64),
            "change": (mean_1 - mean_0)[enough],
        }
    )


def cohort_kpi_review(
    *,
    session: Session,
    viewer: Viewer,
    cohort_id: int,
    instrument: bank.Instrument,
    min_group: int,
    today: date | None = None,
    round_scores: pd.DataFrame | None = None,
) -> CohortKpiReview:
    """Difference in differences per measure (cohort teams vs comparison teams, before vs
    after the programme) and skill-change x KPI-change associations across supervisors.
    `round_scores`: the cohort's `cohorts.round_scores` when the caller holds them already
    (the review page's cached cohort review), which saves reading them again."""
    cohort = cohort_for(session=session, viewer=viewer, cohort_id=cohort_id)
    today = today or date.today()
    start = _month(cohort.start_date)
    before = (_month(start, -BEFORE_MONTHS), _month(start, -1))
    last_full = _month(today, -1)
    after_end = min(_month(start, AFTER_FROM_MONTH + AFTER_MONTHS - 1), last_full)
    after = (_month(start, AFTER_FROM_MONTH), after_end)
    notes = []
    after_months = max(
        0, (after_end.year - after[0].year) * 12 + after_end.month - after[0].month + 1
    )
    if after_end < after[0]:
        notes.append(_("The cohort started less than four months ago: there is no 'after' yet."))
    elif after_end < _month(start, AFTER_FROM_MONTH + AFTER_MONTHS - 1):
        months = (after_end.year - after[0].year) * 12 + after_end.month - after[0].month + 1
        notes.append(
            _(
                "Only {months} of the {total} months after the programme have passed; the "
                "figures will change as more months arrive."
            ).format(months=months, total=AFTER_MONTHS)
        )
    members = session.exec(
        select(Person.id, Person.team_id)
        .join(CohortMember, CohortMember.person_id == Person.id)
        .where(CohortMember.cohort_id == cohort.id, col(Person.team_id).is_not(None))
    ).all()
    cohort_teams = {team_id for _, team_id in members}
    # Teams with a supervisor in any cohort that had started by the end of the after window
    # are not comparison teams: their supervisors were in a programme over the same months.
    in_programme = set(
        session.exec(
            select(Person.team_id)
            .join(CohortMember, CohortMember.person_id == Person.id)
            .join(Cohort, Cohort.id == CohortMember.cohort_id)
            .where(Cohort.start_date <= after[1], col(Person.team_id).is_not(None))
        ).all()
    )
    means = _window_means(session, before, after)
    catalogue = measures(session)
    rows = []
    for kpi_id, measure in catalogue.items():
        part = means[means["kpi_id"] == kpi_id]
        treated = part["team_id"].isin(cohort_teams).to_numpy()
        comparison = ~part["team_id"].isin(in_programme).to_numpy()
        use = treated | comparison
        if not use.any():
            continue
        estimate = process.did_from_changes(part["change"].to_numpy()[use], treated[use])
        change = part["change"].to_numpy()
        cohort_change = float(change[treated].mean()) if treated.any() else math.nan
        comparison_change = float(change[comparison].mean()) if comparison.any() else math.nan
        better = estimate.estimate > 0 if measure.higher_is_better else estimate.estimate < 0
        rows.append(
            {
                "kpi_id": kpi_id,
                "measure": measure.name,
                "better": "higher" if measure.higher_is_better else "lower",
                "cohort_change": cohort_change,
                "comparison_change": comparison_change,
                "difference": estimate.estimate,
                "ci_low": estimate.low,
                "ci_high": estimate.high,
                "n_cohort_teams": int(treated.sum()),
                "n_comparison_teams": int(comparison.sum()),
                "direction": (
                    ""
                    if not math.isfinite(estimate.estimate)
                    else ("better" if better else "worse")
                ),
            }
        )
    changes = pd.DataFrame(rows, columns=CHANGE_COLUMNS)
    if not changes.empty:
        smallest = changes[["n_cohort_teams", "n_comparison_teams"]].min(axis=1)
        changes["n"] = smallest
        changes = groups.suppress(
            changes,
            ["cohort_change", "comparison_change", "difference", "ci_low", "ci_high"],
            min_group=min_group,
        )
        changes.loc[changes["suppressed"], "direction"] = ""
        changes = changes.drop(columns=["n"])
    else:
        changes["suppressed"] = pd.Series(dtype=bool)
    if round_scores is None:
        round_scores = cohorts.round_scores(
            session=session, viewer=viewer, cohort_id=cohort.id, instrument=instrument
        )
    associations = _associations(round_scores, members, means, catalogue, min_group)
    return CohortKpiReview(
        before,
        after,
        changes,
        associations,
        _monthly(session, before, after, cohort_teams, in_programme, catalogue, min_group),
        CAVEATS,
        tuple(notes),
        after_months,
    )


def _monthly(
    session: Session,
    before: tuple[date, date],
    after: tuple[date, date],
    cohort_teams: set[int],
    in_programme: set[int],
    catalogue: dict[int, Measure],
    min_group: int,
) -> pd.DataFrame:
    """Per measure, month and group (the cohort's teams, the comparison teams): the
    combined value and the number of teams, blanked below the minimum group size."""
    columns = ["measure", "period", "group", "value", "n_teams"]
    # Aggregated in the database: a cohort's section never reads every team's months.
    cohort_ids = sorted(cohort_teams)
    busy_ids = sorted(in_programme - cohort_teams) or [-1]
    group = case(
        (col(KpiValue.team_id).in_(cohort_ids or [-1]), "cohort"),
        (col(KpiValue.team_id).in_(busy_ids), ""),
        else_="comparison",
    )
    weight = func.coalesce(KpiValue.contacts, 1)
    rows = (
        session.connection()
        .execute(
            select(
                KpiValue.kpi_id,
                KpiValue.period,
                group.label("grp"),
                func.sum(KpiValue.value * weight),
                func.sum(weight),
                func.sum(KpiValue.value),
                # A team has one value per measure and month (uq_kpi_value_once), so the
                # rows counted are the teams, without count(distinct)'s sort.
                func.count(KpiValue.id),
            )
            .where(KpiValue.period.between(before[0], after[1]))
            .group_by(KpiValue.kpi_id, KpiValue.period, group)
        )
        .all()
    )
    out = []
    for kpi_id, period, grp, weighted, weights, total, teams in rows:
        if not grp or kpi_id not in catalogue:
            continue
        measure = catalogue[kpi_id]
        if measure.combine == "sum":
            value = float(total)
        else:  # weighted_mean and rate: by contacts (a rate: its base), equal weights without
            value = float(weighted) / float(weights) if weights else math.nan
        out.append((measure.name, period, grp, value, int(teams)))
    monthly = pd.DataFrame(
        {
            "measure": pd.array([row[0] for row in out], dtype="str"),
            "period": np.array([row[1] for row in out], dtype="datetime64[D]").astype(
                "datetime64[s]"
            ),
            "group": pd.array([row[2] for row in out], dtype="str"),
            "value": np.array([row[3] for row in out], dtype=float),
            "n_teams": np.array([row[4] for row in out], dtype=np.int64),
        },
        columns=columns,
    )
    return groups.suppress(monthly, ["value"], min_group=min_group, n="n_teams")


def _associations(
    scores: pd.DataFrame,
    members,
    means: pd.DataFrame,
    catalogue: dict[int, Measure],
    min_group: int,
) -> pd.DataFrame:
    """Across the cohort's supervisors: each skill's change (baseline to latest round)
    against their team's change in each measure."""
    baseline, latest = cohorts.review_rounds(scores)
    if latest is None or means.empty:
        return pd.DataFrame(columns=[*ASSOCIATION_COLUMNS, "suppressed"])
    wide = scores[scores["round"].isin([baseline, latest])].pivot_table(
        index=["person_id", "skill"], columns="round", values="score"
    )
    if baseline not in wide or latest not in wide:
        return pd.DataFrame(columns=[*ASSOCIATION_COLUMNS, "suppressed"])
    skill_change = (wide[latest] - wide[baseline]).unstack("skill")  # person x skill
    team_of = dict(members)
    teams_of_people = skill_change.index.map(team_of)
    kpi_change = means.pivot_table(index="team_id", columns="kpi_id", values="change")
    at_team = kpi_change.reindex(teams_of_people)  # person x measure, their team's change
    rows = []
    for kpi_id, measure in catalogue.items():
        if kpi_id not in at_team:
            continue
        y = at_team[kpi_id].to_numpy(dtype=float)
        for skill in skill_change.columns:
            result = process.association(skill_change[skill].to_numpy(dtype=float), y)
            rows.append(
                {"skill": skill, "measure": measure.name, "r": result.r, "ci_low": result.low,
                 "ci_high": result.high, "n": result.n}
            )  # fmt: skip
    frame = pd.DataFrame(rows, columns=ASSOCIATION_COLUMNS)
    return groups.suppress(frame, ["r", "ci_low", "ci_high"], min_group=min_group)
