"""The cohort review's figures (default rounds, spread per round, paired scores, change per
skill, reliable changes) computed with numpy agree with plain pandas versions of the same
definitions on random round-score frames, duplicates and missing scores included.

The numpy versions exist for speed (issue 8: a 250-person review within 200 ms); the
pandas versions below are the readable definitions they must keep to.
"""

from __future__ import annotations

import math

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadcoach.programmes import cohorts
from tests.test_team_figures import same_frame

ROUNDS = ["Baseline", "Day 90", "Day 180"]
SKILLS = ["DEC", "MOT", "COM", "TRU"]

# ---- the definitions, in plain pandas -------------------------------------------------


def _skill_order(frame: pd.DataFrame) -> tuple[list[str], dict[str, str]]:
    pairs = frame[["skill_id", "skill"]].drop_duplicates("skill_id")
    return list(pairs["skill_id"]), dict(zip(pairs["skill_id"], pairs["skill"], strict=True))


def reference_review_rounds(frame: pd.DataFrame) -> tuple[str | None, str | None]:
    ordered = frame.sort_values("round_order", kind="stable")
    baseline = ordered["round"].iloc[0]
    scored = ordered[ordered["score"].notna() & (ordered["round"] != baseline)]
    return baseline, (scored["round"].iloc[-1] if not scored.empty else None)


def reference_distribution(frame: pd.DataFrame, min_group: int) -> pd.DataFrame:
    skills, names = _skill_order(frame)
    grouped = frame.groupby(["round_order", "round", "skill_id"], sort=False)["score"]
    stats = grouped.agg(n="count", mean="mean", sd="std", min="min", median="median", max="max")
    stats["q1"], stats["q3"] = grouped.quantile(0.25), grouped.quantile(0.75)
    stats = stats.reset_index()
    stats["suppressed"] = stats["n"] < min_group
    figures = ["mean", "sd", "min", "q1", "median", "q3", "max"]
    stats[figures] = stats[figures].astype(float)
    stats.loc[stats["suppressed"], figures] = math.nan
    stats["skill"] = stats["skill_id"].map(names)
    stats["_skill"] = stats["skill_id"].map({s: i for i, s in enumerate(skills)})
    stats = stats.sort_values(["round_order", "_skill"], kind="stable")
    return stats[cohorts.DISTRIBUTION_COLUMNS].reset_index(drop=True)


def reference_pairs(frame: pd.DataFrame, baseline: str, latest: str) -> pd.DataFrame:
    columns = ["person_id", "skill_id", "score"]
    before = frame.loc[frame["round"] == baseline, columns].dropna(subset=["score"])
    after = frame.loc[frame["round"] == latest, columns].dropna(subset=["score"])
    before = before.drop_duplicates(["person_id", "skill_id"], keep="last")
    after = after.drop_duplicates(["person_id", "skill_id"], keep="last")
    return before.merge(after, on=["person_id", "skill_id"], suffixes=("_baseline", "_latest"))


def reference_changes(frame: pd.DataFrame, baseline: str, latest: str, min_group: int):
    skills, names = _skill_order(frame)
    paired = reference_pairs(frame, baseline, latest)
    rows = []
    for skill_id in skills:
        pair = paired[paired["skill_id"] == skill_id]
        stats = cohorts.paired_change(pair["score_baseline"], pair["score_latest"])
        figures = [math.nan] * 12
        if stats.n >= min_group:
            figures = [pair["score_baseline"].mean(), pair["score_latest"].mean(),
                       stats.mean_change, stats.sd_change, stats.ci_low, stats.ci_high,
                       stats.d_z, stats.dz_low, stats.dz_high, stats.t, stats.p,
                       math.nan]  # fmt: skip
        rows.append([skill_id, names[skill_id], stats.n, *figures, False, stats.n < min_group])
    result = pd.DataFrame(rows, columns=cohorts.CHANGE_COLUMNS)
    result["p_holm"] = cohorts.holm(result["p"].to_numpy(dtype=float))
    result["significant"] = result["p_holm"] < cohorts.ALPHA
    return result


