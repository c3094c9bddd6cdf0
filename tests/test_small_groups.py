"""No figure over fewer than the minimum group size, and no person-level row beyond the
viewer's scope, whichever core function a view calls.

1. Every public core function that takes the viewer, or a minimum group size, is classified
   here: either it returns group figures (and is driven below with groups of one and two
   people), or it says why it does not. A new function cannot slip in unclassified.
2. Each group-figure function is driven with one and two people scored (a team, the whole
   organisation, a cohort) and its result must keep `groups.violations`' rule.
3. A coach calling the person-level readers gets rows of the people they coach only.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import UTC, date, datetime

import pandas as pd
import pytest

from leadcoach.assessment import results
from leadcoach.coaching import coaching, comparison, teams
from leadcoach.devtools import bench
from leadcoach.measurement import groups, reliability
from leadcoach.people import people
from leadcoach.people.access import Viewer
from leadcoach.platform.db import session_scope
from leadcoach.platform.errors import InvalidInput
from leadcoach.programmes import cohorts
from tests.factories import build_org, keyed_answers, submit
from tests.test_access_policy import _guarded_functions

MIN_GROUP = 3
FIRST, LATER = datetime(2026, 1, 10, tzinfo=UTC), datetime(2026, 4, 12, tzinfo=UTC)
NOW = datetime(2026, 5, 1, tzinfo=UTC)
RELIABILITY = {"DEC": reliability.SkillReliability("DEC", 0.8, 40, False)}

# Functions whose results are no group figure, and why.
NOT_GROUP_FIGURES = {
    # Issue 22: rater groups pass multirater's own gate (min_raters raters who scored the
    # skill; a hidden group never folded into "all others"), checked by multirater.violations
    # and driven with random rounds by Hypothesis in tests/test_multirater.py; the cohort
    # figures also pass groups.suppress (tests/test_feedback_reports.py, groups.violations).
    **dict.fromkeys(
        [
            "feedback_reports.closed_rounds",
            "feedback_reports.cohort_campaigns",
            "feedback_reports.cohort_self_other",
            "feedback_reports.supervisor_report",
            "feedback_reports.team_self_and_others",
        ],
        "360 figures gated by multirater.cells and checked by multirater.violations (issue 22)",
    ),
    # Rounds, nominations and response counts per group: names and counts, no scores.
    **dict.fromkeys(
        [
            "feedback_rounds.approve_round",
            "feedback_rounds.change_group",
            "feedback_rounds.close_round",
            "feedback_rounds.nominate",
            "feedback_rounds.nominations",
            "feedback_rounds.reissue_code",
            "feedback_rounds.remove_nomination",
            "feedback_rounds.round_progress",
            "feedback_rounds.rounds",
            "feedback_rounds.start_cohort_rounds",
            "feedback_rounds.start_round",
            "feedback_rounds.supervisors_for_feedback",
        ],
        "360 rounds and nominations: no scores (issue 22)",
    ),
    # Issue 23: a team's KPIs are the team's operational numbers, not people's answers; the
    # cohort's KPI section averages teams through groups.suppress (tests/test_work_plans.py
    # drives 1-, 2- and 4-team groups through groups.violations).
    **dict.fromkeys(
        [
            "kpi_views.cohort_kpi_review",
            "kpi_section.cohort_kpi_section",  # cohort_kpi_review's figures as text
            "kpi_views.readable_teams",
            "kpi_views.supervisor_kpis",
            "kpi_views.teams_kpis",
            "kpis.add_definition",
            "kpis.catalogue",
            "kpis.import_kpis",
            "kpis.validate_kpi_file",
            "work_plans.add_plan_comment",
            "work_plans.mark_reviewed",
            "work_plans.work_plans",
            "work_plans.write_plan",
        ],
        "team KPIs and one supervisor's work plans (issue 23)",
    ),
    # Issue 25: DIF compares a language group only from Settings.min_dif_group people (at
    # least 20, default 100); the rest read or write one's own language or HR's choice.
    **dict.fromkeys(
        ["dif.dif_report", "dif.set_aside", "profile.set_language", "responses.own_language"],
        "language groups of at least min_dif_group people, or one's own language (issue 25)",
    ),
    # Issue 24: a person's report holds that person's own scores (and percentiles, which
    # measurement.norms already computes under its own rules); the cohort report, workbook
    # and ZIP show only the cohort review's frames, gated there (tests/test_reports.py
    # checks the suppressed cells read "Not enough people" exactly where the review hid them).
    **dict.fromkeys(
        [
            "person_report.report_values",
            "person_report.others_view",
            "person_report.build",
            "person_report.page",
            "person_report.download",
            "cohort_report.report_values",
            "cohort_report.build",
            "workbook.build",
            "batch.cohort_zip",
        ],
        "reports drawn from already-gated core results (issue 24)",
    ),
    **dict.fromkeys(
        [
            "access.cohort_for",
            "access.person_for",
            "teams.team_for",
            "people.person_name",
            "people.coached_teams",
            "journey.outline",
            "cohorts.cohort_list",
            "cohorts.cohort_rounds",
            "audit.action_names",
            "audit.actors",
            "audit.events",
            "accounts.account_list",
            "people.accounts_overview",
            "erasure.erasable_people",
            "quality.report_scope",  # issue 20: the quality report's access check
        ],
        "names, ids and settings, no scores",
    ),
    **dict.fromkeys(
        [
            "accounts.add_person",
            "accounts.change_role",
            "accounts.reset_password",
            "accounts.unlock",
            "cohorts.add_members",
            "cohorts.add_round",
            "cohorts.create_cohort",
            "cohorts.remove_member",
            "erasure.erase_person",
            "exports.record_export",
            "notes.add_note",
            "notes.set_shared",
            "plans.add_action",
            "plans.add_comment",
            "plans.add_goal",
            "plans.record_check_in",
            "plans.set_action_done",
            "plans.set_goal_status",
            "responses.open_draft",
            "responses.save_answer",
            "responses.submit_assessment",
            "roster.import_roster",
            "roster.validate_roster",
        ],
        "writes, returning ids or a summary of what was written",
    ),
    **dict.fromkeys(
        [
            "results.person_scores",
            "results.person_submissions",
            "people.supervisor_summary",
            "people.people_overview",
            "plans.plan",
            "notes.notes",
            "responses.current_draft_id",
            "responses.load_draft",
            "teams.latest_scores",
            "teams.history",
            "teams.recent_changes",
            "teams.assessment_status",
            "comparison.group_scores",
            "reliability.item_responses",
            "cohorts.round_scores",
            "cohorts.cohort_members",
            "cohorts.chase_list",
            "plans.active_goal_counts",
        ],
        "person-level rows, scoped by the access policy (tested in part 3 and the access test)",
    ),
    "cohorts.completion": "head counts of who submitted, no scores",
    **dict.fromkeys(
        [
            "outbox.messages",
            "outbox.resend",
            "outbox.state_counts",
            "preferences.choose",
            "preferences.email_settings",
            "preferences.organisation_switches",
            "preferences.retry_refused_address",
            "preferences.set_any_hour",
            "preferences.set_time_zone",
            "preferences.switch",
        ],
        "emails and their settings: addresses, states and counts of messages, no scores",
    ),
    "norms.norm_percentiles": "a person's own percentile against a norm group of at least "
    "LEADCOACH_MIN_NORM_GROUP people (tests/test_norms.py)",
    "quality.quality_report": "coefficients over at least LEADCOACH_MIN_QUALITY_SAMPLE people "
    "(tests/test_quality.py)",
    "groups.checked_minimum": "the gate itself",
    "groups.statistics": "the gate itself (tested below)",
    "groups.suppress": "the gate itself (tested below)",
    "groups.violations": "the rule the tests check",
}


def _scored_org(engine, instrument, scored: int):
    """Team A (two supervisors) and team B (one), with `scored` of the three supervisors
    assessed twice, a quarter apart; two cohorts of the scored ones, two rounds each.
    Returns the organisation and the cohorts' ids."""
    with session_scope(engine) as session:
        org = build_org(session)
        hr = org.viewer(session, org.hr)
        people_scored = [org.sup_a1, org.sup_a2, org.sup_b1][:scored]
        intakes = []
        for intake in ("Intake", "Pilot"):
            cohort = cohorts.create_cohort(
                session=session, viewer=hr, name=intake, start_date=date(2026, 1, 5)
            )
            for name, opens, closes in [
                ("Baseline", date(2026, 1, 5), date(2026, 1, 31)),
                ("Day 90", date(2026, 4, 1), date(2026, 4, 30)),
            ]:
                cohorts.add_round(session=session, viewer=hr, cohort_id=cohort, name=name,
                                  opens_on=opens, closes_on=closes)  # fmt: skip
            cohorts.add_members(
                session=session, viewer=hr, cohort_id=cohort, person_ids=people_scored
            )
            intakes.append(cohort)
    for index, person_id in enumerate(people_scored):
        submit(engine, person_id, instrument, keyed_answers(instrument, {}, 2 + index), FIRST)
        submit(engine, person_id, instrument, keyed_answers(instrument, {}, 3 + index), LATER)
    return org, intakes


