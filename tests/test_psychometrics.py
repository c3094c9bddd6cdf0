"""Tests for leadcoach.measurement.psychometrics against published values, other libraries
and algebra."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import optimize, stats

from leadcoach.measurement import psychometrics as pm

# --------------------------------------------------------------------------------------
# Fixtures: pingouin's published example data sets
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def likert_wide() -> pd.DataFrame:
    """pingouin's 'cronbach_alpha' data (15 people x 10 items), pivoted to wide form."""
    long = pg.read_dataset("cronbach_alpha")
    return long.pivot(index="Subj", columns="Items", values="Scores")


@pytest.fixture(scope="module")
def binary_missing() -> pd.DataFrame:
    """pingouin's 'cronbach_wide_missing' data (12 people x 11 binary items, some NaN)."""
    return pg.read_dataset("cronbach_wide_missing")


def _random_items(seed: int, n: int = 60, k: int = 6) -> pd.DataFrame:
    """Correlated Likert-ish items: one common factor plus noise, rounded to 1..5."""
    rng = np.random.default_rng(seed)
    factor = rng.normal(size=(n, 1))
    raw = 3 + factor * rng.uniform(0.4, 1.2, size=k) + rng.normal(size=(n, k))
    return pd.DataFrame(np.clip(np.round(raw), 1, 5), columns=[f"q{i}" for i in range(k)])


