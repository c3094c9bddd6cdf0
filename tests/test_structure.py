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
  find omega", psychTools 2.5.3, March 23, 2025, sec. 4.3, the PDF shipped in psychTools'
  inst/doc/omega.pdf): Alpha 0.89, G.6 0.91, Omega Hierarchical 0.74, Omega H asymptotic
  0.79, Omega Total 0.93, the whole Schmid-Leiman table (g, F1*-F3*, h2, u2, p2, com), the
  sums of squares, ECV and the subscale omegas (psych prints 2 decimals; reproduced to 2)
  by `structure.exploratory_general_factor`, psych's own method. The skills model
  (`structure.general_factor`, each skill's statements one fixed group) gives 0.79 there.
* omega(sim.hierarchical()) in the same vignette (sec. 5): Alpha 0.76, G.6 0.76, Omega
  Hierarchical 0.69, asymptotic 0.86, total 0.8, its table and subscale omegas, and
  omega(simx$model), the bifactor example of sec. 5.0.1 (2 decimals).
* minres, varimax and oblimin (`factoring`) are also checked against independent code:
  statsmodels' iterated principal axes (the same least-squares solution) and its port of
  GPArotation's GPA (Bernaards & Jennrich, 2005), to 1e-8 or better.
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

from leadcoach.measurement import factoring, psychometrics, structure
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


# psych's printed Schmid-Leiman table of omega(Thurstone) (vignette sec. 4.3): loadings
# below 0.2 are left blank (None here); then h2, u2, p2, com.
THURSTONE_SL = [
    # g     F1*   F2*   F3*   h2    u2    p2    com
    (0.71, 0.56, None, None, 0.82, 0.18, 0.61, 1.90),  # Sentences
    (0.73, 0.55, None, None, 0.84, 0.16, 0.63, 1.88),  # Vocabulary
    (0.68, 0.52, None, None, 0.74, 0.26, 0.63, 1.87),  # Sent.Completion
    (0.65, None, 0.56, None, 0.73, 0.27, 0.57, 1.96),  # First.Letters
    (0.62, None, 0.49, None, 0.63, 0.37, 0.61, 1.93),  # Four.Letter.Words
    (0.56, None, 0.41, None, 0.50, 0.50, 0.63, 1.96),  # Suffixes
    (0.59, None, None, 0.62, 0.73, 0.27, 0.48, 2.00),  # Letter.Series
    (0.58, 0.24, None, 0.34, 0.51, 0.49, 0.66, 2.01),  # Pedigrees
    (0.54, None, None, 0.46, 0.52, 0.48, 0.56, 2.11),  # Letter.Group
]


def printed(found: structure.GeneralFactor) -> pd.DataFrame:
    """The columns of psych's printed Schmid-Leiman table."""
    return pd.concat(
        [found.general, found.group, found.communality, found.uniqueness,
         found.percent_general, found.complexity], axis=1,
    )  # fmt: skip


def assert_printed(values, published, decimals: int = 2):
    """Each value rounds to the published one, as psych prints it (R rounds half to even
    in print, so a value within 1e-9 of a rounding boundary is allowed either way)."""
    for value, expected in zip(np.ravel(values), np.ravel(published), strict=True):
        if expected is None:  # psych leaves loadings below 0.2 blank
            assert abs(value) < 0.2
        else:
            assert abs(value - expected) <= 0.5 * 10**-decimals + 1e-9, (value, expected)


def test_thurstone_omega_as_psych_omega_prints_it():
    """psych's omega vignette, sec. 4.3: omega(Thurstone), every figure it prints that
    comes from the Schmid-Leiman solution."""
    corr, _ = thurstone()
    found = structure.exploratory_general_factor(corr, 3)
    assert found.method == structure.EXPLORATORY and found.notes == ()
    assert_printed(
        [found.omega_h, found.omega_limit, found.omega_t], [0.74, 0.79, 0.93]
    )  # Omega Hierarchical, Omega H asymptotic, Omega Total
    assert_printed(printed(found).to_numpy(), np.array(THURSTONE_SL, dtype=object))
    # "With Sums of squares of: g 3.58 F1* 0.96 F2* 0.74 F3* 0.72 h2 4.14": psych's print
    # adds the h2 column's sum of squares; "general/max 0.86 max/min = 5.78" use all five.
    squares = (pd.concat([found.general, found.group], axis=1) ** 2).sum()
    with_h2 = [*squares, float((found.communality**2).sum())]
    assert_printed(with_h2, [3.58, 0.96, 0.74, 0.72, 4.14])
    assert_printed([with_h2[0] / max(with_h2[1:]), max(with_h2[1:]) / min(with_h2[1:])],
                   [0.86, 5.78])  # fmt: skip
    # "mean percent general = 0.6 with sd = 0.05 and cv of 0.09" (of the rounded p2).
    p2 = found.percent_general.round(2)
    assert_printed([p2.mean(), p2.std(), p2.std() / p2.mean()], [0.6, 0.05, 0.09])
    assert_printed(found.ecv, 0.6)  # Explained Common Variance of the general factor
    # "Total, General and Subset omega for each subset", columns g, F1*, F2*, F3*.
    assert list(found.subscales.index) == ["g", "F1*", "F2*", "F3*"]
    assert_printed(found.subscales["total"], [0.93, 0.92, 0.83, 0.79])
    assert_printed(found.subscales["general"], [0.74, 0.58, 0.50, 0.47])
    assert_printed(found.subscales["group"], [0.16, 0.34, 0.32, 0.32])
    assert list(found.factor_of) == ["F1*"] * 3 + ["F2*"] * 3 + ["F3*"] * 3


def test_on_thurstone_the_skills_model_puts_a_cross_loading_into_the_general_factor():
    """Pedigrees loads 0.24 on the verbal group factor in psych's exploratory solution;
    held to its own cluster, that shared variance goes to g: omega_h 0.79, not 0.74."""
    corr, clusters = thurstone()
    skills = structure.general_factor(corr, clusters)
    exploratory = structure.exploratory_general_factor(corr, 3, clusters=clusters)
    assert skills.method == structure.SKILLS
    assert round(skills.omega_h, 2) == 0.79 and round(exploratory.omega_h, 2) == 0.74
    assert structure.follows(exploratory, clusters) == 9
    assert structure.mostly(exploratory.factor_of, clusters) == {"F1*": "F1", "F2*": "F2",
                                                                 "F3*": "F3"}  # fmt: skip


def test_jensen_and_weng_as_psych_omega_prints_it():
    """psych's omega vignette, sec. 5: omega(sim.hierarchical()). The exploratory fit of
    the population matrix recovers the published Schmid-Leiman loadings (within the
    rotation's stopping rule, GPArotation's eps = 1e-5)."""
    corr, clusters, item_loadings = jensen_weng()
    found = structure.exploratory_general_factor(corr, 3, clusters=clusters)
    published = [0.72, 0.63, 0.54, 0.56, 0.48, 0.40, 0.42, 0.35, 0.28]
    np.testing.assert_allclose(found.general.to_numpy(), published, atol=1e-5)
    np.testing.assert_allclose(found.second_order.to_numpy(), GLOAD, atol=1e-4)
    np.testing.assert_allclose(found.communality.to_numpy(), item_loadings**2, atol=1e-8)
    assert_printed([found.omega_h, found.omega_limit, found.omega_t, found.ecv],
                   [0.69, 0.86, 0.80, 0.68])  # fmt: skip
    table = [
        (0.72, 0.35, None, None, 0.64, 0.36, 0.81, 1.44),
        (0.63, 0.31, None, None, 0.49, 0.51, 0.81, 1.44),
        (0.54, 0.26, None, None, 0.36, 0.64, 0.81, 1.44),
        (0.56, None, 0.42, None, 0.49, 0.51, 0.64, 1.85),
        (0.48, None, 0.36, None, 0.36, 0.64, 0.64, 1.85),
        (0.40, None, 0.30, None, 0.25, 0.75, 0.64, 1.85),
        (0.42, None, None, 0.43, 0.36, 0.64, 0.49, 2.00),
        (0.35, None, None, 0.36, 0.25, 0.75, 0.49, 2.00),
        (0.28, None, None, 0.29, 0.16, 0.84, 0.49, 2.00),
    ]
    assert_printed(printed(found).to_numpy(), np.array(table, dtype=object))
    squares = (pd.concat([found.general, found.group], axis=1) ** 2).sum()
    assert_printed(squares, [2.29, 0.28, 0.40, 0.39])
    assert_printed(found.subscales["total"], [0.80, 0.74, 0.63, 0.50])
    assert_printed(found.subscales["general"], [0.69, 0.60, 0.40, 0.25])
    assert_printed(found.subscales["group"], [0.11, 0.14, 0.23, 0.26])
    # Where the clusters are clean the two models agree.
    skills = structure.general_factor(corr, clusters)
    assert skills.omega_h == pytest.approx(found.omega_h, abs=1e-5)
    assert skills.omega_t == pytest.approx(found.omega_t, abs=1e-8)
    pd.testing.assert_frame_equal(
        skills.subscales.set_axis(found.subscales.index), found.subscales, atol=1e-5
    )


def test_a_bifactor_model_as_psych_omega_prints_it():
    """psych's omega vignette, sec. 5.0.1: omega(sim.structure(fx)$model) for a bifactor
    model (general loadings .7 .6 .5 .7 .6 .5 .8 .7 .6; group loadings .6 .6 .6, .6 .5 .6,
    .6 .6 .6). The Schmid-Leiman solution is not the generating one (its omega_h 0.74 is
    below the model's own), which psych prints and this reproduces."""
    fx = np.zeros((9, 4))
    fx[:, 0] = [0.7, 0.6, 0.5, 0.7, 0.6, 0.5, 0.8, 0.7, 0.6]
    fx[0:3, 1], fx[3:6, 2], fx[6:9, 3] = [0.6, 0.6, 0.6], [0.6, 0.5, 0.6], [0.6, 0.6, 0.6]
    model = fx @ fx.T
    np.fill_diagonal(model, 1.0)
    names = [f"V{i + 1}" for i in range(9)]
    found = structure.exploratory_general_factor(pd.DataFrame(model, names, names), 3)
    # Alpha 0.9, G.6 0.93, Omega Hierarchical 0.74, Omega H asymptotic 0.78, Omega Total 0.95
    assert_printed([found.omega_h, found.omega_limit, found.omega_t], [0.74, 0.78, 0.95])
    data = exact_data(model)
    assert_printed([psychometrics.standardised_alpha(data), structure.guttman_lambda6(data)],
                   [0.90, 0.93])  # fmt: skip
    squares = (pd.concat([found.general, found.group], axis=1) ** 2).sum()
    assert_printed(squares, [3.67, 1.08, 1.08, 0.97])  # "With eigenvalues of"
    assert_printed(found.ecv, 0.54)
    assert_printed(found.subscales["total"], [0.95, 0.95, 0.89, 0.87])
    assert_printed(found.subscales["general"], [0.74, 0.55, 0.45, 0.46])
    assert_printed(found.subscales["group"], [0.21, 0.40, 0.44, 0.41])


def simple_structure(factors: int, per: int, seed: int) -> np.ndarray:
    """A population correlation matrix of correlated factors, each variable with a small
    cross-loading on the next factor."""
    rng = np.random.default_rng(seed)
    pattern = np.zeros((factors * per, factors))
    for j in range(factors):
        pattern[j * per : (j + 1) * per, j] = rng.uniform(0.4, 0.8, per)
        pattern[j * per : (j + 1) * per, (j + 1) % factors] = rng.uniform(-0.1, 0.2, per)
    phi = np.full((factors, factors), 0.4)
    np.fill_diagonal(phi, 1.0)
    corr = pattern @ phi @ pattern.T
    assert np.diag(corr).max() < 0.95  # communalities: no Heywood case by construction
    np.fill_diagonal(corr, 1.0)
    return corr


@pytest.mark.parametrize(("factors", "per"), [(3, 3), (5, 4), (12, 6)])
def test_minres_varimax_and_oblimin_agree_with_statsmodels(factors, per):
    """Independent code for the same three steps: statsmodels' iterated principal axes
    converge to the minres (least-squares) solution, and statsmodels ports GPArotation's
    GPA (Bernaards & Jennrich, 2005) for oblimin and the orthogonal varimax criterion."""
    from statsmodels.multivariate.factor import Factor
    from statsmodels.multivariate.factor_rotation import rotate_factors

    corr = simple_structure(factors, per, seed=factors)
    fit = factoring.minres(corr, factors)
    assert fit.converged and not fit.heywood.any()
    axes = Factor(corr=corr, n_factor=factors, method="pa", nobs=500).fit(maxiter=100_000,
                                                                          tol=1e-13)  # fmt: skip
    np.testing.assert_allclose(np.sum(fit.loadings**2, axis=1), axes.communality, atol=1e-8)

    mine = factoring.oblimin(fit.loadings)
    theirs, rotation = rotate_factors(fit.loadings, "quartimin")
    assert mine.converged
    np.testing.assert_allclose(mine.loadings, theirs, atol=1e-12)
    np.testing.assert_allclose(mine.phi, rotation.T @ rotation, atol=1e-12)

    # stats::varimax normalises the rows (Kaiser): statsmodels' varimax of the normalised
    # rows, scaled back, is the same rotation (up to the order and sign of the factors).
    rows = np.sqrt(np.sum(fit.loadings**2, axis=1))[:, None]
    theirs, _ = rotate_factors(fit.loadings / rows, "varimax", max_tries=5000, tol=1e-12)
    np.testing.assert_allclose(
        factoring.sign_and_order(factoring.varimax(fit.loadings, eps=1e-14)),
        factoring.sign_and_order(theirs * rows),
        atol=1e-6,
    )


def test_the_exploratory_model_needs_three_factors_and_more_statements():
    corr, _ = thurstone()
    with pytest.raises(ValueError, match="at least three group factors"):
        structure.exploratory_general_factor(corr, 2)
    few = corr.iloc[:4, :4]
    with pytest.raises(ValueError, match="more than 4 statements"):
        structure.exploratory_general_factor(few, 4)


def test_a_statement_scored_the_wrong_way_round_is_named():
    corr, clusters = thurstone()
    flipped = corr.copy()
    flipped.loc["Pedigrees"] *= -1
    flipped["Pedigrees"] *= -1
    flipped.loc["Pedigrees", "Pedigrees"] = 1.0
    found = structure.exploratory_general_factor(flipped, 3, clusters=clusters)
    assert found.general["Pedigrees"] < 0
    assert any("Pedigrees loads negatively on the general factor" in str(n) for n in found.notes)
    # Omega hierarchical of the index as scored (psych's flip = FALSE): lower than with
    # the statement the right way round.
    assert found.omega_h < structure.exploratory_general_factor(corr, 3).omega_h - 0.02


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