# name -> call(session, org, cohort, instrument) -> result; each as the viewer who may ask.
Driver = Callable[..., object]


def _as(session, org, who: str) -> Viewer:
    return org.viewer(session, getattr(org, who))


GROUP_DRIVERS: dict[str, Driver] = {
    "coaching.team_overview": lambda s, o, c, i: [
        coaching.team_overview(
            session=s,
            viewer=_as(s, o, viewer),
            instrument=i,
            reliabilities=RELIABILITY,
            reassessment_days=90,
            min_group=MIN_GROUP,
            now=NOW,
            team_ids=team_ids,
        )
        for viewer, team_ids in [("coach_a", None), ("hr", [o.team_a]), ("hr", [o.team_b])]
    ],
    "comparison.compare": lambda s, o, c, i: [
        comparison.compare(
            session=s,
            viewer=_as(s, o, "hr"),
            instrument=i,
            reliabilities=RELIABILITY,
            min_group=MIN_GROUP,
            groups=pair,
        )
        for pair in [
            [comparison.GroupRef("team", o.team_a), comparison.GroupRef("organisation")],
            [comparison.GroupRef("team", o.team_a), comparison.GroupRef("team", o.team_b)],
            [comparison.GroupRef("person", o.sup_a1), comparison.GroupRef("team", o.team_a)],
        ]
    ],
    "comparison.group_statistics": lambda s, o, c, i: [
        comparison.group_statistics(
            session=s,
            viewer=_as(s, o, "coach_a"),
            instrument=i,
            group=group,
            min_group=MIN_GROUP,
        )
        for group in [comparison.GroupRef("team", o.team_a), comparison.GroupRef("organisation")]
    ],
    "teams.organisation_statistics": lambda s, o, c, i: teams.organisation_statistics(
        session=s, viewer=_as(s, o, "coach_a"), instrument=i, min_group=MIN_GROUP
    ),
    "teams.team_growth": lambda s, o, c, i: teams.team_growth(
        session=s, viewer=_as(s, o, "coach_a"), instrument=i, min_group=MIN_GROUP
    ),
    "teams.skill_statistics": lambda s, o, c, i: teams.skill_statistics(
        teams.latest_scores(session=s, viewer=_as(s, o, "hr"), instrument=i), i, MIN_GROUP
    ),
    "teams.growth_by_round": lambda s, o, c, i: teams.growth_by_round(
        teams.history(session=s, viewer=_as(s, o, "hr")), i, MIN_GROUP
    ),
    "teams.team_figures": lambda s, o, c, i: [
        teams.team_figures(
            session=s,
            viewer=_as(s, o, viewer),
            instrument=i,
            min_group=MIN_GROUP,
            team_ids=team_ids,
        )
        for viewer, team_ids in [("coach_a", None), ("hr", [o.team_a]), ("hr", None)]
    ],
    "cohorts.cohort_review": lambda s, o, c, i: cohorts.cohort_review(
        session=s,
        viewer=_as(s, o, "hr"),
        cohort_id=c[0],
        instrument=i,
        min_group=MIN_GROUP,
        today=NOW.date(),
    ),
    "cohorts.compare_cohorts": lambda s, o, c, i: cohorts.compare_cohorts(
        session=s, viewer=_as(s, o, "hr"), cohort_ids=c, instrument=i, min_group=MIN_GROUP
    ),
    "cohorts.round_distribution": lambda s, o, c, i: cohorts.round_distribution(
        _round_scores(s, o, c, i), MIN_GROUP
    ),
    "cohorts.skill_changes": lambda s, o, c, i: cohorts.skill_changes(
        _round_scores(s, o, c, i), "Baseline", "Day 90", MIN_GROUP
    ),
    "cohorts.breakdown": lambda s, o, c, i: [
        cohorts.breakdown(_round_scores(s, o, c, i), by, "Day 90", MIN_GROUP)
        for by in cohorts.BREAKDOWNS
    ],
    "cohorts.reliable_changes": lambda s, o, c, i: cohorts.reliable_changes(
        _round_scores(s, o, c, i), "Baseline", "Day 90", {"DEC": 1.0}, MIN_GROUP
    ),
    "cohorts.compare_round_scores": lambda s, o, c, i: cohorts.compare_round_scores(
        {"Intake": _round_scores(s, o, c, i)}, MIN_GROUP
    ),
    "bench.organisation_review": lambda s, o, c, i: bench.organisation_review(
        session=s, viewer=_as(s, o, "hr"), instrument=i, min_group=MIN_GROUP
    ),
}


