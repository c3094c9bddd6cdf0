"""Time travel (time-machine) through 90 days of a cohort, with `send-due`'s pass every six
hours against a real SMTP server on loopback: exactly the expected emails arrive, none twice,
none in the recipient's quiet hours (08:00-20:00 their time)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from leadcoach.assessment import responses
from leadcoach.coaching import notes, plans
from leadcoach.messaging import scheduler
from leadcoach.people.access import load_viewer
from leadcoach.platform.db import session_scope
from leadcoach.platform.models import Cohort, CohortMember, CohortRound, Person
from tests.factories import build_org, keyed_answers, submit
from tests.mail import smtp_server

DAY0 = datetime(2026, 9, 7, tzinfo=UTC)  # a Monday
ZONES = {
    "Sup A One": "Europe/London",
    "Sup A Two": "Asia/Manila",
    "Sup B One": "America/Bogota",
    "Coach A": "Europe/London",
    "Helen HR": "Europe/London",
}


def at(day: int, hour: int = 0) -> datetime:
    return DAY0 + timedelta(days=day, hours=hour)


# (recipient, kind, day sent): worked out by hand from the story in the test. Reassessments
# every 45 days (overdue 14 days later); passes at 00, 06, 12 and 18 UTC; London is in its
# daytime at the 12:00 and 18:00 passes, Manila (UTC+8) at 00:00 and 06:00, Bogota (UTC-5)
# at 18:00 and 00:00.
EXPECTED = sorted(
    [
        # Baseline opens on day 0 for all three members; London waits for 12:00 UTC.
        ("Sup A One", "round_opens", 0),
        ("Sup A Two", "round_opens", 0),
        ("Sup B One", "round_opens", 0),
        # ... closes on day 20: three days before, to those who have not submitted.
        ("Sup A Two", "round_closes", 17),
        ("Sup B One", "round_closes", 17),
        ("Helen HR", "round_summary", 21),
        # Sup A One's goal (day 5) wants a check-in on day 35; after day 36's, on day 66,
        # then on its target date, day 80.
        ("Sup A One", "plan_check_in", 35),
        ("Sup A One", "plan_check_in", 66),
        ("Sup A One", "plan_check_in", 80),
        ("Sup B One", "draft_left", 33),  # started on day 30, untouched since
        ("Sup A One", "plan_comment", 40),
        ("Sup A Two", "note_shared", 42),  # shared at 18:00 Manila time, read next morning
        ("Sup A One", "reassessment_due", 47),  # submitted on day 2
        ("Sup A One", "reassessment_overdue", 61),  # and not again until day 65
        ("Sup A Two", "reassessment_due", 64),  # submitted on day 19
        ("Sup A Two", "reassessment_overdue", 78),
        # The day-60 round: Sup A One submits on day 65, before its closing notice.
        ("Sup A One", "round_opens", 60),
        ("Sup A Two", "round_opens", 60),
        ("Sup B One", "round_opens", 60),
        ("Sup A Two", "round_closes", 71),
        ("Sup B One", "round_closes", 71),
        ("Helen HR", "round_summary", 75),
        # Coach A's Mondays with something to report about team A (Sup A One, Sup A Two):
        ("Coach A", "coach_digest", 7),  # Sup A One submitted
        ("Coach A", "coach_digest", 21),  # Sup A Two submitted
        ("Coach A", "coach_digest", 63),  # Sup A One overdue
        ("Coach A", "coach_digest", 70),  # Sup A One submitted; her plan lacks a check-in
        ("Coach A", "coach_digest", 77),  # the plan still lacks one
        ("Coach A", "coach_digest", 84),  # ... and Sup A Two is overdue
    ]
)


@pytest.fixture
def cohort(engine):
    with session_scope(engine) as session:
        org = build_org(session)
        for person in session.exec(Person.__table__.select()).all():
            if person.name in ZONES:
                row = session.get(Person, person.id)
                row.time_zone = ZONES[person.name]
                session.add(row)
        intake = Cohort(name="Autumn intake", start_date=DAY0.date())
        session.add(intake)
        session.flush()
        for person_id in (org.sup_a1, org.sup_a2, org.sup_b1):
            session.add(CohortMember(cohort_id=intake.id, person_id=person_id))
        session.add(
            CohortRound(cohort_id=intake.id, name="Baseline", opens_on=DAY0.date(),
                        closes_on=at(20).date())
        )  # fmt: skip
        session.add(
            CohortRound(cohort_id=intake.id, name="Day 60", opens_on=at(60).date(),
                        closes_on=at(74).date())
        )  # fmt: skip
    return org


def _story(engine, org, instrument) -> dict[datetime, callable]:
    answers = keyed_answers(instrument, {})

    def as_person(person_id, action):
        with session_scope(engine) as session:
            action(session, load_viewer(session=session, person_id=person_id))

    def start_draft(session, me):
        draft = responses.open_draft(session=session, viewer=me, instrument=instrument)
        for item_id in list(answers)[:10]:
            responses.save_answer(
                session=session, viewer=me, draft_id=draft, item_id=item_id, value=3
            )

    goal: list[int] = []

    def add_goal(session, me):
        goal.append(
            plans.add_goal(
                session=session, viewer=me, instrument=instrument,
                skill_id=instrument.skills[0].id, specific="A weekly huddle", measure="",
                target_date=at(80).date(), today=at(5).date(),
            )
        )  # fmt: skip

    return {
        at(2, 14): lambda: submit(engine, org.sup_a1, instrument, answers, at(2, 14)),
        at(5, 10): lambda: as_person(org.sup_a1, add_goal),
        at(19, 3): lambda: submit(engine, org.sup_a2, instrument, answers, at(19, 3)),
        at(30, 15): lambda: as_person(org.sup_b1, start_draft),
        at(36, 10): lambda: as_person(
            org.sup_a1,
            lambda s, me: plans.record_check_in(session=s, viewer=me, goal_id=goal[0], progress=40),
        ),
        at(40, 10): lambda: as_person(
            org.coach_a,
            lambda s, me: plans.add_comment(session=s, viewer=me, goal_id=goal[0], text="Good"),
        ),
        at(41, 10): lambda: as_person(
            org.coach_a,
            lambda s, me: notes.add_note(
                session=s, viewer=me, person_id=org.sup_a2, text="Well done", shared=True
            ),
        ),
        at(65, 12): lambda: submit(engine, org.sup_a1, instrument, answers, at(65, 12)),
    }


def test_ninety_days_of_a_cohort_send_exactly_the_expected_emails(
    engine, settings, cohort, instrument
):
    story = _story(engine, cohort, instrument)
    with smtp_server() as sink:
        configured = settings.model_copy(
            update={"smtp_host": "127.0.0.1", "smtp_port": sink.port, "smtp_security": "none",
                    "reassessment_days": 45}
        )  # fmt: skip
        with time_machine.travel(DAY0, tick=False) as traveller:
            moment = DAY0
            while moment < at(90):
                for when in sorted(w for w in story if moment - timedelta(hours=6) < w <= moment):
                    traveller.move_to(when)
                    story.pop(when)()
                traveller.move_to(moment)
                report = scheduler.run_pass(engine, configured, instrument)
                assert report.server_problem is None
                moment += timedelta(hours=6)
    received = []
    names = {}
    with session_scope(engine) as session:
        for person in session.exec(Person.__table__.select()).all():
            names[person.email] = person.name
    for mail in sink.messages:
        sent_at = parsedate_to_datetime(mail["Date"])
        name = names[mail["To"].addresses[0].addr_spec]
        local = sent_at.astimezone(ZoneInfo(ZONES[name]))
        assert 8 <= local.hour < 20, f"{mail['Subject']} reached {name} at {local}"
        received.append((name, str(mail["X-LeadCoach-Kind"]), (sent_at - DAY0).days))
    assert sorted(received) == EXPECTED
    assert not [key for key, n in Counter(sink.ids()).items() if n > 1]
    assert not story, "the story did not run to its end"


def test_the_story_starts_on_a_monday():
    assert DAY0.date().isocalendar().weekday == 1 and at(90).date() == date(2026, 12, 6)