def reference_reliable(frame, baseline, latest, thresholds, min_group) -> pd.DataFrame:
    paired = reference_pairs(frame, baseline, latest)
    paired["change"] = paired["score_latest"] - paired["score_baseline"]
    skills, names = _skill_order(frame)
    rows = []
    for skill_id in skills:
        changes = paired.loc[paired["skill_id"] == skill_id, "change"]
        limit, n = thresholds.get(skill_id), len(changes)
        if n < min_group or limit is None:
            rows.append((skill_id, names[skill_id], n, None, None, None, True))
            continue
        gains, drops = int((changes > limit).sum()), int((changes < -limit).sum())
        rows.append((skill_id, names[skill_id], n, gains, drops, n - gains - drops, False))
    counts = ["real_gains", "real_drops", "within_noise"]
    result = pd.DataFrame(rows, columns=["skill_id", "skill", "n", *counts, "suppressed"])
    return result.astype(dict.fromkeys(counts, "Int64"))


# ---- random round scores ---------------------------------------------------------------


@st.composite
def round_scores(draw) -> pd.DataFrame:
    """Rows of a review frame in any order, some person x round x skill twice (a frame
    given by hand), some scores missing, skills in a drawn questionnaire order."""
    skills = draw(st.permutations(SKILLS))
    rows = []
    for person_id in draw(st.lists(st.integers(1, 40), min_size=1, max_size=12, unique=True)):
        for round_order in draw(st.sets(st.integers(0, 2), min_size=1)):
            for skill_id in draw(st.lists(st.sampled_from(skills), min_size=1, max_size=6)):
                score = draw(st.none() | st.integers(0, 100).map(float))
                rows.append((person_id, ROUNDS[round_order], round_order, skill_id, score))
    rows = draw(st.permutations(rows))
    frame = pd.DataFrame(rows, columns=["person_id", "round", "round_order", "skill_id", "score"])
    frame["skill"] = "Skill " + frame["skill_id"]
    frame["score"] = frame["score"].astype(float)
    return frame


FIGURES = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FIGURES
@given(round_scores())
def test_default_rounds_match_the_definition(frame):
    assert cohorts.review_rounds(frame) == reference_review_rounds(frame)


@FIGURES
@given(round_scores(), st.integers(2, 5))
def test_spread_per_round_matches_the_definition(frame, min_group):
    same_frame(
        cohorts.round_distribution(frame, min_group), reference_distribution(frame, min_group)
    )


@FIGURES
@given(round_scores(), st.sampled_from([(0, 1), (0, 2), (2, 1)]))
def test_paired_scores_match_the_definition(frame, rounds):
    baseline, latest = (ROUNDS[index] for index in rounds)
    pairs = cohorts._pairs(frame, baseline, latest)
    actual = pd.DataFrame(
        {"person_id": pairs.person_id, "skill_id": pairs.skill_id,
         "score_baseline": pairs.baseline, "score_latest": pairs.latest}
    )  # fmt: skip
    same_frame(actual, reference_pairs(frame, baseline, latest))


@FIGURES
@given(round_scores(), st.integers(2, 5))
def test_changes_per_skill_match_the_definition(frame, min_group):
    present = set(frame["round"])
    if not {"Baseline", "Day 90"} <= present:
        return
    same_frame(
        cohorts.skill_changes(frame, "Baseline", "Day 90", min_group),
        reference_changes(frame, "Baseline", "Day 90", min_group),
    )


@FIGURES
@given(
    round_scores(), st.integers(2, 5), st.dictionaries(st.sampled_from(SKILLS), st.floats(0, 60))
)
def test_reliable_changes_match_the_definition(frame, min_group, thresholds):
    same_frame(
        cohorts.reliable_changes(frame, "Baseline", "Day 180", thresholds, min_group),
        reference_reliable(frame, "Baseline", "Day 180", thresholds, min_group),
    )