def _round_scores(session, org, cohort, instrument) -> pd.DataFrame:
    return cohorts.round_scores(
        session=session, viewer=_as(session, org, "hr"), cohort_id=cohort[0], instrument=instrument
    )


def _classified_names() -> set[str]:
    """Guarded functions, and every public core function taking a minimum group size."""
    found = set(_guarded_functions())
    for module in (teams, comparison, coaching, cohorts, groups, bench):
        for name, function in inspect.getmembers(module, inspect.isfunction):
            mine = function.__module__ == module.__name__ and not name.startswith("_")
            if mine and "min_group" in inspect.signature(function).parameters:
                found.add(f"{module.__name__.rsplit('.', 1)[-1]}.{name}")
    return found


def test_every_function_is_classified_as_group_figures_or_not():
    found = _classified_names()
    both = set(GROUP_DRIVERS) & set(NOT_GROUP_FIGURES)
    assert not both, f"classified twice: {sorted(both)}"
    unclassified = sorted(found - set(GROUP_DRIVERS) - set(NOT_GROUP_FIGURES))
    assert not unclassified, (
        f"Classify {unclassified} in tests/test_small_groups.py: drive it in GROUP_DRIVERS "
        "if it returns figures over a group of people, or say in NOT_GROUP_FIGURES why not."
    )
    gone = sorted((set(GROUP_DRIVERS) | set(NOT_GROUP_FIGURES)) - found)
    assert not gone, f"classified but no longer in the core: {gone}"


