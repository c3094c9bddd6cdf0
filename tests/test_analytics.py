"""A person's profile, change, strengths and growth, from real submissions."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from leadcoach.assessment import results
from leadcoach.instrument import scoring
from leadcoach.platform.db import session_scope
from leadcoach.platform.errors import AccessDenied
from leadcoach.reporting import charts
from tests.factories import build_org, keyed_answers, submit


@pytest.fixture
def history(engine, instrument):
    with session_scope(engine) as session:
        org = build_org(session)
    first = keyed_answers(instrument, {"DEC": 2, "COM": 4})
    second = keyed_answers(instrument, {"DEC": 4, "COM": 4, "INF": 5, "MOT": 1})
    for item_id in ("TRU1", "TRU2", "TRU3"):
        second.pop(item_id)  # 3 of 6: TRU insufficient in the latest
    submit(engine, org.sup_a1, instrument, first, datetime(2026, 3, 1, tzinfo=UTC))
    submit(engine, org.sup_a1, instrument, second, datetime(2026, 6, 1, tzinfo=UTC))
    return org


def test_profile_shows_latest_scores_and_change(engine, history, instrument):
    with session_scope(engine) as session:
        me = history.viewer(session, history.sup_a1)
        scores = results.person_scores(session=session, viewer=me, person_id=history.sup_a1)
    profile = results.profile(scores, instrument).set_index("skill_id")
    assert list(profile.index) == [s for s in instrument.skill_ids if s != "REM"]
    assert profile.loc["DEC", "score"] == pytest.approx(scoring.pomp(4))
    assert profile.loc["DEC", "previous"] == pytest.approx(scoring.pomp(2))
    assert profile.loc["DEC", "change"] == pytest.approx(50.0)
    assert profile.loc["COM", "change"] == pytest.approx(0.0)
    assert pd.isna(profile.loc["TRU", "score"]) and pd.isna(profile.loc["TRU", "change"])
    assert profile.loc["TRU", "answered"] == 3


def test_strengths_and_development_areas(engine, history, instrument):
    with session_scope(engine) as session:
        me = history.viewer(session, history.sup_a1)
        scores = results.person_scores(session=session, viewer=me, person_id=history.sup_a1)
    strongest, develop = results.strengths_and_development(results.profile(scores, instrument))
    assert list(strongest["skill_id"]) == ["INF", "DEC", "COM"]
    assert develop["skill_id"].iloc[0] == "MOT"
    assert "TRU" not in set(strongest["skill_id"]) | set(develop["skill_id"])
    assert not set(strongest["skill_id"]) & set(develop["skill_id"])


def test_growth_table_and_charts_carry_only_the_rows_they_draw(engine, history, instrument):
    with session_scope(engine) as session:
        me = history.viewer(session, history.sup_a1)
        scores = results.person_scores(session=session, viewer=me, person_id=history.sup_a1)
        submissions = results.person_submissions(
            session=session, viewer=me, person_id=history.sup_a1
        )
    table = results.results_table(scores, submissions, instrument)
    assert list(table["Submitted"]) == ["2026-03-01", "2026-06-01"]
    assert table.loc[1, instrument.skill("DEC").name] == pytest.approx(75.0)
    assert pd.isna(table.loc[1, instrument.skill("TRU").name])
    growth = results.growth(scores, instrument)
    assert len(growth) == 22  # 11 skills x 2 submissions: no raw answers reach the chart
    spec = charts.growth_chart(growth, highlight=instrument.skill("DEC").name).to_dict()
    (data,) = spec["datasets"].values()
    assert len(data) == 22


def test_another_supervisor_cannot_read_these_results(engine, history):
    with pytest.raises(AccessDenied), session_scope(engine) as session:
        other = history.viewer(session, history.sup_b1)
        results.person_scores(session=session, viewer=other, person_id=history.sup_a1)
    with pytest.raises(AccessDenied), session_scope(engine) as session:
        other = history.viewer(session, history.sup_a2)
        results.person_submissions(session=session, viewer=other, person_id=history.sup_a1)
