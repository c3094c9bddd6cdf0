"""A coach's team figures are reused across visits (teams.team_figures), never handed to
another viewer, and computed afresh when the data version moves."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from leadcoach.coaching import teams
from leadcoach.platform.db import session_scope
from leadcoach.platform.errors import AccessDenied
from leadcoach.platform.models import Person, Role, TeamCoach
from tests.factories import add_person, build_org, keyed_answers, submit

MIN_GROUP = 3

FIRST = datetime(2026, 1, 10, tzinfo=UTC)
LATER = datetime(2026, 4, 10, tzinfo=UTC)


@pytest.fixture
def org(engine, instrument):
    with session_scope(engine) as session:
        org = build_org(session)
    submit(engine, org.sup_a1, instrument, keyed_answers(instrument, {}, 2), FIRST)
    submit(engine, org.sup_b1, instrument, keyed_answers(instrument, {}, 4), FIRST)
    return org


@pytest.fixture
def reads(monkeypatch):
    """How many times each viewer's history was read from the database."""
    counted: list[int] = []
    read = teams.history

    def counting(*, session, viewer, team_ids=None):
        counted.append(viewer.person_id)
        return read(session=session, viewer=viewer, team_ids=team_ids)

    monkeypatch.setattr(teams, "history", counting)
    return counted


def _figures(engine, instrument, org, who: int, team_ids=None) -> teams.TeamFigures:
    with session_scope(engine) as session:
        return teams.team_figures(
            session=session, viewer=org.viewer(session, who), instrument=instrument,
            min_group=MIN_GROUP, team_ids=team_ids,
        )  # fmt: skip


def test_a_second_visit_reuses_the_figures_and_gets_its_own_copy(engine, instrument, org, reads):
    first = _figures(engine, instrument, org, org.coach_a)
    first.scores.loc[:, "score"] = -1.0  # a caller that changes its copy changes nobody's

    again = _figures(engine, instrument, org, org.coach_a)

    assert reads == [org.coach_a]
    assert set(again.scores["person_id"]) == {org.sup_a1}
    assert (again.scores["score"].dropna() >= 0).all()


def test_a_submission_is_counted_at_the_next_visit(engine, instrument, org, reads):
    assert _figures(engine, instrument, org, org.coach_a).changes.empty

    submit(engine, org.sup_a1, instrument, keyed_answers(instrument, {}, 5), LATER)
    after = _figures(engine, instrument, org, org.coach_a)

    assert len(reads) == 2
    assert set(after.changes["person_id"]) == {org.sup_a1}


def test_a_renamed_person_is_named_anew(engine, instrument, org, reads):
    _figures(engine, instrument, org, org.coach_a)
    with session_scope(engine) as session:
        session.get(Person, org.sup_a1).name = "Sup A Renamed"

    names = set(_figures(engine, instrument, org, org.coach_a).scores["name"])

    assert names == {"Sup A Renamed"}


def test_no_viewer_gets_figures_kept_for_another(engine, instrument, org, reads):
    everyone = _figures(engine, instrument, org, org.hr)
    assert {org.sup_a1, org.sup_b1} <= set(everyone.scores["person_id"])

    coach = _figures(engine, instrument, org, org.coach_a)

    assert set(coach.scores["person_id"]) == {org.sup_a1}
    assert reads == [org.hr, org.coach_a]


def test_a_team_not_coached_is_refused_even_when_its_figures_are_kept(engine, instrument, org):
    _figures(engine, instrument, org, org.hr, [org.team_b])  # kept for HR

    with pytest.raises(AccessDenied):
        _figures(engine, instrument, org, org.coach_a, [org.team_b])


def test_a_coach_given_another_team_reads_it_at_once(engine, instrument, org, reads):
    # Coaching assignments move no data version: the coach's own teams are in the key.
    assert set(_figures(engine, instrument, org, org.coach_a).scores["person_id"]) == {org.sup_a1}
    with session_scope(engine) as session:
        session.add(TeamCoach(team_id=org.team_b, coach_id=org.coach_a))

    widened = _figures(engine, instrument, org, org.coach_a)

    assert set(widened.scores["person_id"]) == {org.sup_a1, org.sup_b1}


def test_a_new_supervisor_on_the_team_is_counted(engine, instrument, org):
    _figures(engine, instrument, org, org.coach_a)
    with session_scope(engine) as session:
        newcomer = add_person(session, "Sup A Three", Role.SUPERVISOR, org.team_a)
    submit(engine, newcomer, instrument, keyed_answers(instrument, {}, 3), LATER)

    people = set(_figures(engine, instrument, org, org.coach_a).scores["person_id"])

    assert people == {org.sup_a1, newcomer}
