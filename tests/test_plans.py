"""Development plans: rules, validation, and who may read, change or comment."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from leadcoach.coaching import plans
from leadcoach.platform.db import session_scope
from leadcoach.platform.errors import AccessDenied, InvalidInput
from tests.factories import build_org

TODAY = date(2026, 11, 2)


@pytest.fixture
def org(engine):
    with session_scope(engine) as session:
        return build_org(session)


def _add(engine, org, instrument, skill_id="DEC", **overrides):
    arguments = {
        "skill_id": skill_id,
        "specific": "Decide on outage actions within 10 minutes",
        "measure": "Incident log shows time to first action",
        "target_date": TODAY + timedelta(days=90),
        "actions": [("Write an outage playbook", "Write a 10-minute outage playbook")],
        "today": TODAY,
        **overrides,
    }
    with session_scope(engine) as session:
        return plans.add_goal(
            session=session,
            viewer=org.viewer(session, org.sup_a1),
            instrument=instrument,
            **arguments,
        )


def test_a_goal_with_actions_check_ins_and_a_coach_comment(engine, org, instrument):
    goal_id = _add(engine, org, instrument)
    with session_scope(engine) as session:
        me = org.viewer(session, org.sup_a1)
        plans.record_check_in(session=session, viewer=me, goal_id=goal_id, progress=40, note="ok")
        plans.record_check_in(session=session, viewer=me, goal_id=goal_id, progress=60)
    with session_scope(engine) as session:
        coach = org.viewer(session, org.coach_a)
        plans.add_comment(session=session, viewer=coach, goal_id=goal_id, text="Good progress")
        goals = plans.plan(
            session=session, viewer=coach, person_id=org.sup_a1, instrument=instrument
        )
    (goal,) = goals
    assert goal.skill == instrument.skill("DEC").name
    assert [c.progress for c in goal.check_ins] == [40, 60]
    assert goal.progress == 60
    assert goal.actions[0].tip_title == "Write a 10-minute outage playbook"
    assert [(c.author, c.text) for c in goal.comments] == [("Coach A", "Good progress")]
    summary = plans.summary(goals)
    assert summary.active_goals == 1 and summary.last_check_in is not None


def test_at_most_three_focus_skills(engine, org, instrument):
    for skill_id in ("DEC", "COM", "PLN"):
        _add(engine, org, instrument, skill_id)
    _add(engine, org, instrument, "DEC", specific="A second goal for a focus skill")
    with pytest.raises(InvalidInput, match="at most 3 focus skills"):
        _add(engine, org, instrument, "OPS")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"specific": "   "}, "Goal: write something"),
        ({"specific": "x" * 501}, "Goal: use at most 500 characters"),
        ({"target_date": TODAY}, "Target date: choose a date after today"),
        ({"target_date": TODAY + timedelta(days=400)}, "within a year"),
        ({"skill_id": "REM"}, "not one of your skills"),  # sup_a1 leads no remote team
        ({"skill_id": "NOPE"}, "not one of your skills"),
    ],
)
def test_bad_goals_are_refused_and_nothing_is_written(engine, org, instrument, overrides, message):
    with pytest.raises(InvalidInput, match=message):
        _add(engine, org, instrument, **overrides)
    with session_scope(engine) as session:
        me = org.viewer(session, org.sup_a1)
        assert (
            plans.plan(session=session, viewer=me, person_id=org.sup_a1, instrument=instrument)
            == []
        )


def test_check_in_progress_must_be_a_percentage(engine, org, instrument):
    goal_id = _add(engine, org, instrument)
    for bad in (-1, 101, 50.5, "50", True):
        with pytest.raises(InvalidInput, match="Progress"), session_scope(engine) as session:
            me = org.viewer(session, org.sup_a1)
            plans.record_check_in(session=session, viewer=me, goal_id=goal_id, progress=bad)


def test_only_the_owner_changes_a_plan_and_only_their_coach_comments(engine, org, instrument):
    goal_id = _add(engine, org, instrument)
    refused = [
        (org.sup_a2, plans.record_check_in, {"progress": 10}),
        (org.coach_a, plans.record_check_in, {"progress": 10}),  # coaches comment, not edit
        (org.sup_b1, plans.add_comment, {"text": "hi"}),
        (org.hr, plans.add_comment, {"text": "hi"}),
        (org.sup_b1, plans.set_goal_status, {"status": "dropped"}),
    ]
    for viewer_id, action, extra in refused:
        with pytest.raises(AccessDenied), session_scope(engine) as session:
            action(session=session, viewer=org.viewer(session, viewer_id), goal_id=goal_id, **extra)
    with pytest.raises(AccessDenied), session_scope(engine) as session:
        plans.plan(
            session=session,
            viewer=org.viewer(session, org.sup_b1),
            person_id=org.sup_a1,
            instrument=instrument,
        )


def test_goal_status_and_actions(engine, org, instrument):
    goal_id = _add(engine, org, instrument)
    with session_scope(engine) as session:
        me = org.viewer(session, org.sup_a1)
        plans.add_action(session=session, viewer=me, goal_id=goal_id, text="Review with WFM")
        goal = plans.plan(session=session, viewer=me, person_id=org.sup_a1, instrument=instrument)[
            0
        ]
        plans.set_action_done(session=session, viewer=me, action_id=goal.actions[1].id, done=True)
        plans.set_goal_status(session=session, viewer=me, goal_id=goal_id, status="achieved")
        with pytest.raises(InvalidInput, match="not active, achieved or dropped"):
            plans.set_goal_status(session=session, viewer=me, goal_id=goal_id, status="won")
    with session_scope(engine) as session:
        me = org.viewer(session, org.sup_a1)
        (goal,) = plans.plan(
            session=session, viewer=me, person_id=org.sup_a1, instrument=instrument
        )
    assert goal.status == "achieved"
    assert [a.done for a in goal.actions] == [False, True]
    assert plans.summary([goal]).active_goals == 0