@pytest.mark.parametrize("scored", [1, 2])
@pytest.mark.parametrize("name", sorted(GROUP_DRIVERS))
def test_no_figure_rests_on_one_or_two_people(engine, instrument, name, scored):
    org, cohort = _scored_org(engine, instrument, scored)
    with session_scope(engine) as session:
        result = GROUP_DRIVERS[name](session, org, cohort, instrument)
    assert groups.violations(result, MIN_GROUP, name) == []


def test_the_coachs_priorities_name_no_average_of_two(engine, instrument):
    # Priya's case on the demo: "One of the team's lowest averages: 50 (2 people)".
    org, _ = _scored_org(engine, instrument, 2)
    with session_scope(engine) as session:
        overview = GROUP_DRIVERS["coaching.team_overview"](session, org, None, instrument)[0]
    assert "Team skill" not in set(overview.priorities["kind"])
    assert overview.team_vs_organisation.differences.empty
    assert overview.growth.empty


def test_three_people_are_a_group(engine, instrument):
    org, cohort = _scored_org(engine, instrument, 3)
    with session_scope(engine) as session:
        stats = GROUP_DRIVERS["teams.organisation_statistics"](session, org, cohort, instrument)
    assert (stats["n"] == 3).all() and stats["mean"].notna().all()


