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


def _profile(scores: list[float | None]) -> pd.DataFrame:
    ids = [f"S{i}" for i in range(len(scores))]
    return pd.DataFrame({"skill_id": ids, "skill": ids, "score": pd.array(scores, "Float64")})


def test_a_tie_at_the_cut_lists_every_tied_skill_and_says_so():
    # Three skills at 50 where two would fit among the development areas (as on Ana Lima's
    # demo results): all three are listed and marked tied; the strongest are not tied.
    strongest, develop = results.strengths_and_development(
        _profile([75, 71, 70, 69, 60, 58, 54, 50, 50, 50, 33, None])
    )
    assert list(strongest["score"]) == [75, 71, 70] and not strongest["tied"].any()
    assert list(develop["skill_id"]) == ["S10", "S7", "S8", "S9"]
    assert list(develop["tied"]) == [False, True, True, True]
    # Ties are by the whole points shown (50.4 and 49.6 both read 50).
    strongest, _ = results.strengths_and_development(_profile([90, 80, 50.4, 49.6, 10, 5, 1]))
    assert list(strongest["skill_id"]) == ["S0", "S1", "S2", "S3"]
    assert list(strongest["tied"]) == [False, False, True, True]
    # A tie inside the list, not at its cut, changes nothing.
    strongest, develop = results.strengths_and_development(_profile([90, 90, 80, 70, 60, 50, 40]))
    assert list(strongest["skill_id"]) == ["S0", "S1", "S2"] and not strongest["tied"].any()
    # Everyone level: all are strengths, tied; nothing is left to develop.
    strongest, develop = results.strengths_and_development(_profile([50] * 5))
    assert len(strongest) == 5 and strongest["tied"].all() and develop.empty
