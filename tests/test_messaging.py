"""Messaging core: who is due for which email, the outbox's unique key, people's choices,
organisation switches, unsubscribe links, quiet hours and the templates."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import func, select

from leadcoach.coaching import notes, plans
from leadcoach.messaging import due, hours, outbox, preferences, scheduler
from leadcoach.messaging.kinds import KINDS, Kind, kinds_for
from leadcoach.messaging.templates import TemplateError, Templates, templates
from leadcoach.people.access import load_viewer
from leadcoach.platform.db import session_scope
from leadcoach.platform.errors import AccessDenied, InvalidInput
from leadcoach.platform.models import (
    AuditEvent,
    Cohort,
    CohortMember,
    CohortRound,
    OutboxMessage,
    Person,
    Role,
)
from tests.factories import build_org, keyed_answers, submit

NOW = datetime(2026, 11, 4, 10, 0, tzinfo=UTC)  # a Wednesday, daytime in London and Manila


@pytest.fixture
def org(engine):
    with session_scope(engine) as session:
        return build_org(session)


def _due(engine, settings, instrument, now=NOW):
    with session_scope(engine) as session:
        return {c.key: c for c in due.due(session, now, settings, instrument)}


def _rows(engine):
    with session_scope(engine) as session:
        return session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()


# --- quiet hours (pure) -----------------------------------------------------------------------


def test_quiet_hours_run_over_midnight_in_the_persons_own_zone():
    start, end = time(20), time(8)
    assert hours.is_quiet(time(20, 0), start, end)
    assert hours.is_quiet(time(7, 59), start, end)
    assert not hours.is_quiet(time(8, 0), start, end)
    assert not hours.is_quiet(time(19, 59), start, end)
    assert not hours.is_quiet(time(3), time(8), time(8))  # equal ends: no quiet hours
    manila = ZoneInfo("Asia/Manila")  # UTC+8
    # 22:00 UTC is 06:00 in Manila: wait until 08:00 there, which is 00:00 UTC.
    late = datetime(2026, 11, 4, 22, 0, tzinfo=UTC)
    assert hours.first_allowed(late, manila, start, end) == datetime(2026, 11, 5, 0, 0, tzinfo=UTC)
    # 13:00 UTC is 21:00 in Manila: wait until 08:00 the next morning there.
    evening = datetime(2026, 11, 4, 13, 0, tzinfo=UTC)
    assert hours.first_allowed(evening, manila, start, end) == datetime(
        2026, 11, 5, 0, 0, tzinfo=UTC
    )
    # In London's daytime nothing waits.
    assert hours.first_allowed(NOW, ZoneInfo("Europe/London"), start, end) == NOW
    # The clocks go back in London on 25 October 2026: 08:00 local is 08:00 UTC after it.
    night = datetime(2026, 10, 25, 2, 30, tzinfo=UTC)
    assert hours.first_allowed(night, ZoneInfo("Europe/London"), start, end) == datetime(
        2026, 10, 25, 8, 0, tzinfo=UTC
    )


# --- templates --------------------------------------------------------------------------------


def test_every_kind_has_a_template_with_link_reason_and_a_way_to_stop():
    values = {
        "name": "Ana", "link": "https://lc.example/plan", "stop_link": "https://lc.example/stop",
        "last_date": "1 May", "due_date": "1 Aug", "days": 90, "minutes": 15, "answered": 10,
        "idle_days": 3, "skill": "Delegation", "author": "Priya", "cohort": "Spring",
        "round": "Day 90", "opens_on": "1 May", "closes_on": "21 May", "members": 4,
        "submitted": ["A"], "missing": 1, "percent": 75, "teams": "Leeds", "overdue": ["B"],
        "no_check_in": [], "check_in_days": 30,
        "plan": "March 2026",  # issue 23
        # issue 22: rater emails
        "rater_name": "Rui", "supervisor": "Sam", "group": "peer", "self_form": False,
    }  # fmt: skip
    for kind in Kind:
        values["submitted"] = 3 if kind is Kind.ROUND_SUMMARY else ["A"]
        rendered = templates().render(kind, values)
        assert "https://lc.example/plan" in rendered.body, kind
        assert "https://lc.example/stop" in rendered.body, kind
        assert "You get this email because " in rendered.body, kind
        assert "{{" not in rendered.body + rendered.subject, kind
        assert "None" not in rendered.body + rendered.subject, kind
        assert "\n" not in rendered.subject, kind


def test_a_template_missing_a_kind_or_a_value_is_refused():
    parts = {"subject": "s", "why": "w", "body": "b"}
    kinds = {k.value: parts for k in Kind if k is not Kind.ROUND_SUMMARY}
    with pytest.raises(TemplateError, match=r"round_summary\.why"):
        Templates({"footer": "x", "kinds": kinds})
    with pytest.raises(Exception, match="is undefined"):
        templates().render(Kind.PLAN_CHECK_IN, {"name": "Ana", "link": "l", "stop_link": "s"})


# --- who is due -------------------------------------------------------------------------------


def test_reassessment_is_due_after_the_cycle_then_overdue_and_ends_with_a_new_submission(
    engine, settings, org, instrument
):
    answers = keyed_answers(instrument, {})
    submit(engine, org.sup_a1, instrument, answers, NOW - timedelta(days=91))
    submit(engine, org.sup_a2, instrument, answers, NOW - timedelta(days=89))
    submit(engine, org.sup_b1, instrument, answers, NOW - timedelta(days=120))
    found = _due(engine, settings, instrument)
    kinds = {(key[0], key[1], key[3]) for key in found}
    assert {k for k in kinds if k[1].startswith("reassessment")} == {
        (org.sup_a1, "reassessment_due", "due"),
        (org.sup_b1, "reassessment_overdue", "overdue"),
    }
    submit(engine, org.sup_a1, instrument, answers, NOW - timedelta(hours=1))
    found = _due(engine, settings, instrument)
    assert not [k for k in found if k[0] == org.sup_a1 and k[1].startswith("reassessment")]


def test_plan_check_ins_comments_and_shared_notes_are_due(engine, settings, org, instrument):
    with session_scope(engine) as session:
        me = load_viewer(session=session, person_id=org.sup_a1)
        goal = plans.add_goal(
            session=session, viewer=me, instrument=instrument, skill_id=instrument.skills[0].id,
            specific="Run a weekly huddle", measure="", target_date=date(2027, 3, 1),
            today=date(2026, 9, 1),
        )  # fmt: skip
        stored = session.get(plans.DevelopmentGoal, goal)
        stored.created_at = NOW - timedelta(days=31)
        coach = load_viewer(session=session, person_id=org.coach_a)
        plans.add_comment(session=session, viewer=coach, goal_id=goal, text="Good start")
        plans.add_comment(session=session, viewer=me, goal_id=goal, text="My own note")
        note_id = notes.add_note(
            session=session, viewer=coach, person_id=org.sup_a1, text="Seen", shared=True
        )
        notes.add_note(session=session, viewer=coach, person_id=org.sup_a2, text="Private")
    found = _due(engine, settings, instrument, now=datetime.now(UTC))
    mine = sorted((k[1], k[2]) for k in found if k[0] == org.sup_a1)
    assert [k for k, _ in mine] == ["note_shared", "plan_check_in", "plan_comment"]
    assert ("note_shared", f"note:{note_id}") in mine
    assert not [k for k in found if k[0] == org.sup_a2]


def test_rounds_invite_remind_and_summarise_only_those_who_have_not_submitted(
    engine, settings, org, instrument
):
    with session_scope(engine) as session:
        cohort = Cohort(name="Spring intake", start_date=date(2026, 10, 1))
        session.add(cohort)
        session.flush()
        for person_id in (org.sup_a1, org.sup_a2, org.sup_b1):
            session.add(CohortMember(cohort_id=cohort.id, person_id=person_id))
        session.add(
            CohortRound(
                cohort_id=cohort.id,
                name="Baseline",
                opens_on=date(2026, 11, 2),
                closes_on=date(2026, 11, 20),
            )
        )
    submit(engine, org.sup_a2, instrument, keyed_answers(instrument, {}), NOW - timedelta(hours=2))
    opened = _due(engine, settings, instrument)
    assert sorted((k[0], k[1], k[3]) for k in opened if k[1].startswith("round")) == [
        (org.sup_a1, "round_opens", "opens"),
        (org.sup_b1, "round_opens", "opens"),
    ]
    closing = _due(engine, settings, instrument, now=datetime(2026, 11, 18, 9, tzinfo=UTC))
    assert sorted((k[0], k[1]) for k in closing if k[1].startswith("round")) == [
        (org.sup_a1, "round_closes"),
        (org.sup_b1, "round_closes"),
    ]
    closed = _due(engine, settings, instrument, now=datetime(2026, 11, 21, 9, tzinfo=UTC))
    summaries = [c for k, c in closed.items() if k[1] == "round_summary"]
    assert [(c.recipient.id, c.values["submitted"], c.values["members"]) for c in summaries] == [
        (org.hr, 1, 3)
    ]
    assert summaries[0].page == f"review?cohort={cohort.id}"


def test_the_weekly_digest_goes_on_mondays_to_coaches_with_something_to_report(
    engine, settings, org, instrument
):
    monday = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
    assert not [k for k in _due(engine, settings, instrument, monday) if k[1] == "coach_digest"]
    answers = keyed_answers(instrument, {})
    submit(engine, org.sup_a1, instrument, answers, monday - timedelta(days=2))
    submit(engine, org.sup_b1, instrument, answers, monday - timedelta(days=2))
    found = _due(engine, settings, instrument, monday)
    digests = [c for k, c in found.items() if k[1] == "coach_digest"]
    assert [(c.recipient.id, c.event, c.values["submitted"]) for c in digests] == [
        (org.coach_a, "week:2026-W45", ["Sup A One"])  # not team B's person
    ]
    assert not [k for k in _due(engine, settings, instrument) if k[1] == "coach_digest"]


# --- the outbox's unique key, choices and switches --------------------------------------------


def test_queueing_twice_queues_once(engine, settings, org, instrument):
    submit(engine, org.sup_a1, instrument, keyed_answers(instrument, {}), NOW - timedelta(days=95))
    first = scheduler.queue_due(engine, settings, instrument, NOW)
    again = scheduler.queue_due(engine, settings, instrument, NOW + timedelta(minutes=5))
    assert (first.queued, again.queued) == (first.due, 0)
    rows = _rows(engine)
    assert [(r.recipient_id, r.kind, r.state) for r in rows] == [
        (org.sup_a1, "reassessment_due", "queued")
    ]
    assert rows[0].link == "http://localhost:8501/assessment"


def test_choices_and_switches_stop_queueing_and_an_unsubscribe_link_turns_one_kind_off(
    engine, settings, org, instrument
):
    for person_id, days in ((org.sup_a1, 95), (org.sup_a2, 95), (org.sup_b1, 95)):
        submit(engine, person_id, instrument, keyed_answers(instrument, {}), NOW - timedelta(days))
    with session_scope(engine) as session:
        key = preferences.link_key(session, settings)
        email = session.get(Person, org.sup_a1).email
        token = preferences.stop_token(key, org.sup_a1, "reassessment_due", email)
        forged = preferences.stop_token(key, org.sup_a2, "reassessment_due", email)
    with session_scope(engine) as session:
        done = preferences.unsubscribe(session=session, settings=settings, token=token)
        assert (done.person_id, done.kind, done.changed) == (
            org.sup_a1,
            Kind.REASSESSMENT_DUE,
            True,
        )
    for broken in (forged, token[:-2] + "xx", "3.nope.abc", "rubbish"):
        with (
            pytest.raises(InvalidInput, match="broken or out of date"),
            session_scope(engine) as session,
        ):
            preferences.unsubscribe(session=session, settings=settings, token=broken)
    with session_scope(engine) as session:
        hr = load_viewer(session=session, person_id=org.hr)
        supervisor = load_viewer(session=session, person_id=org.sup_b1)
        with pytest.raises(AccessDenied):
            preferences.switch(session=session, viewer=supervisor, kind="reassessment_due",
                               enabled=False)  # fmt: skip
        assert preferences.choose(session=session, viewer=supervisor, kind="reassessment_due",
                                  enabled=False)  # fmt: skip
    scheduler.queue_due(engine, settings, instrument, NOW)
    assert [r.recipient_id for r in _rows(engine)] == [org.sup_a2]
    with session_scope(engine) as session:
        hr = load_viewer(session=session, person_id=org.hr)
        assert preferences.switch(session=session, viewer=hr, kind="plan_comment", enabled=False)
        assert not preferences.switches(session)[Kind.PLAN_COMMENT]
        actions = session.exec(select(AuditEvent.action)).all()
    assert {"email_unsubscribed", "email_choice_changed", "email_kind_switched"} <= set(actions)
    # The person turns the kind on again in the app.
    with session_scope(engine) as session:
        me = load_viewer(session=session, person_id=org.sup_a1)
        assert preferences.choose(session=session, viewer=me, kind="reassessment_due", enabled=True)
        shown = preferences.email_settings(session=session, viewer=me, settings=settings)
        assert [c.kind for c in shown.choices] == kinds_for(Role.SUPERVISOR)
        assert all(c.enabled for c in shown.choices)


def test_a_time_zone_is_checked_and_moves_the_sending_time(engine, settings, org, instrument):
    with session_scope(engine) as session:
        me = load_viewer(session=session, person_id=org.sup_b1)
        with pytest.raises(InvalidInput, match='"Mars/Olympus" is not a time zone'):
            preferences.set_time_zone(session=session, viewer=me, time_zone="Mars/Olympus")
        assert preferences.set_time_zone(session=session, viewer=me, time_zone="Asia/Manila")
    submit(engine, org.sup_b1, instrument, keyed_answers(instrument, {}), NOW - timedelta(days=95))
    evening_in_manila = datetime(2026, 11, 4, 14, 0, tzinfo=UTC)  # 22:00 there
    scheduler.queue_due(engine, settings, instrument, evening_in_manila)
    (row,) = _rows(engine)
    assert row.send_after.replace(tzinfo=UTC) == datetime(2026, 11, 5, 0, 0, tzinfo=UTC)


def test_kinds_are_all_labelled_for_people():
    assert set(KINDS) == set(Kind)
    for info in KINDS.values():
        assert info.label[0].isupper() and "_" not in info.label


def test_only_admins_read_the_outbox(engine, settings, org):
    with session_scope(engine) as session:
        for person_id in (org.sup_a1, org.coach_a, org.hr):
            with pytest.raises(AccessDenied):
                viewer = load_viewer(session=session, person_id=person_id)
                outbox.messages(session=session, viewer=viewer)
        admin = load_viewer(session=session, person_id=org.admin)
        assert outbox.messages(session=session, viewer=admin).empty
        assert session.exec(select(func.count()).select_from(OutboxMessage)).one() == 0
