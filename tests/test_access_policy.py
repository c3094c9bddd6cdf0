"""The access policy as a generated test: every cell of the table, every guarded function.

1. For every role x action x whose data (own, a person on a team they coach, a person on
   another team, no subject), `allowed` and `visible_people` answer what POLICY says.
2. Every public core function taking keyword-only `session` and `viewer` is classified
   below by the action it enforces, so a new one cannot slip in unclassified.
3. The person-data readers are called for every role and subject: each returns exactly
   when the policy allows, and raises AccessDenied otherwise.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import object_session
from sqlmodel import select

import leadcoach
from leadcoach.assessment import responses, results
from leadcoach.coaching import comparison, notes, plans, teams
from leadcoach.measurement import norms
from leadcoach.people import people
from leadcoach.people.access import POLICY, Action, Scope, Viewer, allowed, visible_people
from leadcoach.platform.db import session_scope
from leadcoach.platform.errors import AccessDenied, InvalidInput
from leadcoach.platform.models import Person, Role
from leadcoach.programmes import kpi_views, work_plans
from leadcoach.reporting import person_report
from tests.factories import build_org, keyed_answers, submit

SUBJECTS = ["own", "coached", "other_team", "none"]
# Who stands for each role: a supervisor and a coach on/of team A, HR, an admin.
ROLE_PERSON = {
    Role.SUPERVISOR: "sup_a1",
    Role.COACH: "coach_a",
    Role.HR: "hr",
    Role.ADMIN: "admin",
}


@pytest.fixture
def org(engine):
    with session_scope(engine) as session:
        return build_org(session)


def _expected(role: Role, action: Action, subject: str) -> bool:
    """What the table says, read cell by cell (independently of access.allowed)."""
    scope = POLICY.get((role, action))
    if scope is None:
        return False
    if scope is Scope.ANYONE:
        return True
    if subject == "own":
        return True
    return scope is Scope.COACHED and subject == "coached"


def _cell_viewer(org, session, role: Role) -> tuple[Viewer, dict[str, Person | None]]:
    """The role's viewer, coaching team A (whatever their role), and a subject per kind."""
    viewer = org.viewer(session, getattr(org, ROLE_PERSON[role]))
    # Everyone "coaches" team A here, so the coached cell exists for every role and a
    # coaching link left on a non-coach is shown to grant nothing the table does not.
    viewer = dataclasses.replace(viewer, coached_team_ids=frozenset({org.team_a}))
    subjects = {
        "own": session.get(Person, viewer.person_id),
        # Sup A Two for everyone; the supervisor's own teammate is on team A too.
        "coached": session.get(Person, org.sup_a2),
        "other_team": session.get(Person, org.sup_b1),
        "none": None,
    }
    return viewer, subjects


def test_policy_cells_are_complete_and_valid():
    """The table only names real roles and actions, and every action is granted to someone."""
    assert {role for role, _ in POLICY} <= set(Role)
    granted = {action for _, action in POLICY}
    assert granted == set(Action), f"no role may do {sorted(set(Action) - granted)}"


def test_allowed_matches_the_table_for_every_cell(engine, org):
    wrong = []
    with session_scope(engine) as session:
        for role in Role:
            viewer, subjects = _cell_viewer(org, session, role)
            for action in Action:
                for kind in SUBJECTS:
                    actual = allowed(viewer, action, subjects[kind])
                    if actual != _expected(role, action, kind):
                        wrong.append((role.value, action.value, kind, actual))
    assert not wrong, f"allowed() disagrees with POLICY (role, action, subject, got): {wrong}"


def test_visible_people_matches_allowed_for_every_cell(engine, org):
    wrong = []
    with session_scope(engine) as session:
        for role in Role:
            viewer, subjects = _cell_viewer(org, session, role)
            for action in Action:
                visible = set(session.exec(select(Person.id).where(visible_people(viewer, action))))
                for kind in ("own", "coached", "other_team"):
                    subject = subjects[kind]
                    if (subject.id in visible) != _expected(role, action, kind):
                        wrong.append((role.value, action.value, kind))
    assert not wrong, f"visible_people() disagrees with POLICY: {wrong}"