def _with_holes(data: pd.DataFrame, seed: int, share: float = 0.1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return data.mask(rng.random(data.shape) < share)


# --------------------------------------------------------------------------------------
# Cronbach's alpha: pingouin's documented results
# --------------------------------------------------------------------------------------


def test_pingouin_docstring_still_documents_the_values_we_check() -> None:
    # Guards the literals below: they are copied from pingouin's own docstring examples.
    doc = pg.cronbach_alpha.__doc__
    assert doc is not None
    for literal in ("0.5917188485995826", "0.732660835214447", "0.8016949152542373"):
        assert literal in doc


def test_alpha_long_format_dataset_matches_pingouin_docs(likert_wide: pd.DataFrame) -> None:
    alpha = pm.cronbach_alpha(likert_wide)
    assert alpha == pytest.approx(0.5917188485995826, abs=1e-12)
    expected_alpha, expected_ci = pg.cronbach_alpha(likert_wide)
    assert alpha == pytest.approx(expected_alpha, abs=1e-12)

    estimate = pm.cronbach_alpha_ci(likert_wide)
    assert estimate.alpha == alpha
    assert (estimate.n_rows, estimate.n_items) == (15, 10)
    # Documented CI: [0.195, 0.84] (pingouin rounds to 3 decimals).
    assert [round(estimate.ci_lower, 3), round(estimate.ci_upper, 3)] == [0.195, 0.84]
    assert [round(estimate.ci_lower, 3), round(estimate.ci_upper, 3)] == list(expected_ci)


def test_alpha_pairwise_missing_matches_pingouin_docs(binary_missing: pd.DataFrame) -> None:
    alpha = pm.cronbach_alpha(binary_missing)
    assert alpha == pytest.approx(0.732660835214447, abs=1e-12)
    assert alpha == pytest.approx(pg.cronbach_alpha(binary_missing)[0], abs=1e-12)

    estimate = pm.cronbach_alpha_ci(binary_missing)
    assert [round(estimate.ci_lower, 3), round(estimate.ci_upper, 3)] == [0.435, 0.909]


def test_alpha_listwise_matches_pingouin_docs(binary_missing: pd.DataFrame) -> None:
    alpha = pm.cronbach_alpha(binary_missing, missing="listwise")
    assert alpha == pytest.approx(0.8016949152542373, abs=1e-12)
    pingouin_alpha, _ = pg.cronbach_alpha(binary_missing, nan_policy="listwise")
    assert alpha == pytest.approx(pingouin_alpha, abs=1e-12)
    assert alpha == pytest.approx(pm.cronbach_alpha(binary_missing.dropna()), abs=1e-15)


def test_listwise_ci_uses_the_complete_rows(binary_missing: pd.DataFrame) -> None:
    # pingouin's documented listwise CI [0.581, 0.933] uses n = 12 (rows before deletion);
    # we use the 9 complete rows actually analysed, so compare with Feldt's formula directly.
    estimate = pm.cronbach_alpha_ci(binary_missing, missing="listwise")
    n, k = 9, 11
    assert estimate.n_rows == n
    f_hi = stats.f.isf(0.025, n - 1, (n - 1) * (k - 1))
    f_lo = stats.f.isf(0.975, n - 1, (n - 1) * (k - 1))
    assert estimate.ci_lower == pytest.approx(1 - (1 - estimate.alpha) * f_hi, abs=1e-10)
    assert estimate.ci_upper == pytest.approx(1 - (1 - estimate.alpha) * f_lo, abs=1e-10)


def test_alpha_matches_pingouin_on_random_data_with_holes() -> None:
    data = _with_holes(_random_items(1), seed=2)
    for missing, policy in (("pairwise", "pairwise"), ("listwise", "listwise")):
        expected = pg.cronbach_alpha(data, nan_policy=policy)[0]
        assert pm.cronbach_alpha(data, missing=missing) == pytest.approx(expected, abs=1e-12)


# --------------------------------------------------------------------------------------
# Item statistics
# --------------------------------------------------------------------------------------


def test_item_rest_correlations_match_direct_calculation() -> None:
    data = _random_items(3, n=80, k=7)
    result = pm.item_rest_correlations(data)
    assert list(result.index) == list(data.columns)
    for item in data.columns:
        rest = data.drop(columns=item).sum(axis=1)
        assert result[item] == pytest.approx(np.corrcoef(data[item], rest)[0, 1], abs=1e-12)


def test_item_rest_correlations_listwise_equal_complete_case_calculation() -> None:
    data = _with_holes(_random_items(4), seed=5)
    complete = data.dropna()
    result = pm.item_rest_correlations(data, missing="listwise")
    for item in data.columns:
        rest = complete.drop(columns=item).sum(axis=1)
        direct = np.corrcoef(complete[item], rest)[0, 1]
        assert result[item] == pytest.approx(direct, abs=1e-12)


def test_item_rest_correlation_of_constant_item_is_nan() -> None:
    data = _random_items(6)
    data["q0"] = 3.0
    result = pm.item_rest_correlations(data)
    assert math.isnan(result["q0"])
    assert result.drop("q0").notna().all()


@pytest.mark.parametrize("missing", ["pairwise", "listwise"])
def test_alpha_if_deleted_matches_pingouin_on_reduced_data(missing: str) -> None:
    data = _with_holes(_random_items(7, n=70, k=5), seed=8)
    result = pm.alpha_if_deleted(data, missing=missing)  # type: ignore[arg-type]
    for item in data.columns:
        reduced = data.drop(columns=item)
        if missing == "listwise":
            # Listwise deletion is decided on all items, before any item is dropped.
            reduced = reduced[data.notna().all(axis=1)]
        expected = pg.cronbach_alpha(reduced, nan_policy="pairwise")[0]
        assert result[item] == pytest.approx(expected, abs=1e-12)


def test_average_correlation_and_standardised_alpha_match_direct_calculation() -> None:
    data = _random_items(9, n=50, k=5)
    corr = np.corrcoef(data.to_numpy(), rowvar=False)
    k = corr.shape[0]
    mean_r = corr[~np.eye(k, dtype=bool)].mean()
    assert pm.average_inter_item_correlation(data) == pytest.approx(mean_r, abs=1e-12)
    expected = k * mean_r / (1 + (k - 1) * mean_r)
    assert pm.standardised_alpha(data) == pytest.approx(expected, abs=1e-12)
    # Standardised alpha is raw alpha of the z-scored items.
    z = (data - data.mean()) / data.std()
    assert pm.standardised_alpha(data) == pytest.approx(pm.cronbach_alpha(z), abs=1e-12)


# --------------------------------------------------------------------------------------
# McDonald's omega
# --------------------------------------------------------------------------------------


def _data_with_exact_correlations(target: np.ndarray, n: int = 200, seed: int = 0) -> np.ndarray:
    """Data whose sample correlation matrix equals ``target`` up to rounding error.

    Whitens random data to an identity sample covariance, then colours it with the
    Cholesky factor of the target, so the fitted one-factor model can be checked exactly.
    """
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n, target.shape[0]))
    z -= z.mean(axis=0)
    z = z @ np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False))).T
    scales = rng.uniform(0.5, 3.0, size=target.shape[0])  # item SDs must not matter
    return 10 + (z @ np.linalg.cholesky(target).T) * scales


