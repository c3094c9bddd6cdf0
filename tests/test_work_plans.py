# ruff: noqa: E501
"""Work plans and the KPI views (issue 23): targets and progress, comments, the review
reminder, a supervisor's view on the skill-growth time axis, a coach's teams with XmR
signals, and HR's cohort section with its small-group gate."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pytest

from leadcoach.measurement import groups
from leadcoach.messaging import due
from leadcoach.messaging.kinds import Kind
from leadcoach.platform.config import Settings
from leadcoach.platform.db import session_scope
from leadcoach.platform.errors import AccessDenied, InvalidInput
from leadcoach.platform.models import (
    Cohort,
    CohortMember,
    CohortRound,
    DevelopmentGoal,
    KpiValue,
    Role,
    Team,
)
from leadcoach.programmes import kpi_views, kpis, work_plans
from tests.factories import add_person, build_org, keyed_answers, submit


@pytest.fixture
def org(engine):
    with session_scope(engine) as session:
        return build_org(session)


def _kpi(session, key: str) -> int:
    return next(m.id for m in kpis.measures(session).values() if m.key == key)


def _values(session, team_id: int, key: str, months: list[tuple[date, float]]) -> None:
    kpi_id = _kpi(session, key)
    for period, value in months:
        session.add(KpiValue(team_id=team_id, period=period, kpi_id=kpi_id, value=value))
    session.flush()


def _month(i: int) -> date:
    return date(2024 + i // 12, i % 12 + 1, 1)


def test_a_plan_shows_progress_against_its_targets(engine, org):
    with session_scope(engine) as session:
        goal = DevelopmentGoal(person_id=org.sup_a1, skill_id="S05", specific="Track the queue",
                               target_date=date(2025, 6, 30))  # fmt: skip
        session.add(goal)
        session.flush()
        goal_id = goal.id
        _values(
            session,
            org.team_a,
            "service_level",
            [(date(2025, 1, 1), 78.0), (date(2025, 2, 1), 82.0)],
        )
        _values(session, org.team_a, "aht", [(date(2025, 2, 1), 330.0)])
        viewer = org.viewer(session, org.sup_a1)
        plan_id = work_plans.write_plan(
            session=session, viewer=viewer, person_id=org.sup_a1, cadence="quarter",
            starts_on=date(2025, 2, 14), expectations="Answer 80% within 20 s",
            actions="Two agents moved to the morning peak",
            targets=[work_plans.TargetSpec(_kpi(session, "service_level"), 80, goal_id),
                     work_plans.TargetSpec(_kpi(session, "aht"), 300),
                     work_plans.TargetSpec(_kpi(session, "csat"), 85)],
        )  # fmt: skip
        coach = org.viewer(session, org.coach_a)
        work_plans.add_plan_comment(session=session, viewer=coach, plan_id=plan_id,
                                    text="Good plan; watch Mondays.")  # fmt: skip
        [plan] = work_plans.work_plans(session=session, viewer=coach, person_id=org.sup_a1)
    assert (plan.starts_on, plan.ends_on, plan.title) == (
        date(2025, 1, 1), date(2025, 3, 31), "Q1 2025 (January to March)")  # fmt: skip
    status = {t.measure.key: (t.status, t.latest, t.goal) for t in plan.targets}
    assert status == {
        "service_level": ("met", 82.0, "Track the queue"),  # higher is better: 82 >= 80
        "aht": ("not_met", 330.0, ""),  # lower is better: 330 > 300
        "csat": ("no_data", None, ""),
    }
    assert [c.author for c in plan.comments] == ["Coach A"]


def test_plans_refuse_other_people_and_bad_targets(engine, org):
    with session_scope(engine) as session:
        other_goal = DevelopmentGoal(person_id=org.sup_b1, skill_id="S05", specific="x",
                                     target_date=date(2025, 6, 30))  # fmt: skip
        session.add(other_goal)
        session.flush()
        viewer = org.viewer(session, org.sup_a1)
        csat = _kpi(session, "csat")

        def write(person_id, targets, viewer=viewer):
            return work_plans.write_plan(session=session, viewer=viewer, person_id=person_id,
                                         cadence="month", starts_on=date(2025, 3, 1),
                                         expectations="e", actions="a", targets=targets)  # fmt: skip

        with pytest.raises(AccessDenied):
            write(org.sup_b1, [work_plans.TargetSpec(csat, 80)])  # another team's supervisor
        with pytest.raises(AccessDenied):
            write(999_999, [work_plans.TargetSpec(csat, 80)])  # an id that does not exist
        with pytest.raises(InvalidInput, match="between 0 and 100"):
            write(org.sup_a1, [work_plans.TargetSpec(csat, 130)])
        with pytest.raises(InvalidInput, match="not in this plan"):
            write(org.sup_a1, [work_plans.TargetSpec(csat, 80, other_goal.id)])
        with pytest.raises(AccessDenied):  # a coach of team A cannot write team B's plan
            write(org.sup_b1, [work_plans.TargetSpec(csat, 80)], org.viewer(session, org.coach_a))
        with pytest.raises(AccessDenied):
            work_plans.work_plans(session=session, viewer=viewer, person_id=org.sup_b1)


def test_an_ended_plan_is_reminded_once_until_reviewed(engine, org, instrument):
    with session_scope(engine) as session:
        viewer = org.viewer(session, org.sup_a1)
        plan_id = work_plans.write_plan(
            session=session, viewer=viewer, person_id=org.sup_a1, cadence="month",
            starts_on=date(2025, 3, 1), expectations="e", actions="a",
            targets=[work_plans.TargetSpec(_kpi(session, "csat"), 80)],
        )  # fmt: skip
        settings = Settings(database_url="sqlite://")
        during = due.work_plan_reviews(
            session, datetime(2025, 3, 20, tzinfo=UTC), settings, instrument
        )
        after = due.work_plan_reviews(
            session, datetime(2025, 4, 2, tzinfo=UTC), settings, instrument
        )
        work_plans.mark_reviewed(session=session, viewer=viewer, plan_id=plan_id)
        reviewed = due.work_plan_reviews(
            session, datetime(2025, 4, 3, tzinfo=UTC), settings, instrument
        )
    assert during == [] and reviewed == []
    [candidate] = after
    assert (candidate.kind, candidate.recipient.id, candidate.values["plan"]) == (
        Kind.WORK_PLAN_REVIEW, org.sup_a1, "March 2025")  # fmt: skip


def test_supervisor_view_shares_the_time_axis_and_draws_targets(engine, org, instrument):
    submit(
        engine,
        org.sup_a1,
        instrument,
        keyed_answers(instrument, {}),
        datetime(2025, 1, 20, tzinfo=UTC),
    )
    with session_scope(engine) as session:
        _values(session, org.team_a, "csat", [(_month(12 + i), 80.0 + i) for i in range(6)])
        _values(session, org.team_b, "csat", [(_month(12), 50.0)])  # another team's: never shown
        viewer = org.viewer(session, org.sup_a1)
        work_plans.write_plan(
            session=session, viewer=viewer, person_id=org.sup_a1, cadence="month",
            starts_on=date(2025, 3, 1), expectations="e", actions="a",
            targets=[work_plans.TargetSpec(_kpi(session, "csat"), 84)],
        )  # fmt: skip
        view = kpi_views.supervisor_kpis(session=session, viewer=viewer, person_id=org.sup_a1,
                                         instrument=instrument)  # fmt: skip
        with pytest.raises(AccessDenied):
            kpi_views.supervisor_kpis(session=session, viewer=viewer, person_id=org.sup_b1,
                                      instrument=instrument)  # fmt: skip
    assert set(view.values["team"]) == {"Team A"} and len(view.values) == 6
    march = view.values[view.values["period"] == "2025-03-01"]
    assert march["target"].tolist() == [84.0]
    assert view.values["target"].notna().sum() == 1
    assert list(view.targets["status"]) == ["not_met"]  # 82 in March, target 84
    assert len(view.assessments) == 1 and not view.skills.empty
    assert view.start == np.datetime64("2025-01-01") and view.end == np.datetime64("2025-06-01")


def test_coach_sees_only_their_teams_with_xmr_signals(engine, org):
    with session_scope(engine) as session:
        series = [80, 76, 81, 77, 80, 76, 82, 77, 80, 76, 81, 60]  # a dip in the last month
        _values(
            session, org.team_a, "service_level", [(_month(i), v) for i, v in enumerate(series)]
        )
        _values(session, org.team_b, "service_level", [(_month(i), 70.0) for i in range(12)])
        coach = org.viewer(session, org.coach_a)
        frame = kpi_views.teams_kpis(session=session, viewer=coach, months=0)
        with pytest.raises(AccessDenied):
            kpi_views.teams_kpis(session=session, viewer=coach, team_ids=[org.team_b])
        with pytest.raises(AccessDenied):
            kpi_views.teams_kpis(session=session, viewer=coach, team_ids=[999_999])
        hr = org.viewer(session, org.hr)
        everyone = kpi_views.teams_kpis(session=session, viewer=hr, months=0)
    assert set(frame["team"]) == {"Team A"}
    assert frame["signal"].tolist() == [False] * 11 + [True]
    assert set(everyone["team"]) == {"Team A", "Team B"}


def _cohort_org(session, instrument, treated: int, comparison: int):
    """`treated` teams with a cohort supervisor each, `comparison` teams without."""
    cohort = Cohort(name="Intake", start_date=date(2025, 1, 10))
    session.add(cohort)
    session.flush()
    session.add(CohortRound(cohort_id=cohort.id, name="Baseline", opens_on=date(2025, 1, 10),
                            closes_on=date(2025, 1, 31)))  # fmt: skip
    rng = np.random.default_rng(1)
    csat = _kpi(session, "csat")
    for index in range(treated + comparison):
        team = Team(name=f"T{index}", site="Leeds")
        session.add(team)
        session.flush()
        person = add_person(session, f"Sup {index}", Role.SUPERVISOR, team.id)
        if index < treated:
            session.add(CohortMember(cohort_id=cohort.id, person_id=person))
        lift = 3.0 if index < treated else 1.0
        for month in range(24):
            after = month >= 15  # from April 2025
            value = 75 + rng.normal(0, 0.5) + (lift if after else 0)
            session.add(KpiValue(team_id=team.id, period=_month(month), kpi_id=csat, value=value))
    session.flush()
    return cohort.id


@pytest.mark.parametrize(
    ("treated", "comparison", "shown"), [(4, 5, True), (1, 5, False), (2, 5, False), (4, 2, False)]
)
def test_cohort_kpi_review_is_gated_and_honest(engine, org, instrument, treated, comparison, shown):
    with session_scope(engine) as session:
        cohort_id = _cohort_org(session, instrument, treated, comparison)
        hr = org.viewer(session, org.hr)
        review = kpi_views.cohort_kpi_review(session=session, viewer=hr, cohort_id=cohort_id,
                                             instrument=instrument, min_group=3,
                                             today=date(2026, 1, 15))  # fmt: skip
        with pytest.raises(AccessDenied):
            kpi_views.cohort_kpi_review(session=session, viewer=org.viewer(session, org.coach_a),
                                        cohort_id=cohort_id, instrument=instrument, min_group=3)  # fmt: skip
    row = review.changes.set_index("measure").loc["Customer satisfaction"]
    assert (row["n_cohort_teams"], row["n_comparison_teams"]) == (treated, comparison)
    assert groups.violations(review.changes.rename(columns={"n_cohort_teams": "n_cohort"}), 3) == []
    assert groups.violations(review.monthly, 3) == []
    if shown:
        assert row["difference"] == pytest.approx(2.0, abs=0.6)
        assert row["ci_low"] < row["difference"] < row["ci_high"]
        assert row["direction"] == "better"
    else:
        assert np.isnan(row["difference"]) and row["suppressed"] and row["direction"] == ""
    assert any("not proof" in caveat for caveat in review.caveats)
    assert review.before == (date(2024, 7, 1), date(2024, 12, 1))
    assert review.after == (date(2025, 4, 1), date(2025, 9, 1))