# --- 2. Every guarded function is classified ------------------------------------------------

# Checks the action given to it by its caller.
CALLERS_ACTION = "the action argument"
# Filters by the viewer's own coaching links (all for HR and admins); team names and head
# counts only, no person's data.
OWN_TEAMS_ONLY = "the viewer's coached teams"
# Reads or writes only the viewer's own row (their id comes from the viewer, never an argument).
VIEWERS_OWN = "the viewer's own profile"
# Function -> the action(s) it enforces (with access.require, person_for or visible_people).
GUARDED: dict[str, Action | tuple[Action, ...] | str] = {
    # issue 25: the language check (HR's) and one's own language
    "dif.dif_report": Action.READ_ORGANISATION,
    "dif.set_aside": Action.READ_ORGANISATION,
    "profile.set_language": VIEWERS_OWN,
    "responses.own_language": VIEWERS_OWN,
    # issue 20: the one place that decides who gets a quality report
    "quality.report_scope": Action.READ_ORGANISATION,
    "access.person_for": CALLERS_ACTION,
    "accounts.account_list": Action.MANAGE_ACCOUNTS,
    "accounts.add_person": Action.MANAGE_ACCOUNTS,
    "accounts.change_role": Action.MANAGE_ACCOUNTS,
    "accounts.reset_password": Action.MANAGE_ACCOUNTS,
    "accounts.unlock": Action.MANAGE_ACCOUNTS,
    "results.person_scores": Action.READ_RESULTS,
    "results.person_submissions": Action.READ_RESULTS,
    "audit.action_names": Action.READ_AUDIT,
    "audit.actors": Action.READ_AUDIT,
    "audit.events": Action.READ_AUDIT,
    "bench.organisation_review": Action.READ_ORGANISATION,
    "coaching.team_overview": (Action.READ_RESULTS, Action.READ_AGGREGATES),
    "cohorts.add_members": Action.MANAGE_COHORTS,
    "cohorts.add_round": Action.MANAGE_COHORTS,
    "cohorts.chase_list": Action.READ_ORGANISATION,
    "access.cohort_for": Action.READ_ORGANISATION,
    "cohorts.cohort_list": Action.READ_ORGANISATION,
    "cohorts.cohort_members": Action.READ_ORGANISATION,
    "cohorts.cohort_review": Action.READ_ORGANISATION,
    "cohorts.cohort_rounds": Action.READ_ORGANISATION,
    "cohorts.compare_cohorts": Action.READ_ORGANISATION,
    "cohorts.completion": Action.READ_ORGANISATION,
    "cohorts.create_cohort": Action.MANAGE_COHORTS,
    "cohorts.remove_member": Action.MANAGE_COHORTS,
    "cohorts.round_scores": Action.READ_ORGANISATION,
    "comparison.compare": (Action.READ_RESULTS, Action.READ_AGGREGATES),
    "comparison.group_scores": (Action.READ_RESULTS, Action.READ_AGGREGATES),
    "comparison.group_statistics": (Action.READ_RESULTS, Action.READ_AGGREGATES),
    "erasure.erasable_people": Action.ERASE_PERSON,
    "erasure.erase_person": Action.ERASE_PERSON,
    "exports.record_export": Action.READ_ORGANISATION,
    "journey.outline": Action.TAKE_ASSESSMENT,
    "notes.add_note": Action.WRITE_NOTES,
    "notes.notes": Action.READ_NOTES,
    "notes.set_shared": Action.WRITE_NOTES,
    "norms.norm_percentiles": Action.READ_RESULTS,
    "people.accounts_overview": Action.MANAGE_ACCOUNTS,
    "people.coached_teams": OWN_TEAMS_ONLY,
    "people.people_overview": Action.READ_RESULTS,
    "people.person_name": Action.READ_RESULTS,
    "people.supervisor_summary": Action.READ_RESULTS,
    "plans.active_goal_counts": Action.READ_RESULTS,
    "plans.add_action": Action.EDIT_PLAN,
    "plans.add_comment": Action.COMMENT_PLAN,
    "plans.add_goal": Action.EDIT_PLAN,
    "plans.plan": Action.READ_RESULTS,
    "plans.record_check_in": Action.EDIT_PLAN,
    "plans.set_action_done": Action.EDIT_PLAN,
    "plans.set_goal_status": Action.EDIT_PLAN,
    "quality.quality_report": Action.READ_ORGANISATION,
    "reliability.item_responses": Action.READ_AGGREGATES,
    "responses.current_draft_id": Action.READ_RESULTS,
    "responses.load_draft": Action.READ_RESULTS,
    "responses.open_draft": Action.TAKE_ASSESSMENT,
    # READ_RESULTS on the draft, then only its owner (refused with InvalidInput).
    "responses.save_answer": Action.TAKE_ASSESSMENT,
    "responses.submit_assessment": Action.TAKE_ASSESSMENT,
    "roster.import_roster": Action.MANAGE_COHORTS,
    "roster.validate_roster": Action.MANAGE_COHORTS,
    "teams.assessment_status": Action.READ_RESULTS,
    "teams.latest_scores": Action.READ_RESULTS,
    "teams.organisation_statistics": Action.READ_AGGREGATES,
    "teams.history": Action.READ_RESULTS,
    "teams.recent_changes": Action.READ_RESULTS,
    "teams.team_for": Action.READ_AGGREGATES,
    "teams.team_growth": Action.READ_RESULTS,
    "teams.team_figures": Action.READ_RESULTS,
    "preferences.email_settings": Action.CHOOSE_EMAILS,
    "preferences.choose": Action.CHOOSE_EMAILS,
    "preferences.set_time_zone": Action.CHOOSE_EMAILS,
    "preferences.set_any_hour": Action.CHOOSE_EMAILS,
    "preferences.retry_refused_address": Action.CHOOSE_EMAILS,
    "preferences.organisation_switches": Action.SWITCH_EMAILS,
    "preferences.switch": Action.SWITCH_EMAILS,
    "outbox.state_counts": Action.READ_OUTBOX,
    "outbox.messages": Action.READ_OUTBOX,
    "outbox.resend": Action.READ_OUTBOX,
    # --- KPIs and work plans (issue 23)
    "kpis.catalogue": Action.MANAGE_KPIS,
    "kpis.add_definition": Action.MANAGE_KPIS,
    "kpis.validate_kpi_file": Action.MANAGE_KPIS,
    "kpis.import_kpis": Action.MANAGE_KPIS,
    "work_plans.write_plan": Action.EDIT_WORK_PLAN,
    "work_plans.mark_reviewed": Action.EDIT_WORK_PLAN,
    "work_plans.add_plan_comment": Action.COMMENT_WORK_PLAN,
    "work_plans.work_plans": Action.READ_KPIS,
    "kpi_views.supervisor_kpis": (Action.READ_KPIS, Action.READ_RESULTS),
    "kpi_views.readable_teams": Action.READ_KPIS,
    "kpi_views.teams_kpis": Action.READ_KPIS,
    "kpi_views.cohort_kpi_review": Action.READ_ORGANISATION,
    "kpi_section.cohort_kpi_section": Action.READ_ORGANISATION,  # through cohort_kpi_review
    # --- issue 24: reports people keep ---
    "person_report.report_values": Action.DOWNLOAD_REPORT,
    "person_report.others_view": Action.DOWNLOAD_REPORT,
    "person_report.build": Action.DOWNLOAD_REPORT,
    "person_report.page": Action.DOWNLOAD_REPORT,
    "person_report.download": Action.DOWNLOAD_REPORT,
    "cohort_report.report_values": Action.EXPORT_COHORT,
    "cohort_report.build": Action.EXPORT_COHORT,
    "workbook.build": Action.EXPORT_COHORT,
    "batch.cohort_zip": Action.EXPORT_COHORT,
    # issue 22 (h-360-report): the 360 reports
    "feedback_reports.closed_rounds": Action.READ_FEEDBACK_REPORT,
    "feedback_reports.supervisor_report": Action.READ_FEEDBACK_REPORT,
    "feedback_reports.team_self_and_others": Action.READ_FEEDBACK_REPORT,
    "feedback_reports.cohort_campaigns": Action.READ_ORGANISATION,
    "feedback_reports.cohort_self_other": Action.READ_ORGANISATION,
    # issue 22: 360 rounds
    "feedback_rounds.start_round": Action.START_FEEDBACK,
    "feedback_rounds.start_cohort_rounds": (Action.START_FEEDBACK, Action.MANAGE_COHORTS),
    "feedback_rounds.nominate": Action.NOMINATE_RATERS,
    "feedback_rounds.remove_nomination": Action.NOMINATE_RATERS,
    "feedback_rounds.nominations": Action.NOMINATE_RATERS,
    "feedback_rounds.change_group": Action.APPROVE_RATERS,
    "feedback_rounds.approve_round": Action.APPROVE_RATERS,
    "feedback_rounds.reissue_code": Action.APPROVE_RATERS,
    "feedback_rounds.close_round": Action.APPROVE_RATERS,
    "feedback_rounds.round_progress": Action.READ_FEEDBACK_PROGRESS,
    "feedback_rounds.rounds": Action.READ_FEEDBACK_PROGRESS,
    "feedback_rounds.supervisors_for_feedback": Action.START_FEEDBACK,
}
# ui imports streamlit; __main__ runs the CLI on import; migrations are scripts.
_NOT_CORE = tuple(f"leadcoach.{name}" for name in ("ui", "__main__", "migrations"))