def _one_factor_corr(loadings: np.ndarray) -> np.ndarray:
    corr = np.outer(loadings, loadings)
    np.fill_diagonal(corr, 1.0)
    return corr


@pytest.mark.parametrize(
    "loadings",
    [
        np.array([0.8, 0.7, 0.6, 0.5, 0.4]),
        np.array([0.9, 0.3, 0.75, 0.55]),
        np.array([0.6, 0.6, 0.6, 0.6, 0.6, 0.6]),
    ],
)
def test_omega_recovers_known_congeneric_loadings(loadings: np.ndarray) -> None:
    data = pd.DataFrame(_data_with_exact_correlations(_one_factor_corr(loadings)))
    fitted = pm.one_factor_loadings(data).to_numpy()
    np.testing.assert_allclose(fitted, loadings, atol=1e-8)
    s = loadings.sum()
    expected = s**2 / (s**2 + np.sum(1 - loadings**2))
    assert pm.omega_total(data) == pytest.approx(expected, abs=1e-8)


def test_omega_of_congeneric_example_by_hand() -> None:
    # Loadings .8 .7 .6 .5 .4: sum = 3, sum of uniquenesses = 5 - 1.9 = 3.1,
    # omega = 9 / (9 + 3.1) = 0.743801652...
    data = pd.DataFrame(_data_with_exact_correlations(_one_factor_corr(np.arange(8, 3, -1) / 10)))
    assert pm.omega_total(data) == pytest.approx(9 / 12.1, abs=1e-8)


def test_omega_equals_standardised_alpha_for_equal_loadings() -> None:
    # With equal standardised loadings (tau-equivalent standardised items) the two coincide.
    data = pd.DataFrame(_data_with_exact_correlations(_one_factor_corr(np.full(5, 0.7))))
    assert pm.omega_total(data) == pytest.approx(pm.standardised_alpha(data), abs=1e-8)


def test_omega_of_identical_items_is_one() -> None:
    x = np.array([1.0, 2, 3, 4, 5, 3, 2])
    data = pd.DataFrame({"a": x, "b": x, "c": x})
    assert pm.omega_total(data) == pytest.approx(1.0, abs=1e-12)


def test_one_factor_loadings_minimise_offdiagonal_residuals(likert_wide: pd.DataFrame) -> None:
    """Cross-check the iterated principal axis solution with a direct numerical minimiser."""
    corr = likert_wide.corr().to_numpy()
    off = ~np.eye(corr.shape[0], dtype=bool)

    def loss(lam: np.ndarray) -> float:
        return float(np.sum((corr - np.outer(lam, lam))[off] ** 2))

    start = np.full(corr.shape[0], 0.5)
    best = optimize.minimize(loss, start, method="BFGS", options={"gtol": 1e-12})
    ours = pm.one_factor_loadings(likert_wide).to_numpy()
    direct = best.x if best.x.sum() > 0 else -best.x
    np.testing.assert_allclose(ours, direct, atol=1e-6)
    assert loss(ours) <= best.fun + 1e-12


def test_heywood_case_is_capped_with_a_warning() -> None:
    # Three items with r12 = r13 = .8, r23 = .5 imply l1^2 = .8 * .8 / .5 = 1.28 > 1.
    corr = np.array([[1, 0.8, 0.8], [0.8, 1, 0.5], [0.8, 0.5, 1]])
    data = pd.DataFrame(_data_with_exact_correlations(corr), columns=["a", "b", "c"])
    with pytest.warns(RuntimeWarning, match=r"Heywood case: loadings of \['a'\]"):
        loadings = pm.one_factor_loadings(data)
    assert loadings["a"] == 1.0
    assert 0 < loadings["b"] < 1


