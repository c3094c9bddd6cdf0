"""Differential item functioning: the statistics against published output, the ETS rule."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.contingency_tables import StratifiedTable

from leadcoach.measurement import dif

VERBAL = Path(__file__).parent / "data" / "difr-verbal.txt"

# difR 5.1, `difMH(verbal, group = 25, focal.name = 1)` after dropping the Anger column (its
# help-page example; the printed output is kept in difR's tests/testthat/_snaps/difMH.md):
# item -> (MH chi-square with continuity correction, P-value, alphaMH, deltaMH).
DIFR_DIFMH = {
    "S1wantCurse": (1.7076, 0.1913, 1.7005, -1.2476),
    "S1WantScold": (2.1486, 0.1427, 1.7702, -1.3420),
    "S1WantShout": (0.9926, 0.3191, 1.4481, -0.8701),
    "S2WantCurse": (1.9302, 0.1647, 1.9395, -1.5567),
    "S2WantScold": (2.9540, 0.0857, 1.9799, -1.6052),
    "S2WantShout": (9.6032, 0.0019, 2.8804, -2.4861),
    "S3WantCurse": (0.0013, 0.9711, 0.9439, 0.1358),
    "S3WantScold": (0.6752, 0.4112, 0.7194, 0.7741),
    "S3WantShout": (0.8185, 0.3656, 1.5281, -0.9965),
    "S4WantCurse": (1.6292, 0.2018, 1.6849, -1.2260),
    "S4WantScold": (0.0152, 0.9020, 1.0901, -0.2028),
    "S4WantShout": (4.1188, 0.0424, 2.3458, -2.0036),
    "S1DoCurse": (0.1324, 0.7160, 0.7967, 0.5340),
    "S1DoScold": (2.7501, 0.0972, 0.4995, 1.6313),
    "S1DoShout": (0.0683, 0.7938, 1.1765, -0.3821),
    "S2DoCurse": (6.3029, 0.0121, 0.3209, 2.6709),
    "S2DoScold": (6.8395, 0.0089, 0.3746, 2.3072),
    "S2DoShout": (0.2170, 0.6414, 0.7931, 0.5447),
    "S3DoCurse": (5.7817, 0.0162, 0.4616, 1.8165),
    "S3DoScold": (3.8880, 0.0486, 0.4727, 1.7606),
    "S3DoShout": (0.2989, 0.5846, 0.6373, 1.0585),
    "S4DoCurse": (1.1220, 0.2895, 0.6444, 1.0327),
    "S4DoScold": (1.4491, 0.2287, 0.6385, 1.0541),
    "S4DoShout": (0.8390, 0.3597, 1.6053, -1.1123),
}


@pytest.fixture(scope="module")
def verbal() -> pd.DataFrame:
    return pd.read_csv(VERBAL, sep="\t")


@pytest.mark.parametrize("item", list(DIFR_DIFMH))
def test_mantel_haenszel_reproduces_difr_to_four_decimals(verbal, item):
    items = verbal.columns[:24]
    score = verbal[items].sum(axis=1).to_numpy()  # difR's default matching: the test score
    result = dif.mantel_haenszel(verbal[item].to_numpy(), verbal["Gender"].to_numpy() == 1, score)
    chi2, p, alpha, delta = DIFR_DIFMH[item]
    assert round(result.chi2, 4) == chi2
    assert round(result.p, 4) == p
    assert round(result.alpha, 4) == alpha
    assert round(result.delta, 4) == delta


def test_mantel_without_correction_is_statsmodels_cochran_mantel_haenszel(verbal):
    """For 0/1 answers Mantel's test is the CMH test: an independent implementation agrees."""
    items = verbal.columns[:24]
    score = verbal[items].sum(axis=1)
    for item in items:
        ours = dif.mantel(verbal[item], verbal["Gender"] == 1, score)
        tables = [
            [[((g[item] == 1) & (g.Gender == 0)).sum(), ((g[item] == 0) & (g.Gender == 0)).sum()],
             [((g[item] == 1) & (g.Gender == 1)).sum(), ((g[item] == 0) & (g.Gender == 1)).sum()]]
            for _, g in verbal.assign(k=score).groupby("k")
            if g.Gender.nunique() == 2
        ]  # fmt: skip
        theirs = StratifiedTable(np.array(tables, float).transpose(1, 2, 0)).test_null_odds(
            correction=False
        )
        assert ours.chi2 == pytest.approx(theirs.statistic, rel=1e-9)
        assert ours.p == pytest.approx(theirs.pvalue, rel=1e-9)


def _ordinal_sample(shift: float, n: int = 400, seed: int = 7):
    """Two groups of equal skill; the focal group answers one statement `shift` higher."""
    rng = np.random.default_rng(seed)
    theta = rng.normal(0, 1, 2 * n)
    focal = np.arange(2 * n) >= n
    answers = np.clip(np.round(3 + theta[:, None] + rng.normal(0, 0.8, (2 * n, 6))), 1, 5)
    answers[focal, 0] = np.clip(np.round(answers[focal, 0] + shift), 1, 5)
    return answers, focal, answers.sum(axis=1)


def test_a_shifted_statement_is_large_and_a_fair_one_negligible():
    answers, focal, match = _ordinal_sample(shift=1.0)
    shifted = dif.mantel(answers[:, 0], focal, match)
    fair = dif.mantel(answers[:, 3], focal, match)
    assert shifted.level == dif.LARGE and shifted.smd > 0 and shifted.p < 0.001
    assert fair.level == dif.NEGLIGIBLE


@pytest.mark.parametrize(
    ("smd_sd", "p", "level"),
    [
        (0.30, 0.001, dif.LARGE),
        (0.30, 0.20, dif.NEGLIGIBLE),  # large but not significant: negligible
        (0.17, 0.001, dif.NEGLIGIBLE),  # at the boundary: negligible (<= 0.17)
        (-0.20, 0.001, dif.MODERATE),
        (0.25, 0.001, dif.MODERATE),  # large needs more than 0.25
    ],
)
def test_the_ets_rule_for_polytomous_items(smd_sd, p, level):
    result = dif.MantelResult(chi2=10.0, p=p, smd=smd_sd, sd=1.0, reference=200, focal=200)
    assert result.level == level
