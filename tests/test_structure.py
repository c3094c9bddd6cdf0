"""The instrument-quality statistics R psych users expect, against published values.

Where no published value to 6 decimals exists, the test says which value it uses instead:
* Schmid-Leiman, omega hierarchical and omega total: the Jensen & Weng (1994, Intelligence
  18(3), 231-258) hierarchical model, the default of psych's sim.hierarchical (general
  loadings .9/.8/.7 of three group factors with item loadings .8/.7/.6, .7/.6/.5,
  .6/.5/.4). Its published Schmid-Leiman general loadings are the products (.72, .63, ...)
  and are reproduced to 6 decimals; omega_h and omega_t of the population matrix follow in
  closed form from the same published loadings and are reproduced to 6 decimals (psych
  prints them to 2: 0.69 and 0.80).
* Guttman's lambda 6 (psych's G6(smc)): for a one-factor population matrix the squared
  multiple correlations have a closed form (Sherman-Morrison), reproduced to 1e-10.
* Parallel analysis is a Monte Carlo method and has no value to 6 decimals: the Wishart
  shortcut is checked against Horn's (1965) raw-data simulation, and the decisions on data
  of known dimensionality.
* Spearman-Brown: the textbook example (Lord & Novick, 1968, sec. 5.13): a test of
  reliability 0.60 doubled in length has 2 x 0.6 / 1.6 = 0.75.
* d_z's interval: the defining property of the noncentral-t inversion (Cumming & Finch,
  2001), and its agreement with the large-sample normal interval (Hedges & Olkin's
  variance 1/n + d^2/2n).

Values psych itself printed (no R here; each test names where the value was printed and
reproduces it to every decimal printed):
* lambda 6 of Brennan & Feldt's (1989, Educational Measurement, 3rd ed., ch. 3) four-part
  covariance matrix: psych::guttman() printed lambda.6 = 0.9499394 (with lambda.3 =
  standardised alpha = 0.9430339, lambda.1 = 0.7072754), as recorded in J. Patrick
  Meyer's jMetrik library tests (meyerjp3/psychometrics, GuttmanTests.java): to 7 decimals.
* omega(Thurstone) in psych's omega vignette (Revelle, "Using R and the psych package to
  find omega", psych 2.0.8, sec. 4.3): Alpha 0.89, G.6 0.91, Omega Total 0.93 (psych
  prints 2 decimals; reproduced to 2). Its Omega Hierarchical 0.74 is NOT reproduced: ours
  is 0.79 (an xfail test records it; see there).
* omega(sim.hierarchical()) in the same vignette (sec. 5): Alpha 0.76, G.6 0.76 and the
  subscale omega totals 0.74, 0.63, 0.50 (2 decimals).
* fa.parallel(bfi[1:25]) in psych's overview vignette (psych 2.0.12, sec. 4.5): "the
  number of components = 6" (a count; the bfi items are psych's own data set, stored in
  tests/data/psych-bfi-25-items.csv.gz).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from leadcoach.measurement import psychometrics, structure
from leadcoach.programmes import cohorts

GLOAD = np.array([0.9, 0.8, 0.7])
FLOAD = [(0.8, 0.7, 0.6), (0.7, 0.6, 0.5), (0.6, 0.5, 0.4)]


def jensen_weng() -> tuple[pd.DataFrame, dict[str, str], np.ndarray]:
    """psych::sim.hierarchical()'s population correlation matrix, its clusters, and the
    item loadings on their group factor."""
    pattern = np.zeros((9, 3))
    for factor, loadings in enumerate(FLOAD):
        pattern[factor * 3 : factor * 3 + 3, factor] = loadings
    phi = np.outer(GLOAD, GLOAD)
    np.fill_diagonal(phi, 1.0)
    corr = pattern @ phi @ pattern.T
    np.fill_diagonal(corr, 1.0)
    names = [f"V{i + 1}" for i in range(9)]
    clusters = {name: f"F{i // 3 + 1}" for i, name in enumerate(names)}
    return pd.DataFrame(corr, index=names, columns=names), clusters, pattern.sum(axis=1)


def test_schmid_leiman_reproduces_jensen_and_wengs_general_loadings():
    corr, clusters, item_loadings = jensen_weng()
    result = structure.general_factor(corr, clusters)
    published = [0.72, 0.63, 0.54, 0.56, 0.48, 0.40, 0.42, 0.35, 0.28]
    np.testing.assert_allclose(result.general.to_numpy(), published, atol=5e-7)
    np.testing.assert_allclose(result.skill_loadings.to_numpy(), GLOAD, atol=5e-7)
    # omega_h = (sum of general loadings)^2 / sum(R); omega_t = 1 - sum(u^2) / sum(R).
    total = corr.to_numpy().sum()
    assert result.omega_h == pytest.approx(sum(published) ** 2 / total, abs=5e-7)
    assert result.omega_h == pytest.approx(0.685740, abs=5e-7)
    assert result.omega_t == pytest.approx(1 - np.sum(1 - item_loadings**2) / total, abs=5e-7)
    assert result.omega_t == pytest.approx(0.798400, abs=5e-7)
    assert round(result.omega_h, 2) == 0.69 and round(result.omega_t, 2) == 0.80  # psych


def test_schmid_leiman_group_loadings_are_what_the_general_factor_leaves():
    corr, clusters, item_loadings = jensen_weng()
    pattern = pd.Series(item_loadings, index=corr.index)
    matrix = np.outer(GLOAD, GLOAD)
    np.fill_diagonal(matrix, 1.0)
    phi = pd.DataFrame(matrix, index=["F1", "F2", "F3"], columns=["F1", "F2", "F3"])
    general, group, _ = structure.schmid_leiman(pattern, clusters, phi)
    expected = item_loadings * np.sqrt(1 - np.repeat(GLOAD, 3) ** 2)
    np.testing.assert_allclose(group.to_numpy(), expected, atol=5e-7)
    np.testing.assert_allclose(general**2 + group**2, item_loadings**2, atol=1e-12)


def test_the_general_factor_needs_three_skills():
    corr, clusters, _ = jensen_weng()
    two = [name for name in corr.index if clusters[name] != "F3"]
    with pytest.raises(ValueError, match="at least three skills"):
        structure.general_factor(corr.loc[two, two], clusters)


def one_factor_population(loadings: np.ndarray) -> np.ndarray:
    corr = np.outer(loadings, loadings)
    np.fill_diagonal(corr, 1.0)
    return corr


def exact_data(corr: np.ndarray, n: int = 400, seed: int = 2) -> pd.DataFrame:
    """Data whose sample correlation matrix is exactly `corr`."""
    rng = np.random.default_rng(seed)
    raw = rng.normal(size=(n, corr.shape[0]))
    raw -= raw.mean(axis=0)
    whitened = raw @ np.linalg.inv(np.linalg.cholesky(np.cov(raw, rowvar=False)).T)
    data = whitened @ np.linalg.cholesky(corr).T
    return pd.DataFrame(data, columns=[f"i{j}" for j in range(corr.shape[0])])


def test_lambda6_matches_the_closed_form_of_a_one_factor_model():
    loadings = np.array([0.8, 0.7, 0.6, 0.5, 0.4])
    corr = one_factor_population(loadings)
    unique = 1 - loadings**2
    # Sherman-Morrison: (R^-1)_ii = 1/u_i - (l_i/u_i)^2 / (1 + sum l_j^2/u_j).
    inverse_diagonal = 1 / unique - (loadings / unique) ** 2 / (1 + np.sum(loadings**2 / unique))
    smc = 1 - 1 / inverse_diagonal
    expected = 1 - np.sum(1 - smc) / corr.sum()
    assert structure.guttman_lambda6(exact_data(corr)) == pytest.approx(expected, abs=1e-10)


def test_spearman_brown_textbook_example_and_items_needed():
    assert psychometrics.spearman_brown(0.60, 2) == pytest.approx(0.75, abs=1e-12)
    # alpha 0.70 on 6 items: length factor 0.8 x 0.3 / (0.7 x 0.2) = 1.714 -> 10.3 -> 11.
    assert psychometrics.items_needed(0.70, 6, 0.80) == 11
    assert (
        psychometrics.spearman_brown(0.70, 11 / 6)
        >= 0.80
        > psychometrics.spearman_brown(0.70, 10 / 6)
    )
    assert structure.items_for_reliability(-0.07, 6) is None


def test_wishart_eigenvalues_match_horns_raw_data_simulation():
    people, items, samples = 60, 5, 1500
    shortcut = structure.random_eigenvalues(people, items, samples=samples, seed=4)
    rng = np.random.default_rng(5)
    raw = np.array(
        [
            np.linalg.eigvalsh(np.corrcoef(rng.normal(size=(people, items)), rowvar=False))[::-1]
            for _ in range(samples)
        ]
    )
    np.testing.assert_allclose(shortcut.mean(axis=0), raw.mean(axis=0), atol=0.02)
    np.testing.assert_allclose(
        np.quantile(shortcut, 0.95, axis=0), np.quantile(raw, 0.95, axis=0), atol=0.04
    )


@pytest.mark.parametrize(("factors", "expected"), [(0, 0), (1, 1), (2, 2)])
def test_parallel_analysis_finds_the_number_of_factors(factors, expected):
    rng = np.random.default_rng(factors)
    people = 400
    traits = rng.normal(size=(people, max(factors, 1)))
    columns = {}
    for item in range(8):
        signal = 0.8 * traits[:, item % factors] if factors else 0.0
        columns[f"i{item}"] = signal + rng.normal(size=people)
    found = structure.parallel_analysis(pd.DataFrame(columns))
    assert found.components == expected
    assert found.one_thing == (expected == 1)


def test_the_omega_bootstrap_resamples_what_omega_total_computes():
    rng = np.random.default_rng(9)
    trait = rng.normal(size=200)
    values = np.clip(np.rint(3 + trait[:, None] + rng.normal(size=(200, 5))), 1, 5)
    values[rng.random(values.shape) < 0.1] = np.nan
    data = pd.DataFrame(values, columns=list("abcde"))
    weights = rng.integers(0, 3, 200).astype(float)
    repeated = data.loc[data.index.repeat(weights.astype(int))]
    observed = ~np.isnan(values)
    filled = np.where(observed, values, 0.0)
    (batch,) = structure._pairwise_correlations(filled, observed.astype(float), weights[None])
    np.testing.assert_allclose(batch, structure.correlations(repeated), atol=1e-12)
    (loadings,) = structure._one_factor_batch(batch[None], np.full(5, 0.5), tol=1e-13)
    fit = psychometrics.one_factor_fit(repeated)
    np.testing.assert_allclose(loadings, fit.loadings.to_numpy(), atol=1e-6)
    low, high = structure.omega_interval(data)
    assert low < psychometrics.omega_total(data) < high
    assert (low, high) == structure.omega_interval(data)  # seeded: the same on every visit


@pytest.mark.parametrize(("d_z", "n"), [(0.5, 20), (-0.8, 8), (0.1, 200), (1.5, 3)])
def test_the_dz_interval_inverts_the_noncentral_t(d_z, n):
    low, high = cohorts.dz_interval(d_z, n)
    t = d_z * math.sqrt(n)
    assert stats.nct.cdf(t, n - 1, low * math.sqrt(n)) == pytest.approx(0.975, abs=1e-8)
    assert stats.nct.cdf(t, n - 1, high * math.sqrt(n)) == pytest.approx(0.025, abs=1e-8)
    assert low < d_z < high


def test_the_dz_interval_approaches_the_normal_one_for_many_people():
    d_z, n = 0.4, 5000
    low, high = cohorts.dz_interval(d_z, n)
    half = 1.959964 * math.sqrt(1 / n + d_z**2 / (2 * n))
    assert low == pytest.approx(d_z - half, abs=2e-3) and high == pytest.approx(
        d_z + half, abs=2e-3
    )


# psych's Thurstone data set: 9 ability tests, 3 clusters (McDonald, 1999, p. 91; Bechtoldt,
# 1961), the example of psych's omega vignette.
THURSTONE = np.array([
    [1.000, 0.828, 0.776, 0.439, 0.432, 0.447, 0.447, 0.541, 0.380],
    [0.828, 1.000, 0.779, 0.493, 0.464, 0.489, 0.432, 0.537, 0.358],
    [0.776, 0.779, 1.000, 0.460, 0.425, 0.443, 0.401, 0.534, 0.359],
    [0.439, 0.493, 0.460, 1.000, 0.674, 0.590, 0.381, 0.350, 0.424],
    [0.432, 0.464, 0.425, 0.674, 1.000, 0.541, 0.402, 0.367, 0.446],
    [0.447, 0.489, 0.443, 0.590, 0.541, 1.000, 0.288, 0.320, 0.325],
    [0.447, 0.432, 0.401, 0.381, 0.402, 0.288, 1.000, 0.555, 0.598],
    [0.541, 0.537, 0.534, 0.350, 0.367, 0.320, 0.555, 1.000, 0.452],
    [0.380, 0.358, 0.359, 0.424, 0.446, 0.325, 0.598, 0.452, 1.000],
])  # fmt: skip
THURSTONE_NAMES = [
    "Sentences", "Vocabulary", "Sent.Completion", "First.Letters", "Four.Letter.Words",
    "Suffixes", "Letter.Series", "Pedigrees", "Letter.Group",
]  # fmt: skip


def thurstone() -> tuple[pd.DataFrame, dict[str, str]]:
    corr = pd.DataFrame(THURSTONE, index=THURSTONE_NAMES, columns=THURSTONE_NAMES)
    clusters = {name: f"F{i // 3 + 1}" for i, name in enumerate(THURSTONE_NAMES)}
    return corr, clusters


def test_lambda6_reproduces_psych_guttman_on_brennan_and_feldts_matrix():
    cov = np.array(
        [[7.2, 5.6, 3.5, 5.8], [5.6, 6.4, 3.1, 4.1], [3.5, 3.1, 2.4, 3.3], [5.8, 4.1, 3.3, 6.2]]
    )
    sd = np.sqrt(np.diag(cov))
    data = exact_data(cov / np.outer(sd, sd))
    # psych::guttman works on the correlations; it printed these to 7 decimals.
    assert structure.guttman_lambda6(data) == pytest.approx(0.9499394, abs=5e-8)
    assert psychometrics.standardised_alpha(data) == pytest.approx(0.9430339, abs=5e-8)


def test_thurstone_alpha_lambda6_and_omega_total_as_psych_omega_prints_them():
    corr, clusters = thurstone()
    data = exact_data(THURSTONE)
    assert psychometrics.standardised_alpha(data) == pytest.approx(0.89, abs=0.005)
    assert structure.guttman_lambda6(data) == pytest.approx(0.91, abs=0.005)
    assert structure.general_factor(corr, clusters).omega_t == pytest.approx(0.93, abs=0.005)


@pytest.mark.xfail(
    strict=True,
    reason="psych's omega finds its group factors by an exploratory minres fit with oblimin "
    "rotation, which lets Pedigrees load 0.24 on the verbal factor; LeadCoach's general "
    "factor takes each skill's statements as one fixed group (no cross-loadings), which "
    "gives omega hierarchical 0.79 on Thurstone where psych prints 0.74. The two agree when "
    "the clusters are clean (Jensen & Weng, above). Open: an exploratory fit (e.g. "
    "factor_analyzer's minres + oblimin) would be needed to reproduce psych here.",
)
def test_thurstone_omega_hierarchical_as_psych_omega_prints_it():
    corr, clusters = thurstone()
    assert structure.general_factor(corr, clusters).omega_h == pytest.approx(0.74, abs=0.005)


def test_jensen_and_weng_alpha_lambda6_and_subscale_omegas_as_psych_prints_them():
    corr, clusters, _ = jensen_weng()
    data = exact_data(corr.to_numpy())
    data.columns = corr.columns
    # psych's omega vignette, sec. 5: Alpha 0.76, G.6 0.76, "Omega total for total scores
    # and subscales 0.80 0.74 0.63 0.50".
    assert psychometrics.standardised_alpha(data) == pytest.approx(0.76, abs=0.005)
    assert structure.guttman_lambda6(data) == pytest.approx(0.76, abs=0.005)
    subscales = [
        psychometrics.omega_total(data[[n for n in data.columns if clusters[n] == f]])
        for f in ("F1", "F2", "F3")
    ]
    np.testing.assert_allclose(subscales, [0.74, 0.63, 0.50], atol=0.005)


def test_parallel_analysis_finds_psychs_six_components_in_the_bfi():
    """psych's overview vignette: fa.parallel(bfi[1:25]) prints "the number of components
    = 6" (2,800 people, 25 items, pairwise missing answers)."""
    bfi = pd.read_csv(Path(__file__).parent / "data" / "psych-bfi-25-items.csv.gz")
    assert bfi.shape == (2800, 25)
    result = structure.parallel_analysis(bfi.astype(float))
    assert result.components == 6
    assert not result.one_thing