def _guarded_functions() -> dict[str, Callable]:
    found = {}
    for module_info in pkgutil.walk_packages(leadcoach.__path__, "leadcoach."):
        if module_info.name.startswith(_NOT_CORE):
            continue
        module = importlib.import_module(module_info.name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module.__name__:
                continue
            parameters = inspect.signature(function).parameters
            if all(
                key in parameters and parameters[key].kind is inspect.Parameter.KEYWORD_ONLY
                for key in ("session", "viewer")
            ):
                found[f"{module.__name__.rsplit('.', 1)[-1]}.{name}"] = function
    return found


def test_every_guarded_function_is_classified():
    found = _guarded_functions()
    unclassified = sorted(set(found) - set(GUARDED))
    assert not unclassified, (
        f"Classify {unclassified} in GUARDED (tests/test_access_policy.py) by the Action each "
        "enforces, and make sure it enforces it."
    )
    gone = sorted(set(GUARDED) - set(found))
    assert not gone, f"GUARDED lists functions that no longer exist: {gone}"


def test_every_action_is_enforced_somewhere():
    enforced = set()
    for value in GUARDED.values():
        if isinstance(value, tuple):
            enforced |= set(value)
        elif isinstance(value, Action):
            enforced.add(value)
    missing = sorted(a.value for a in set(Action) - enforced)
    assert not missing, f"no guarded function enforces {missing}"


# --- 3. The person-data readers, called for every role and subject ---------------------------


def _team_readable(viewer: Viewer, team_id: int | None) -> bool:
    """teams.require_teams: HR and admins read any team, others only teams they coach."""
    return viewer.role in (Role.HR, Role.ADMIN) or team_id in viewer.coached_team_ids


def _person(action: Action):
    return lambda viewer, subject: allowed(viewer, action, subject)


def _person_and_team(viewer: Viewer, subject: Person) -> bool:
    return allowed(viewer, Action.READ_RESULTS, subject) and _team_readable(viewer, subject.team_id)


def _passes_access(call) -> None:
    """Run a writer; a refusal of its input (not of access) still means access was granted."""
    with contextlib.suppress(InvalidInput):
        call()


def _team_kpis_readable(viewer: Viewer, subject: Person) -> bool:
    """A team's numbers: HR and admins any team; a coach the teams they coach; a supervisor
    their own team (shared with the team's other supervisors)."""
    if subject.team_id is None:
        return False
    if viewer.role in (Role.HR, Role.ADMIN):
        return True
    if viewer.role is Role.COACH:
        return subject.team_id in viewer.coached_team_ids
    own = object_session(subject).get(Person, viewer.person_id)
    return subject.team_id == own.team_id


# name -> (call(session, viewer, subject, instrument), expected(viewer, subject))
READERS: dict[str, tuple[Callable, Callable]] = {
    "results.person_scores": (
        lambda s, v, p, i: results.person_scores(session=s, viewer=v, person_id=p.id),
        _person(Action.READ_RESULTS),
    ),
    "results.person_submissions": (
        lambda s, v, p, i: results.person_submissions(session=s, viewer=v, person_id=p.id),
        _person(Action.READ_RESULTS),
    ),
    "people.person_name": (
        lambda s, v, p, i: people.person_name(session=s, viewer=v, person_id=p.id),
        _person(Action.READ_RESULTS),
    ),
    "people.supervisor_summary": (
        lambda s, v, p, i: people.supervisor_summary(
            session=s, viewer=v, person_id=p.id, reassessment_days=90
        ),
        _person(Action.READ_RESULTS),
    ),
    "plans.plan": (
        lambda s, v, p, i: plans.plan(session=s, viewer=v, person_id=p.id, instrument=i),
        _person(Action.READ_RESULTS),
    ),
    "notes.notes": (
        lambda s, v, p, i: notes.notes(session=s, viewer=v, person_id=p.id),
        _person(Action.READ_NOTES),
    ),
    "notes.add_note": (
        lambda s, v, p, i: notes.add_note(session=s, viewer=v, person_id=p.id, text="Seen"),
        _person(Action.WRITE_NOTES),
    ),
    "responses.current_draft_id": (
        lambda s, v, p, i: responses.current_draft_id(session=s, viewer=v, person_id=p.id),
        _person(Action.READ_RESULTS),
    ),
    "teams.latest_scores": (
        lambda s, v, p, i: teams.latest_scores(
            session=s, viewer=v, instrument=i, team_ids=[p.team_id]
        ),
        lambda v, p: _team_readable(v, p.team_id),
    ),
    "teams.team_figures": (
        lambda s, v, p, i: teams.team_figures(
            session=s, viewer=v, instrument=i, min_group=3, team_ids=[p.team_id]
        ),
        lambda v, p: _team_readable(v, p.team_id),
    ),
    # Issue 24: a person's report (its figures: the PDF is the same call plus the layout).
    "person_report.report_values": (
        lambda s, v, p, i: person_report.report_values(
            session=s, viewer=v, person_id=p.id, inputs=_report_inputs(s, i)
        ),
        _person(Action.DOWNLOAD_REPORT),
    ),
    "comparison.group_scores[person]": (
        lambda s, v, p, i: comparison.group_scores(
            session=s, viewer=v, instrument=i, group=comparison.GroupRef("person", p.id)
        ),
        _person_and_team,
    ),
    # --- KPIs and work plans (issue 23)
    "kpi_views.supervisor_kpis": (
        lambda s, v, p, i: kpi_views.supervisor_kpis(
            session=s, viewer=v, person_id=p.id, instrument=i
        ),
        _person(Action.READ_KPIS),
    ),
    "kpi_views.teams_kpis": (
        lambda s, v, p, i: (
            kpi_views.teams_kpis(session=s, viewer=v, team_ids=[p.team_id])
            if p.team_id is not None
            else kpi_views.teams_kpis(session=s, viewer=v, team_ids=[-1])
        ),
        _team_kpis_readable,
    ),
    "work_plans.work_plans": (
        lambda s, v, p, i: work_plans.work_plans(session=s, viewer=v, person_id=p.id),
        _person(Action.READ_KPIS),
    ),
    "work_plans.write_plan": (
        lambda s, v, p, i: _passes_access(
            lambda: work_plans.write_plan(
                session=s,
                viewer=v,
                person_id=p.id,
                cadence="month",
                starts_on=date(2026, 1, 1),
                expectations="Answer within 20 seconds",
                actions="Coach two agents a week",
                targets=[work_plans.TargetSpec(kpi_views.measures(s).popitem()[0], 10)],
            )
        ),
        _person(Action.EDIT_WORK_PLAN),
    ),
}


def _report_inputs(session, instrument) -> person_report.Inputs:
    return person_report.Inputs(
        instrument=instrument,
        tips={},
        thresholds={},
        norm_sample=norms.NormSample(norms.norm_scores(session, instrument)),
        min_norm_group=100,
        min_group=3,
    )


@pytest.mark.parametrize("name", READERS)
def test_readers_allow_exactly_what_the_policy_allows(engine, org, instrument, name):
    submit(engine, org.sup_a1, instrument, keyed_answers(instrument, {}), datetime.now(UTC))
    call, expected = READERS[name]
    people_ids = [org.sup_a1, org.sup_a2, org.sup_b1, org.coach_a, org.hr, org.admin]
    wrong = []
    for role, attribute in ROLE_PERSON.items():
        for subject_id in people_ids:
            with session_scope(engine) as session:
                viewer = org.viewer(session, getattr(org, attribute))
                subject = session.get(Person, subject_id)
                should = expected(viewer, subject)
                try:
                    call(session, viewer, subject, instrument)
                    did = True
                except AccessDenied:
                    did = False
                session.rollback()  # writers (add_note) leave nothing behind
            if did != should:
                wrong.append((role.value, subject.name, "allowed" if did else "denied"))
    assert not wrong, f"{name} disagrees with the policy (viewer role, subject, got): {wrong}"


def test_the_team_and_organisation_comparisons_follow_the_policy(engine, org, instrument):
    wrong = []
    for role, attribute in ROLE_PERSON.items():
        for kind, group_id in [("team", org.team_a), ("team", org.team_b), ("organisation", None)]:
            with session_scope(engine) as session:
                viewer = org.viewer(session, getattr(org, attribute))
                if kind == "team":
                    should = _team_readable(viewer, group_id)
                else:
                    should = allowed(viewer, Action.READ_AGGREGATES)
                try:
                    comparison.group_statistics(
                        session=session,
                        viewer=viewer,
                        instrument=instrument,
                        group=comparison.GroupRef(kind, group_id),
                        min_group=3,
                    )
                    did = True
                except AccessDenied:
                    did = False
            if did != should:
                wrong.append((role.value, kind, group_id, did))
    assert not wrong, f"group_statistics disagrees with the policy: {wrong}"


# --- 4. Issue 22: the 360 round functions, for every role and every supervisor ---------------


def test_feedback_round_functions_follow_the_policy(engine, org, instrument):
    from datetime import date, timedelta

    from leadcoach.platform.config import Settings
    from leadcoach.programmes import feedback_rounds

    settings = Settings(database_url="sqlite://")
    today = date(2027, 3, 1)
    round_of = {}
    with session_scope(engine) as session:
        hr = org.viewer(session, org.hr)
        for supervisor in (org.sup_a1, org.sup_a2, org.sup_b1):
            round_of[supervisor] = feedback_rounds.start_round(
                session=session, viewer=hr, supervisor_id=supervisor, opens_on=today,
                closes_on=today + timedelta(days=7), instrument=instrument, today=today,
            )  # fmt: skip
    calls = {
        Action.READ_FEEDBACK_PROGRESS: lambda s, v, r: feedback_rounds.round_progress(
            session=s, viewer=v, round_id=r
        ),
        Action.NOMINATE_RATERS: lambda s, v, r: feedback_rounds.nominate(
            session=s,
            viewer=v,
            round_id=r,
            group="peer",
            settings=settings,
            name="Pat Peer",
            email="pat.peer@rater.example",
        ),
        Action.APPROVE_RATERS: lambda s, v, r: feedback_rounds.close_round(
            session=s, viewer=v, round_id=r
        ),
    }
    wrong = []
    for role, attribute in ROLE_PERSON.items():
        for supervisor, round_id in round_of.items():
            for action, call in calls.items():
                with session_scope(engine) as session:
                    viewer = org.viewer(session, getattr(org, attribute))
                    should = allowed(viewer, action, session.get(Person, supervisor))
                    try:
                        call(session, viewer, round_id)
                        did = True
                    except AccessDenied:
                        did = False
                    session.rollback()
                if did != should:
                    wrong.append((role.value, action.value, supervisor, did))
    assert not wrong, f"360 round functions disagree with the policy: {wrong}"
    # An unknown round is refused exactly like a forbidden one.
    with session_scope(engine) as session, pytest.raises(AccessDenied):
        feedback_rounds.round_progress(
            session=session, viewer=org.viewer(session, org.hr), round_id=999999
        )
