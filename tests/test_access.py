"""The access policy, decided below the pages: own data, coached teams, everyone."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from datetime import date

import pytest

import leadcoach
from leadcoach.assessment import responses, results
from leadcoach.coaching import comparison, notes, plans, teams
from leadcoach.measurement import norms
from leadcoach.people import access, people
from leadcoach.people.access import Action, allowed, load_viewer, person_for
from leadcoach.platform.db import session_scope
from leadcoach.platform.errors import AccessDenied, LeadCoachError
from leadcoach.platform.models import CoachingNote, DevelopmentGoal, GoalAction, Person
from leadcoach.programmes import feedback_reports, kpi_views, work_plans
from leadcoach.reporting import person_report
from tests.factories import build_org

# ui imports streamlit; __main__ runs the CLI on import; migrations are scripts.
_NOT_CORE = tuple(f"leadcoach.{name}" for name in ("ui", "__main__", "migrations"))


@pytest.fixture
def org(engine):
    with session_scope(engine) as session:
        return build_org(session)


def _can_read(engine, org, viewer_id, subject_id) -> bool:
    with session_scope(engine) as session:
        viewer = org.viewer(session, viewer_id)
        return allowed(viewer, Action.READ_RESULTS, session.get(Person, subject_id))


def test_who_reads_whose_results(engine, org):
    expected = {
        (org.sup_a1, org.sup_a1): True,
        (org.sup_a1, org.sup_a2): False,
        (org.sup_a1, org.sup_b1): False,
        (org.coach_a, org.sup_a1): True,
        (org.coach_a, org.sup_a2): True,
        (org.coach_a, org.sup_b1): False,  # team B is not theirs to coach
        (org.hr, org.sup_b1): True,
        (org.admin, org.sup_a1): True,
    }
    actual = {pair: _can_read(engine, org, *pair) for pair in expected}
    assert actual == expected


def test_a_refused_read_raises_access_denied(engine, org):
    with pytest.raises(AccessDenied), session_scope(engine) as session:
        coach = org.viewer(session, org.coach_a)
        person_for(session=session, viewer=coach, action=Action.READ_RESULTS, person_id=org.sup_b1)


def test_lists_show_only_visible_people(engine, org):
    with session_scope(engine) as session:
        names = {
            viewer_id: set(
                people.people_overview(session=session, viewer=org.viewer(session, viewer_id))[
                    "name"
                ]
            )
            for viewer_id in (org.sup_a1, org.coach_a, org.hr)
        }
    assert names[org.sup_a1] == {"Sup A One"}
    assert names[org.coach_a] == {"Sup A One", "Sup A Two"}
    assert names[org.hr] == {"Sup A One", "Sup A Two", "Sup B One"}


def test_only_admins_manage_accounts(engine, org):
    with session_scope(engine) as session:
        assert len(people.accounts_overview(session=session, viewer=org.viewer(session, org.admin)))
        for viewer_id in (org.sup_a1, org.coach_a, org.hr):
            with pytest.raises(AccessDenied):
                people.accounts_overview(session=session, viewer=org.viewer(session, viewer_id))


# --- An unknown id reads exactly as someone else's ------------------------------------------

UNKNOWN = 999_999


def _others(engine, org, instrument) -> dict[str, int]:
    """Ids of things that exist but belong to Sup B One (team B), whom neither Sup A One
    nor Coach A (team A) may see: a person, a team, an open assessment, a goal, its action
    and a coaching note."""
    with session_scope(engine) as session:
        owner = org.viewer(session, org.sup_b1)
        draft = responses.open_draft(session=session, viewer=owner, instrument=instrument)
        goal = DevelopmentGoal(
            person_id=org.sup_b1, skill_id="S1", specific="Listen first", target_date=date.today()
        )
        session.add(goal)
        session.flush()
        action = GoalAction(goal_id=goal.id, text="Ask one open question per call")
        note = CoachingNote(person_id=org.sup_b1, author_id=org.admin, text="Seen")
        session.add_all([action, note])
        session.flush()
        return {"person": org.sup_b1, "team": org.team_b, "draft": draft, "goal": goal.id,
                "action": action.id, "note": note.id}  # fmt: skip


def _first_item(instrument) -> str:
    return next(iter(instrument.items_for(frozenset())))[1].id


# name -> (kind of id, call(session, viewer, instrument, id))
ID_LOOKUPS = {
    "access.person_for": ("person", lambda s, v, i, x: person_for(
        session=s, viewer=v, action=Action.READ_RESULTS, person_id=x)),
    "people.person_name": ("person", lambda s, v, i, x: people.person_name(
        session=s, viewer=v, person_id=x)),
    "people.supervisor_summary": ("person", lambda s, v, i, x: people.supervisor_summary(
        session=s, viewer=v, person_id=x, reassessment_days=90)),
    "results.person_scores": ("person", lambda s, v, i, x: results.person_scores(
        session=s, viewer=v, person_id=x)),
    "results.person_submissions": ("person", lambda s, v, i, x: results.person_submissions(
        session=s, viewer=v, person_id=x)),
    "responses.current_draft_id": ("person", lambda s, v, i, x: responses.current_draft_id(
        session=s, viewer=v, person_id=x)),
    "plans.plan": ("person", lambda s, v, i, x: plans.plan(
        session=s, viewer=v, person_id=x, instrument=i)),
    "notes.notes": ("person", lambda s, v, i, x: notes.notes(session=s, viewer=v, person_id=x)),
    "notes.add_note": ("person", lambda s, v, i, x: notes.add_note(
        session=s, viewer=v, person_id=x, text="Seen")),
    "norms.norm_percentiles": ("person", lambda s, v, i, x: norms.norm_percentiles(
        session=s, viewer=v, person_id=x, instrument=i, min_norm_group=5)),
    "comparison.group_scores[person]": ("person", lambda s, v, i, x: comparison.group_scores(
        session=s, viewer=v, instrument=i, group=comparison.GroupRef("person", x))),
    "comparison.group_scores[team]": ("team", lambda s, v, i, x: comparison.group_scores(
        session=s, viewer=v, instrument=i, group=comparison.GroupRef("team", x))),
    "teams.team_for": ("team", lambda s, v, i, x: teams.team_for(
        session=s, viewer=v, team_id=x)),
    "teams.latest_scores": ("team", lambda s, v, i, x: teams.latest_scores(
        session=s, viewer=v, instrument=i, team_ids=[x])),
    "responses.load_draft": ("draft", lambda s, v, i, x: responses.load_draft(
        session=s, viewer=v, draft_id=x)),
    "responses.save_answer": ("draft", lambda s, v, i, x: responses.save_answer(
        session=s, viewer=v, draft_id=x, item_id=_first_item(i), value=3)),
    "responses.submit_assessment": ("draft", lambda s, v, i, x: responses.submit_assessment(
        session=s, viewer=v, draft_id=x)),
    "plans.add_action": ("goal", lambda s, v, i, x: plans.add_action(
        session=s, viewer=v, goal_id=x, text="Try")),
    "plans.add_comment": ("goal", lambda s, v, i, x: plans.add_comment(
        session=s, viewer=v, goal_id=x, text="Well done")),
    "plans.record_check_in": ("goal", lambda s, v, i, x: plans.record_check_in(
        session=s, viewer=v, goal_id=x, progress=50)),
    "plans.set_goal_status": ("goal", lambda s, v, i, x: plans.set_goal_status(
        session=s, viewer=v, goal_id=x, status="achieved")),
    "plans.set_action_done": ("action", lambda s, v, i, x: plans.set_action_done(
        session=s, viewer=v, action_id=x, done=True)),
    "notes.set_shared": ("note", lambda s, v, i, x: notes.set_shared(
        session=s, viewer=v, note_id=x, shared=True)),
    # issue 22 (h-360-report)
    "feedback_reports.closed_rounds": ("person", lambda s, v, i, x: (
        feedback_reports.closed_rounds(session=s, viewer=v, supervisor_id=x))),
    "feedback_reports.supervisor_report": ("person", lambda s, v, i, x: (
        feedback_reports.supervisor_report(session=s, viewer=v, supervisor_id=x, instrument=i,
                                           thresholds={}, min_raters=3))),
    # issue 24: the person's report is refused before its inputs are read
    **{f"person_report.{name}": ("person", lambda s, v, i, x, name=name: getattr(
        person_report, name)(session=s, viewer=v, person_id=x, inputs=None))
       for name in ("report_values", "build", "download", "page", "others_view")},
    # issue 23
    "kpi_views.supervisor_kpis": ("person", lambda s, v, i, x: kpi_views.supervisor_kpis(
        session=s, viewer=v, person_id=x, instrument=i)),
    "work_plans.work_plans": ("person", lambda s, v, i, x: work_plans.work_plans(
        session=s, viewer=v, person_id=x)),
    "work_plans.write_plan": ("person", lambda s, v, i, x: work_plans.write_plan(
        session=s, viewer=v, person_id=x, cadence="month", starts_on=date(2026, 5, 1),
        expectations="", actions="", targets=[])),
}  # fmt: skip


def _outcome(engine, viewer_id: int, call, instrument, id_: int) -> tuple[str, str]:
    with session_scope(engine) as session:
        viewer = load_viewer(session=session, person_id=viewer_id)
        try:
            call(session, viewer, instrument, id_)
        except LeadCoachError as error:
            return type(error).__name__, str(error)
        finally:
            session.rollback()  # writers leave nothing behind
    return "returned", ""


@pytest.mark.parametrize(
    "name",
    list(ID_LOOKUPS),
)
def test_an_unknown_id_is_refused_exactly_as_someone_elses(engine, org, instrument, name):
    """Otherwise trying ids one by one would tell which people, teams, assessments exist."""
    others = _others(engine, org, instrument)
    kind, call = ID_LOOKUPS[name]
    for viewer_id in (org.sup_a1, org.coach_a):
        unknown = _outcome(engine, viewer_id, call, instrument, UNKNOWN)
        someone_elses = _outcome(engine, viewer_id, call, instrument, others[kind])
        assert someone_elses == ("AccessDenied", access.NO_ACCESS), (viewer_id, someone_elses)
        assert unknown == someone_elses, (viewer_id, unknown)


def test_every_core_function_taking_an_id_is_checked_for_unknown_ids():
    """A new core function that looks something up by id must join ID_LOOKUPS (or say here
    why every id is visible to whoever may call it)."""
    visible_to_all_callers = {  # admins and HR, who may see every one of these anyway
        "accounts.change_role", "accounts.reset_password", "accounts.unlock",
        "accounts.add_person", "erasure.erase_person", "access.cohort_for",
        "quality.quality_report",
        "cohorts.add_members", "cohorts.add_round", "cohorts.chase_list",
        "cohorts.cohort_members", "cohorts.cohort_review", "cohorts.cohort_rounds",
        "cohorts.completion", "cohorts.remove_member", "cohorts.round_scores",
        "feedback_reports.cohort_campaigns", "feedback_reports.cohort_self_other",
        # HR and admins only (EXPORT_COHORT, READ_ORGANISATION, MANAGE_COHORTS)
        "batch.cohort_zip", "cohort_report.build", "workbook.build",
        "kpi_views.cohort_kpi_review", "kpi_section.cohort_kpi_section",
        "feedback_rounds.start_cohort_rounds",
        "quality.report_scope",
        # A rater may be anyone in the organisation (a peer on another team, a manager):
        # nominating by person id names people the nomination list shows anyway.
        "feedback_rounds.nominate",
    }  # fmt: skip
    listed = {name.split("[")[0] for name in ID_LOOKUPS}
    by_id = set()
    for module_info in pkgutil.walk_packages(leadcoach.__path__, "leadcoach."):
        if module_info.name.startswith(_NOT_CORE):
            continue
        module = importlib.import_module(module_info.name)
        for function_name, function in inspect.getmembers(module, inspect.isfunction):
            if function_name.startswith("_") or function.__module__ != module.__name__:
                continue
            parameters = inspect.signature(function).parameters
            if "viewer" in parameters and any(
                key in parameters
                for key in ("person_id", "team_id", "draft_id", "goal_id", "action_id",
                            "note_id", "cohort_id")
            ):  # fmt: skip
                by_id.add(f"{module.__name__.rsplit('.', 1)[-1]}.{function_name}")
    missing = sorted(by_id - listed - visible_to_all_callers)
    assert not missing, f"Add {missing} to ID_LOOKUPS in tests/test_access.py."
