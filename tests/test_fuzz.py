"""Arbitrary input to the core's public write functions: only the documented errors
(LeadCoachError and its kinds), never a crash, and nothing half-written.

Runs on SQLite (the property is about the core's checks, which do not depend on the
database; the storage tests cover PostgreSQL).
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, inspect
from sqlmodel import SQLModel, select

from leadcoach.assessment import responses
from leadcoach.coaching import notes, plans
from leadcoach.people import accounts
from leadcoach.platform.config import Settings
from leadcoach.platform.db import make_engine, migrate, session_scope
from leadcoach.platform.errors import LeadCoachError
from leadcoach.programmes import cohorts, roster
from tests.factories import build_org

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
text = st.text(max_size=600)
ids = st.text(alphabet=st.characters(codec="utf-8"), max_size=20)
numbers = st.one_of(st.none(), st.integers(min_value=-(2**40), max_value=2**40))
dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 1, 1))


@pytest.fixture(scope="module")
def world(tmp_path_factory, instrument):
    """One migrated SQLite database with a small organisation and an open draft."""
    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.db'}"
    migrate(Settings(database_url=url))
    engine = make_engine(Settings(database_url=url))
    with session_scope(engine) as session:
        org = build_org(session)
    with session_scope(engine) as session:
        viewer = org.viewer(session, org.sup_a1)
        draft_id = responses.open_draft(session=session, viewer=viewer, instrument=instrument)
    return engine, org, draft_id


def row_counts(engine) -> dict[str, int]:
    with session_scope(engine) as session:
        return {
            table.name: session.exec(select(func.count()).select_from(table)).one()
            for table in SQLModel.metadata.sorted_tables
            if inspect(engine).has_table(table.name)
        }


def attempt(engine, action) -> bool:
    """Run the action in one unit of work; True when it succeeded. Any error other than
    the documented ones fails the test."""
    try:
        with session_scope(engine) as session:
            action(session)
    except LeadCoachError as error:
        assert str(error), "a refusal must say what is wrong"
        return False
    return True


@FUZZ
@given(item_id=ids, option_id=ids, value=numbers)
def test_saving_any_answer_is_saved_or_refused_with_a_message(world, item_id, option_id, value):
    engine, org, draft_id = world
    before = row_counts(engine)

    def save(session):
        viewer = org.viewer(session, org.sup_a1)
        responses.save_answer(
            session=session,
            viewer=viewer,
            draft_id=draft_id,
            item_id=item_id,
            option_id=option_id,
            value=value,
        )

    if not attempt(engine, save):
        assert row_counts(engine) == before


@FUZZ
@given(
    skill_id=ids,
    specific=text,
    measure=text,
    target=dates,
    actions=st.lists(st.tuples(text, st.one_of(st.none(), text)), max_size=8),
)
def test_adding_any_goal_is_done_or_refused_with_nothing_written(
    world, instrument, skill_id, specific, measure, target, actions
):
    engine, org, _ = world
    before = row_counts(engine)

    def add(session):
        viewer = org.viewer(session, org.sup_a2)
        plans.add_goal(
            session=session,
            viewer=viewer,
            instrument=instrument,
            skill_id=skill_id,
            specific=specific,
            measure=measure,
            target_date=target,
            actions=actions,
        )

    if not attempt(engine, add):
        assert row_counts(engine) == before


@FUZZ
@given(body=text, shared=st.booleans(), person=st.integers(min_value=-5, max_value=50))
def test_writing_any_note_is_done_or_refused(world, body, shared, person):
    engine, org, _ = world
    before = row_counts(engine)

    def write(session):
        coach = org.viewer(session, org.coach_a)
        notes.add_note(session=session, viewer=coach, person_id=person, text=body, shared=shared)

    if not attempt(engine, write):
        assert row_counts(engine) == before


@FUZZ
@given(name=text, start=dates, round_name=text, opens=dates, closes=dates)
def test_any_cohort_and_round_is_created_or_refused(world, name, start, round_name, opens, closes):
    engine, org, _ = world
    before = row_counts(engine)

    def create(session):
        hr = org.viewer(session, org.hr)
        cohort_id = cohorts.create_cohort(session=session, viewer=hr, name=name, start_date=start)
        cohorts.add_round(
            session=session,
            viewer=hr,
            cohort_id=cohort_id,
            name=round_name,
            opens_on=opens,
            closes_on=closes,
        )

    if not attempt(engine, create):
        assert row_counts(engine) == before


@FUZZ
@given(data=st.binary(max_size=2000), name=st.sampled_from(["r.csv", "r.xlsx", "r.tsv", "r"]))
def test_any_roster_file_is_checked_without_a_crash_and_writes_nothing_when_refused(
    world, data, name
):
    engine, org, _ = world
    before = row_counts(engine)
    parsed = roster.read_roster(data, name)

    def load(session):
        hr = org.viewer(session, org.hr)
        result = roster.import_roster(session=session, viewer=hr, roster=parsed)
        if not result.written:
            raise LeadCoachError(result.summary())

    if not attempt(engine, load):
        assert row_counts(engine) == before


@FUZZ
@given(password=st.text(max_size=200))
def test_any_password_is_accepted_or_refused_with_a_message(password):
    try:
        accounts.check_password_policy(password)
    except LeadCoachError as error:
        assert str(error)