def test_omega_needs_three_items() -> None:
    with pytest.raises(ValueError, match="at least 3 items"):
        pm.omega_total(_random_items(10, k=2))


# --------------------------------------------------------------------------------------
# Percentile ranks
# --------------------------------------------------------------------------------------


def test_percentile_ranks_hand_example_with_ties() -> None:
    norm = [1, 2, 2, 3, 4, 4, 4, 5, 6, 7, np.nan]  # N = 10 after ignoring the NaN
    scores = [4, 2, 0, 8, 3.5, 7, np.nan]
    # 4: 4 below, 3 equal -> (4 + 1.5)/10 = 55; 2: 1 below, 2 equal -> 20; 0 -> 0; 8 -> 100;
    # 3.5: 4 below, 0 equal -> 40; 7: 9 below, 1 equal -> 95; NaN -> NaN.
    expected = [55.0, 20.0, 0.0, 100.0, 40.0, 95.0, np.nan]
    np.testing.assert_allclose(pm.percentile_ranks(scores, norm), expected)


def test_percentile_ranks_keep_shape_and_need_a_norm() -> None:
    result = pm.percentile_ranks(np.array([[1.0, 2.0], [3.0, 4.0]]), [1, 2, 3, 4])
    np.testing.assert_allclose(result, [[12.5, 37.5], [62.5, 87.5]])
    with pytest.raises(ValueError, match="no non-missing values"):
        pm.percentile_ranks([1.0], [np.nan])


# --------------------------------------------------------------------------------------
# Reliable change
# --------------------------------------------------------------------------------------


def test_reliable_change_hand_example() -> None:
    # SD 10, r .84: SEM = 10 * sqrt(.16) = 4, S_diff = sqrt(2) * 4 = 5.65685...
    rci = pm.reliable_change(12, sd=10, reliability=0.84)
    assert isinstance(rci, float)
    assert rci == pytest.approx(12 / (4 * math.sqrt(2)), abs=1e-12)
    assert rci == pytest.approx(2.1213, abs=1e-4)
    assert pm.is_reliable_change(12, sd=10, reliability=0.84) is True
    assert pm.is_reliable_change(11, sd=10, reliability=0.84) is False  # RCI 1.94


def test_reliable_change_is_array_friendly() -> None:
    changes = np.array([-12.0, 0.0, 11.0, np.nan])
    np.testing.assert_allclose(
        pm.reliable_change(changes, sd=10, reliability=0.84),
        changes / (4 * math.sqrt(2)),
    )
    np.testing.assert_array_equal(
        pm.is_reliable_change(changes, sd=10, reliability=0.84), [True, False, False, False]
    )


