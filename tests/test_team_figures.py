"""The team figures (latest scores, changes, growth by quarter, skill statistics) computed
with numpy agree with plain pandas versions of the same definitions on random histories.

The numpy versions exist for speed (issue 8: a team overview within 50 ms); the pandas
versions below are the readable definitions they must keep to.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadcoach.coaching import teams
from leadcoach.instrument import bank
from leadcoach.platform.config import PACKAGE_ROOT

INSTRUMENT = bank.load_bank(PACKAGE_ROOT / "assessments").current("leadcoach-core")
SKILLS = [skill.id for skill in INSTRUMENT.skills]
NAMES = {skill.id: skill.name for skill in INSTRUMENT.skills}
START = datetime(2025, 1, 1, tzinfo=UTC)


# ---- the definitions, in plain pandas -------------------------------------------------


def reference_latest(history: pd.DataFrame) -> pd.DataFrame:
    newest = history.groupby("person_id")["submission_id"].transform("max")
    latest = history[history["submission_id"] == newest]
    latest = latest.sort_values(["team", "name", "skill_id"], kind="stable")
    latest = latest[teams.LATEST_COLUMNS].assign(score=latest["score"].astype("Float64"))
    return latest.assign(skill=latest["skill_id"].map(NAMES)).reset_index(drop=True)


def reference_changes(history: pd.DataFrame) -> pd.DataFrame:
    order = history.drop_duplicates("submission_id").sort_values("submitted_at")
    order["position"] = order.groupby("person_id").cumcount(ascending=False)
    frame = history.merge(order[["submission_id", "position"]], on="submission_id")
    latest, previous = frame[frame["position"] == 0], frame[frame["position"] == 1]
    joined = latest.merge(
        previous[["person_id", "skill_id", "score", "submitted_at"]],
        on=["person_id", "skill_id"],
        suffixes=("", "_previous"),
    ).rename(
        columns={"score": "latest", "score_previous": "previous",
                 "submitted_at": "latest_at", "submitted_at_previous": "previous_at"}
    )  # fmt: skip
    joined["change"] = joined["latest"] - joined["previous"]
    joined["skill"] = joined["skill_id"].map(NAMES)
    return joined[teams.CHANGE_COLUMNS].sort_values(["person_id", "skill_id"])


def reference_growth(history: pd.DataFrame, min_group: int) -> pd.DataFrame:
    frame = history.dropna(subset=["score"])
    moment = frame["submitted_at"]
    frame = frame.assign(round=moment.dt.year.astype(str) + " Q" + moment.dt.quarter.astype(str))
    frame = frame.sort_values("submitted_at", kind="stable")
    frame = frame.drop_duplicates(["person_id", "round", "skill_id"], keep="last")
    grouped = frame.groupby(["round", "skill_id"])["score"]
    stats = grouped.agg(n="count", mean="mean", sd="std", min="min", median="median", max="max")
    stats["q1"], stats["q3"] = grouped.quantile(0.25), grouped.quantile(0.75)
    stats = stats.reset_index()
    stats["round_start"] = [pd.Timestamp(int(r[:4]), 3 * int(r[-1]) - 2, 1) for r in stats["round"]]
    stats = stats[stats["n"] >= min_group]
    stats["skill"] = stats["skill_id"].map(NAMES)
    return stats.sort_values(["round", "skill_id"])[teams.GROWTH_COLUMNS]


def reference_statistics(scores: pd.DataFrame, min_group: int) -> pd.DataFrame:
    valid = scores.dropna(subset=["score"])
    stats = valid.groupby("skill_id")["score"].agg(n="count", mean="mean", sd="std")
    stats = stats.reindex([s for s in SKILLS if s in stats.index]).astype(float)
    stats.loc[stats["n"] < min_group, ["mean", "sd"]] = np.nan
    stats = stats.reset_index()
    stats["n"] = stats["n"].astype(int)
    stats["skill"] = stats["skill_id"].map(NAMES)
    return stats


# ---- random histories ----------------------------------------------------------------


@st.composite
def histories(draw) -> pd.DataFrame:
    rows, submission_id = [], 0
    for person_id in range(1, draw(st.integers(1, 6)) + 1):
        days = sorted(draw(st.sets(st.integers(0, 700), max_size=5)))
        for day in days:
            submission_id += 1
            moment = START + timedelta(days=day, hours=draw(st.integers(0, 23)))
            for skill_id in draw(st.lists(st.sampled_from(SKILLS), min_size=1, unique=True)):
                score = draw(st.none() | st.integers(0, 100).map(float))
                rows.append((person_id, f"Person {person_id}", 1 + person_id % 2,
                             f"Team {1 + person_id % 2}", "Leeds", None, submission_id,
                             moment, skill_id, score))  # fmt: skip
    frame = pd.DataFrame(rows, columns=teams.HISTORY_COLUMNS)
    frame["submitted_at"] = pd.to_datetime(frame["submitted_at"], utc=True)
    frame["score"] = frame["score"].astype(float)
    return frame


FIGURES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def same_frame(actual: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        actual.reset_index(drop=True), expected.reset_index(drop=True),
        check_dtype=False, check_index_type=False, check_column_type=False, rtol=1e-12,
    )  # fmt: skip


@FIGURES
@given(histories())
def test_latest_scores_match_the_definition(history):
    same_frame(teams.latest_of(history, INSTRUMENT), reference_latest(history))


@FIGURES
@given(histories())
def test_latest_changes_match_the_definition(history):
    same_frame(teams.latest_changes(history, INSTRUMENT), reference_changes(history))


@FIGURES
@given(histories(), st.integers(2, 4))
def test_growth_by_quarter_matches_the_definition(history, min_group):
    expected = reference_growth(history, min_group)
    actual = teams.growth_by_round(history, INSTRUMENT, min_group)
    if expected.empty:
        assert actual.empty
        return
    actual["round_start"] = pd.to_datetime(actual["round_start"])
    same_frame(actual, expected)


@FIGURES
@given(histories(), st.integers(2, 4))
def test_skill_statistics_match_the_definition(history, min_group):
    scores = history.assign(score=history["score"].astype("Float64"))
    same_frame(
        teams.skill_statistics(scores, INSTRUMENT, min_group),
        reference_statistics(scores, min_group),
    )