def test_the_gate_blanks_small_groups_and_refuses_a_minimum_of_one():
    stats = groups.statistics([0, 0, 1, 1, 1], [10.0, 20.0, 30.0, 40.0, 50.0], 2, min_group=3)
    assert list(stats["n"]) == [2, 3]
    assert all(pd.isna(stats[name][0]) for name in groups.FIGURES)
    assert stats["mean"][1] == 40 and stats["max"][1] == 50
    frame = pd.DataFrame({"n": [2, 5], "mean": [1.0, 2.0]})
    assert groups.violations(frame, 3) != []
    assert groups.violations(groups.suppress(frame, ["mean"], min_group=3), 3) == []
    for wrong in (1, 0, 2.5):
        with pytest.raises(ValueError, match="at least 2"):
            groups.statistics([0], [1.0], 1, min_group=wrong)


# --- 3. Person-level rows stay within the viewer's scope -------------------------------------

PERSON_READERS: dict[str, Driver] = {
    "reliability.item_responses": lambda s, v, i: reliability.item_responses(
        session=s, viewer=v
    ).reset_index(),
    "teams.latest_scores": lambda s, v, i: teams.latest_scores(session=s, viewer=v, instrument=i),
    "teams.history": lambda s, v, i: teams.history(session=s, viewer=v),
    "teams.team_figures (scores)": lambda s, v, i: (
        teams.team_figures(session=s, viewer=v, instrument=i, min_group=MIN_GROUP).scores
    ),
    "teams.team_figures (changes)": lambda s, v, i: (
        teams.team_figures(session=s, viewer=v, instrument=i, min_group=MIN_GROUP).changes
    ),
    "teams.recent_changes": lambda s, v, i: teams.recent_changes(session=s, viewer=v, instrument=i),
    "teams.assessment_status": lambda s, v, i: teams.assessment_status(
        session=s, viewer=v, reassessment_days=90, now=NOW
    ),
    "people.people_overview": lambda s, v, i: people.people_overview(session=s, viewer=v),
    "coaching.team_overview": lambda s, v, i: (
        coaching.team_overview(
            session=s,
            viewer=v,
            instrument=i,
            reliabilities=RELIABILITY,
            reassessment_days=90,
            min_group=MIN_GROUP,
            now=NOW,
        ).scores
    ),
}


@pytest.mark.parametrize("name", sorted(PERSON_READERS))
def test_a_coach_reads_rows_of_the_people_they_coach_only(engine, instrument, name):
    org, _ = _scored_org(engine, instrument, 3)
    with session_scope(engine) as session:
        rows = PERSON_READERS[name](session, _as(session, org, "coach_a"), instrument)
    assert not rows.empty
    assert set(rows["person_id"]) <= {org.sup_a1, org.sup_a2}, name


def test_the_organisations_rows_are_not_handed_out(engine, instrument):
    org, _ = _scored_org(engine, instrument, 3)
    assert not hasattr(teams, "organisation_scores")
    with session_scope(engine) as session, pytest.raises(InvalidInput, match="averages only"):
        comparison.group_scores(
            session=session, viewer=_as(session, org, "coach_a"), instrument=instrument,
            group=comparison.GroupRef("organisation"),
        )  # fmt: skip
    with session_scope(engine) as session:
        mine = results.person_scores(
            session=session, viewer=_as(session, org, "sup_a1"), person_id=org.sup_a1
        )
    assert set(mine["submission_id"]) and not mine.empty