@pytest.mark.parametrize(
    ("sd", "reliability", "message"),
    [
        (10, 1.0, "reliability must be in"),
        (10, 1.2, "reliability must be in"),
        (10, -0.1, "reliability must be in"),
        (10, math.nan, "reliability must be in"),
        (0, 0.8, "sd must be a positive"),
        (-1, 0.8, "sd must be a positive"),
        (math.inf, 0.8, "sd must be a positive"),
    ],
)
def test_reliable_change_rejects_bad_parameters(
    sd: float, reliability: float, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        pm.reliable_change(5, sd=sd, reliability=reliability)


# --------------------------------------------------------------------------------------
# Input validation
# --------------------------------------------------------------------------------------


def test_bad_inputs_raise_specific_errors() -> None:
    with pytest.raises(ValueError, match="at least 2 items"):
        pm.cronbach_alpha(pd.DataFrame({"a": [1, 2, 3]}))
    with pytest.raises(ValueError, match="at least 2 complete rows"):
        pm.cronbach_alpha(
            pd.DataFrame({"a": [1, np.nan, 3], "b": [1, 2, np.nan]}), missing="listwise"
        )
    with pytest.raises(ValueError, match="every pair of items"):
        pm.cronbach_alpha(pd.DataFrame({"a": [1, 2, np.nan, np.nan], "b": [np.nan, 1, 2, 3]}))
    with pytest.raises(ValueError, match="non-numeric"):
        pm.cronbach_alpha(pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]}))
    with pytest.raises(ValueError, match="missing must be"):
        pm.cronbach_alpha(pd.DataFrame({"a": [1, 2, 3], "b": [2, 3, 4]}), missing="mean")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="every item has zero variance"):
        pm.cronbach_alpha(pd.DataFrame({"a": [2, 2, 2], "b": [3, 3, 3]}))
    with pytest.raises(ValueError, match="total score has zero"):
        pm.cronbach_alpha(pd.DataFrame({"a": [1.0, 2, 3], "b": [-1.0, -2, -3]}))
    with pytest.raises(ValueError, match="zero variance: \\['b'\\]"):
        pm.standardised_alpha(pd.DataFrame({"a": [1, 2, 3], "b": [3, 3, 3], "c": [1, 3, 2]}))
    with pytest.raises(ValueError, match="zero variance: \\['b'\\]"):
        # 0.1 * 7 / 7 is not exactly 0.1: the constant item must still count as constant.
        pm.average_inter_item_correlation(pd.DataFrame({"a": range(7), "b": [0.1] * 7}))
    with pytest.raises(ValueError, match="at least 3 items"):
        pm.alpha_if_deleted(pd.DataFrame({"a": [1, 2, 3], "b": [2, 3, 5]}))
    with pytest.raises(ValueError, match="confidence"):
        pm.cronbach_alpha_ci(pd.DataFrame({"a": [1, 2, 3], "b": [2, 3, 5]}), confidence=95)


# --------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------

likert = st.integers(min_value=1, max_value=5)


@settings(max_examples=60, deadline=None)
@given(
    column=st.lists(likert, min_size=2, max_size=30).filter(lambda xs: len(set(xs)) > 1),
    k=st.integers(min_value=2, max_value=8),
)
def test_alpha_of_parallel_items_is_one(column: list[int], k: int) -> None:
    data = pd.DataFrame({f"q{i}": column for i in range(k)})
    assert pm.cronbach_alpha(data) == pytest.approx(1.0, abs=1e-12)
    assert pm.standardised_alpha(data) == pytest.approx(1.0, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=2, max_value=6).flatmap(
        lambda k: st.lists(st.lists(likert, min_size=k, max_size=k), min_size=2, max_size=25)
    )
)
def test_alpha_never_exceeds_one(rows: list[list[int]]) -> None:
    data = pd.DataFrame(rows, dtype=float)
    try:
        alpha = pm.cronbach_alpha(data)
    except ValueError:
        assume(False)  # zero-variance total: alpha is undefined, not a counterexample
        return
    assert alpha <= 1 + 1e-12


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    scores=st.lists(st.one_of(finite, st.just(math.nan)), min_size=1, max_size=20),
    norm=st.lists(finite, min_size=1, max_size=40),
)
def test_percentile_ranks_stay_within_0_and_100(scores: list[float], norm: list[float]) -> None:
    ranks = pm.percentile_ranks(scores, norm)
    observed = ~np.isnan(np.asarray(scores))
    assert np.all(np.isnan(ranks[~observed]))
    assert np.all((ranks[observed] >= 0) & (ranks[observed] <= 100))


@settings(max_examples=60, deadline=None)
@given(
    change=finite,
    sd=st.floats(min_value=1e-3, max_value=1e3),
    reliability=st.floats(min_value=0, max_value=0.999),
)
def test_reliable_change_is_antisymmetric(change: float, sd: float, reliability: float) -> None:
    forward = pm.reliable_change(change, sd=sd, reliability=reliability)
    backward = pm.reliable_change(-change, sd=sd, reliability=reliability)
    assert backward == -forward
    assert pm.is_reliable_change(change, sd=sd, reliability=reliability) == (
        pm.is_reliable_change(-change, sd=sd, reliability=reliability)
    )
