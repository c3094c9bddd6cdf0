"""The demo organisation: deterministic, realistic in shape, and growing over rounds."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import text

from leadcoach.demo import DIF_ITEM, LANGUAGE_SAMPLE, load_demo
from leadcoach.platform.config import Settings
from leadcoach.platform.db import make_engine, migrate, session_scope
from leadcoach.platform.errors import InvalidInput
from tests.conftest import _drop_postgres_database, _fresh_postgres_database

TODAY = date(2026, 11, 2)


def _load(settings, instrument):
    engine = make_engine(settings)
    with session_scope(engine) as session:
        summary = load_demo(
            session=session, instrument=instrument, password="demo password 1", today=TODAY
        )
    return engine, summary


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def demo(request, tmp_path_factory, instrument):
    """One demo organisation per database kind, read by every test of this module (building
    it is the slow part; the tests only read it)."""
    if request.param == "sqlite":
        settings = Settings(database_url=f"sqlite:///{tmp_path_factory.mktemp('demo')}/demo.db")
        migrate(settings)
    else:
        settings = Settings(database_url=_fresh_postgres_database())
    engine, summary = _load(settings, instrument)
    yield engine, summary
    engine.dispose()
    if request.param == "postgresql":
        _drop_postgres_database(settings.database_url)


def _scores(engine) -> pd.DataFrame:
    query = text(
        "SELECT p.email, s.submitted_at, k.skill_id, k.score "
        "FROM skillscore k JOIN submission s ON s.id = k.submission_id "
        "JOIN person p ON p.id = s.person_id ORDER BY p.email, s.submitted_at, k.skill_id"
    )
    with engine.connect() as connection:
        scores = pd.read_sql(query, connection)
    # SQLite hands back text where PostgreSQL hands back a timestamp (stored as UTC).
    scores["submitted_at"] = pd.to_datetime(scores["submitted_at"], utc=True)
    return scores


def test_the_demo_is_deterministic(demo, tmp_path, instrument):
    """The same demo twice: the shared one of each database kind against a new SQLite one."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'again'}.db")
    migrate(settings)
    again, _ = _load(settings, instrument)
    shared = _scores(demo[0])
    pd.testing.assert_frame_equal(shared, _scores(again))
    assert len(shared) > 300


def test_the_demo_has_the_shape_of_a_real_organisation(demo, instrument):
    engine, summary = demo
    assert (summary.teams, summary.cohorts) == (6, 3)
    with engine.connect() as connection:
        sites = dict(
            connection.execute(text("SELECT site, COUNT(*) FROM team GROUP BY site")).all()
        )
        vendors = connection.execute(text("SELECT DISTINCT vendor FROM team")).scalars().all()
        roles = dict(
            connection.execute(text("SELECT role, COUNT(*) FROM person GROUP BY role")).all()
        )
        open_drafts = connection.execute(
            text("SELECT COUNT(*) FROM assessmentdraft WHERE submitted_at IS NULL")
        ).scalar()
    # Two teams per site with supervisors, and three per site with KPIs only (issue 23's
    # comparison teams); the language teams of issue 25 in Manila and Cairo.
    assert sites == {"Leeds": 5, "Manila": 6, "Cairo": 1}
    assert "Horizon BPO" in vendors and None in vendors
    assert roles["coach"] == 3 and roles["hr"] == 2 and roles["admin"] == 1
    assert roles["supervisor"] == 16 + 2 * LANGUAGE_SAMPLE
    assert open_drafts == 1  # one supervisor has an assessment to resume
    with pytest.raises(InvalidInput, match="already has people"), session_scope(engine) as session:
        load_demo(session=session, instrument=instrument, password="demo password 1")


def test_demo_scores_grow_over_rounds(demo):
    engine, _ = demo
    scores = _scores(engine)
    scores["round"] = scores.groupby(["email", "skill_id"]).cumcount()
    by_round = scores.groupby("round")["score"].mean()
    assert by_round[1] > by_round[0] and by_round[2] > by_round[1]
    assert scores["score"].dropna().between(0, 100).all()


def test_the_demo_answers_in_english_in_manila_and_in_arabic_in_cairo(demo, instrument):
    """Issue 25: enough people per language for the DIF check, which finds the one
    statement built to work differently in Arabic (and, at the default rule, no other)."""
    from leadcoach.measurement import dif
    from leadcoach.people.access import load_viewer

    engine, _ = demo
    with engine.connect() as connection:
        languages = dict(
            connection.execute(
                text(
                    "SELECT t.name, s.language FROM submission s JOIN person p "
                    "ON p.id = s.person_id JOIN team t ON t.id = p.team_id "
                    "WHERE t.name IN ('Manila Customer Care', 'Cairo Customer Care') "
                    "GROUP BY t.name, s.language"
                )
            ).all()
        )
        hr = connection.execute(text("SELECT id FROM person WHERE role = 'hr'")).first()[0]
    assert languages == {"Manila Customer Care": "en", "Cairo Customer Care": "ar"}
    with session_scope(engine) as session:
        viewer = load_viewer(session=session, person_id=hr)
        report = dif.dif_report(session=session, viewer=viewer, instrument=instrument,
                                min_group=100)  # fmt: skip
    assert report.analysed == ("ar",)
    assert report.people["ar"] >= 100 and report.reference_people >= 100
    assert list(report.large["item_id"]) == [DIF_ITEM]
    assert set(report.alphas["language"]) == {"en", "ar"}
