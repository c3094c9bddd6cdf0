"""Classical test theory statistics for questionnaire scales.

Pure numpy/pandas functions (no Streamlit, no database, no scipy) so they can be
used from the app, the CLI and notebooks alike.

Conventions for the item-level functions: ``data`` is a wide DataFrame with one row per
person and one numeric column per item, all items keyed in the same direction (reverse
scored items must be recoded first). ``missing`` chooses how missing answers are handled:

* ``"pairwise"`` (default): every covariance uses the rows where both items are present,
  as ``pandas.DataFrame.cov`` does. This matches R ``psych::alpha(x, use="pairwise")`` and
  ``pingouin.cronbach_alpha(nan_policy="pairwise")``.
* ``"listwise"``: rows with any missing item are dropped first, as
  ``psych::alpha(x, use="complete.obs")`` and ``pingouin``'s ``nan_policy="listwise"``.

Every item-level statistic is computed from that one covariance matrix, the way
``psych::alpha`` does, so the numbers in one report are mutually consistent.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from leadcoach.measurement import plausibility

__all__ = [
    "AlphaEstimate",
    "Missing",
    "alpha_if_deleted",
    "average_inter_item_correlation",
    "cronbach_alpha",
    "cronbach_alpha_ci",
    "is_reliable_change",
    "item_rest_correlations",
    "items_needed",
    "omega_total",
    "one_factor_loadings",
    "percentile_ranks",
    "reliable_change",
    "spearman_brown",
    "standardised_alpha",
]

Missing = Literal["pairwise", "listwise"]

# Jacobson & Truax (1991): a change is "reliable" when it is larger than 1.96 standard
# errors of the difference, i.e. unlikely (p < .05, two-sided) under pure measurement error.
RCI_CRITICAL_VALUE = 1.96

# Relative tolerance under which a variance counts as zero. Sums of covariances that are
# zero in exact arithmetic come out as ±1e-16-ish in floating point, and dividing by them
# would produce huge meaningless numbers instead of a clear error.
_ZERO_VARIANCE_RTOL = 1e-12


# --------------------------------------------------------------------------------------
# Input handling
# --------------------------------------------------------------------------------------


def _prepare(data: pd.DataFrame, missing: str) -> pd.DataFrame:
    """Validate item data and return it as float columns, listwise-deleted if asked."""
    if missing not in ("pairwise", "listwise"):
        raise ValueError(f"missing must be 'pairwise' or 'listwise', not {missing!r}")
    if not isinstance(data, pd.DataFrame):
        # Accept a 2-D array too; it is the same thing without item names.
        array = np.asarray(data)
        if array.ndim != 2:
            raise ValueError(f"data must be 2-D (people x items), got {array.ndim}-D")
        data = pd.DataFrame(array)
    if data.shape[1] < 2:
        raise ValueError(f"at least 2 items (columns) are required, got {data.shape[1]}")
    non_numeric = [str(c) for c in data.columns if data[c].dtype.kind not in "biuf"]
    if non_numeric:
        raise ValueError(f"all items must be numeric; non-numeric columns: {non_numeric}")
    frame = data.astype(float)
    if np.isinf(frame.to_numpy()).any():
        raise ValueError("data contains infinite values")
    if missing == "listwise":
        frame = frame.dropna(axis=0, how="any")
        if len(frame) < 2:
            raise ValueError(
                f"at least 2 complete rows (people answering every item) are required for "
                f"missing='listwise', got {len(frame)}"
            )
    else:
        # Each covariance needs two jointly observed rows; otherwise it is NaN and every
        # statistic built on the matrix would silently become NaN.
        observed = frame.notna().to_numpy(dtype=float)
        pair_counts = observed.T @ observed
        if pair_counts.min() < 2:
            i, j = np.unravel_index(np.argmin(pair_counts), pair_counts.shape)
            a, b = frame.columns[i], frame.columns[j]
            what = f"item {a!r} has" if i == j else f"items {a!r} and {b!r} have"
            raise ValueError(
                f"at least 2 rows with answers are required for every pair of items; "
                f"{what} {int(pair_counts[i, j])}"
            )
    return frame


def _covariance(frame: pd.DataFrame) -> np.ndarray:
    """Sample covariance matrix (ddof=1) with pairwise deletion of missing values."""
    cov = frame.cov().to_numpy(copy=True)
    # A constant item has exactly zero (co)variance, but e.g. seven answers of 0.1 give a
    # mean that is off in the last bit and a variance of ~1e-34; zero it so the checks for
    # undefined statistics below see a true zero instead of dividing by rounding noise.
    constant = (frame.nunique(dropna=True) <= 1).to_numpy()
    cov[constant, :] = 0.0
    cov[:, constant] = 0.0
    return cov


def _correlation_from_covariance(cov: np.ndarray, columns: pd.Index) -> np.ndarray:
    """Rescale a covariance matrix to correlations (R's ``cov2cor``), as ``psych`` does."""
    sd = np.sqrt(np.diag(cov))
    constant = sd <= 0
    if constant.any():
        names = [str(c) for c in columns[constant]]
        raise ValueError(f"correlations are undefined: items with zero variance: {names}")
    corr = cov / np.outer(sd, sd)
    np.fill_diagonal(corr, 1.0)
    # Pairwise deletion with little overlap can give |r| > 1, which is no correlation at all.
    worst = np.unravel_index(np.argmax(np.abs(corr)), corr.shape)
    checked = plausibility.correlation(float(corr[worst]))
    if not checked.ok:
        a, b = columns[worst[0]], columns[worst[1]]
        raise ValueError(f"items {a!r} and {b!r}: {checked.reason}")
    return np.clip(corr, -1.0, 1.0)


def _alpha_from_covariance(cov: np.ndarray) -> float:
    """Cronbach (1951): alpha = k/(k-1) * (1 - sum of item variances / variance of total).

    The variance of the total score is the sum of all entries of the covariance matrix.
    """
    k = cov.shape[0]
    item_var = float(np.trace(cov))
    total_var = float(cov.sum())
    if total_var <= _ZERO_VARIANCE_RTOL * max(item_var, 0.0):
        if item_var <= 0:
            raise ValueError("alpha is undefined: every item has zero variance")
        raise ValueError(
            "alpha is undefined: the total score has zero (or, with pairwise deletion, "
            "negative) variance; check item keying or try missing='listwise'"
        )
    alpha = k / (k - 1) * (1.0 - item_var / total_var)
    # Alpha cannot exceed 1 for a real covariance matrix; above it, pairwise deletion has
    # combined too few shared answers (a negative alpha is returned: callers judge it).
    if alpha > 1 + plausibility.ROUNDING:
        raise ValueError(plausibility.reliability(alpha, name="alpha").reason)
    return min(alpha, 1.0)  # 1 + 2e-16 is 1 in floating point


# --------------------------------------------------------------------------------------
# Cronbach's alpha and friends
# --------------------------------------------------------------------------------------


def cronbach_alpha(data: pd.DataFrame, *, missing: Missing = "pairwise") -> float:
    """Cronbach's alpha of the items in ``data`` (rows = people, columns = items).

    Formula: Cronbach (1951), alpha = k/(k-1) * (1 - sum(var_i) / var(total)), computed
    from the (pairwise by default) covariance matrix as in R ``psych::alpha`` and
    ``pingouin.cronbach_alpha``. With pairwise deletion the covariance matrix need not be
    positive semi-definite, so in rare cases alpha can exceed 1, as in those packages.
    """
    frame = _prepare(data, missing)
    return _alpha_from_covariance(_covariance(frame))


@dataclass(frozen=True)
class AlphaEstimate:
    """Cronbach's alpha with a Feldt confidence interval."""

    alpha: float
    ci_lower: float
    ci_upper: float
    confidence: float
    n_rows: int
    n_items: int


def cronbach_alpha_ci(
    data: pd.DataFrame, *, missing: Missing = "pairwise", confidence: float = 0.95
) -> AlphaEstimate:
    """Cronbach's alpha with Feldt's confidence interval.

    Feldt, Woodruff & Salih (1987), Applied Psychological Measurement 11(1), 93-103:
    (1 - alpha) / (1 - alpha_pop) ~ F(n-1, (n-1)(k-1)), giving
    lower = 1 - (1 - alpha) * F_{1-a/2}, upper = 1 - (1 - alpha) * F_{a/2}
    (the formula used by ``pingouin.cronbach_alpha``; pingouin rounds to 3 decimals).

    ``n_rows`` is the number of people used: the complete rows for ``"listwise"``, and the
    rows with at least one answer for ``"pairwise"``. (pingouin uses the row count before
    listwise deletion, so its listwise interval is slightly narrower than this one.)
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1 (exclusive), got {confidence}")
    frame = _prepare(data, missing)
    alpha = _alpha_from_covariance(_covariance(frame))
    n = int(frame.notna().any(axis=1).sum())
    k = frame.shape[1]
    df1, df2 = n - 1, (n - 1) * (k - 1)
    tail = (1 - confidence) / 2
    lower = 1 - (1 - alpha) * stats.f.ppf(1 - tail, df1, df2)
    upper = 1 - (1 - alpha) * stats.f.ppf(tail, df1, df2)
    return AlphaEstimate(alpha, lower, upper, confidence, n, k)


def average_inter_item_correlation(data: pd.DataFrame, *, missing: Missing = "pairwise") -> float:
    """Mean of the off-diagonal inter-item correlations.

    Correlations are the covariance matrix rescaled by the item SDs (R ``cov2cor``), as in
    ``psych::alpha``'s ``average_r``; with complete data this is the ordinary Pearson r.
    """
    frame = _prepare(data, missing)
    corr = _correlation_from_covariance(_covariance(frame), frame.columns)
    k = corr.shape[0]
    return float(corr[~np.eye(k, dtype=bool)].mean())


def standardised_alpha(data: pd.DataFrame, *, missing: Missing = "pairwise") -> float:
    """Standardised alpha, k*r / (1 + (k-1)*r) with r the mean inter-item correlation.

    This is alpha of the z-scored items (Spearman-Brown applied to the mean correlation;
    ``std.alpha`` in ``psych::alpha``).
    """
    frame = _prepare(data, missing)
    corr = _correlation_from_covariance(_covariance(frame), frame.columns)
    k = corr.shape[0]
    r = float(corr[~np.eye(k, dtype=bool)].mean())
    denominator = 1 + (k - 1) * r
    if denominator <= 0:
        raise ValueError("standardised alpha is undefined: 1 + (k-1)*mean r is not positive")
    return k * r / denominator


def item_rest_correlations(data: pd.DataFrame, *, missing: Missing = "pairwise") -> pd.Series:
    """Corrected item-total correlation: each item against the sum of the *other* items.

    From the covariance matrix C (as ``r.drop`` in ``psych::alpha``):
    cov(x_i, rest_i) = sum_{j != i} C_ij and var(rest_i) = sum of C without row/column i.
    An item (or rest score) with zero variance gets NaN.
    """
    frame = _prepare(data, missing)
    cov = _covariance(frame)
    row_sums = cov.sum(axis=1)
    item_var = np.diag(cov)
    cov_item_rest = row_sums - item_var
    # sum(C without i) = sum(C) - 2 * rowsum_i + C_ii
    rest_var = cov.sum() - 2 * row_sums + item_var
    scale = _ZERO_VARIANCE_RTOL * np.trace(cov)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = cov_item_rest / np.sqrt(item_var * rest_var)
    r[(item_var <= scale) | (rest_var <= scale)] = np.nan
    # |r| > 1 (pairwise deletion, little overlap) is refused, not shown.
    r[np.abs(r) > 1 + plausibility.ROUNDING] = np.nan
    r = np.clip(r, -1.0, 1.0)
    return pd.Series(r, index=frame.columns, name="item_rest_r")


def alpha_if_deleted(data: pd.DataFrame, *, missing: Missing = "pairwise") -> pd.Series:
    """Cronbach's alpha of the remaining items when each item is dropped in turn.

    Uses the submatrix of the full covariance matrix (as ``alpha.drop`` in ``psych::alpha``),
    so with pairwise deletion it equals ``cronbach_alpha(data.drop(columns=item))``.
    Needs at least 3 items; an entry is NaN when the remaining total has zero variance.
    """
    frame = _prepare(data, missing)
    k = frame.shape[1]
    if k < 3:
        raise ValueError(f"alpha if item deleted needs at least 3 items, got {k}")
    cov = _covariance(frame)
    values = []
    for i in range(k):
        keep = np.arange(k) != i
        try:
            values.append(_alpha_from_covariance(cov[np.ix_(keep, keep)]))
        except ValueError:
            values.append(np.nan)
    return pd.Series(values, index=frame.columns, name="alpha_if_deleted")


# --------------------------------------------------------------------------------------
# McDonald's omega
# --------------------------------------------------------------------------------------


def _initial_communalities(corr: np.ndarray) -> np.ndarray:
    """Squared multiple correlations, the usual starting communalities (psych's default).

    Falls back to each item's largest absolute correlation when R is singular (e.g.
    duplicated items), where SMCs are not defined.
    """
    off = np.abs(corr - np.eye(corr.shape[0]))
    fallback = off.max(axis=1)
    try:
        with np.errstate(divide="ignore", invalid="ignore"):  # a non-finite SMC falls back
            smc = 1 - 1 / np.diag(np.linalg.inv(corr))
    except np.linalg.LinAlgError:
        return fallback
    if not np.all(np.isfinite(smc)) or smc.min() < 0 or smc.max() > 1:
        return fallback
    return smc


def _one_factor_minres(
    corr: np.ndarray,
    *,
    max_iter: int = 10_000,
    tol: float = 1e-12,
    start: np.ndarray | None = None,
) -> tuple[np.ndarray, bool, np.ndarray]:
    """Standardised loadings of a one-factor model by iterated principal axis factoring.

    Principal axis method (Harman, 1976, Modern Factor Analysis): put communalities on the
    diagonal of R, take the first eigenpair, set the new communalities to the squared
    loadings, repeat.
    At convergence sum_{j!=i} r_ij*l_j = l_i * sum_{j!=i} l_j^2, which is the stationary
    condition of minimising the squared off-diagonal residuals sum_{i!=j}(r_ij - l_i*l_j)^2,
    i.e. the same "minres"/ULS solution as ``psych::fa(fm="minres")``.
    Communalities are capped at 1 (a Heywood case then gets loading 1, uniqueness 0).
    Returns (loadings, converged, heywood) where ``heywood`` flags items whose squared
    loading wanted to exceed 1. `start` gives starting communalities (a bootstrap starts
    from the full sample's solution, which converges in a few steps).
    """
    h = _initial_communalities(corr) if start is None else np.clip(start, 0.0, 1.0)
    loadings = np.sqrt(h)
    heywood = np.zeros(corr.shape[0], dtype=bool)
    converged = False
    for _ in range(max_iter):
        reduced = corr.copy()
        np.fill_diagonal(reduced, h)
        eigenvalues, eigenvectors = np.linalg.eigh(reduced)  # ascending order
        loadings = eigenvectors[:, -1] * math.sqrt(max(eigenvalues[-1], 0.0))
        heywood = loadings**2 > 1.0 + 1e-9
        h_new = np.minimum(loadings**2, 1.0)
        if np.max(np.abs(h_new - h)) < tol:
            h = h_new
            converged = True
            break
        h = h_new
    loadings = np.clip(loadings, -1.0, 1.0)
    # An eigenvector's sign is arbitrary; orient the factor so most items load positively.
    if loadings.sum() < 0:
        loadings = -loadings
    return loadings, converged, heywood


@dataclass(frozen=True)
class OneFactor:
    """A fitted one-factor model: standardised loadings and how the fit went."""

    loadings: pd.Series
    converged: bool
    heywood: tuple[str, ...]  # items whose loading was capped at 1
    people: int

    @property
    def omega(self) -> float:
        """McDonald's omega total of the model (see `omega_total`)."""
        return omega_from_loadings(self.loadings.to_numpy())

    def notes(self) -> list[str]:
        """Plain warnings about the fit (capped or negative loadings, no convergence)."""
        notes = []
        if self.heywood:
            notes.append(
                f"the loadings of {', '.join(self.heywood)} were capped at 1: the one-factor "
                "model does not fit these statements well"
            )
        if not self.converged:
            notes.append("the one-factor solution did not converge, so omega is approximate")
        negative = plausibility.loadings(self.loadings.items())
        if negative.flag:
            notes.append(negative.flag)
        return notes


def one_factor_fit(data: pd.DataFrame, *, missing: Missing = "pairwise") -> OneFactor:
    """A single-factor (minres) model of the item correlations, with its warnings as data.

    See ``_one_factor_minres`` for the method. Needs at least 3 items (with 2 a one-factor
    model is not identified: only the product of the loadings is) and more people than
    items (below that the correlation matrix cannot have full rank; with 2 people every
    correlation is ±1 and omega would come out as 1).
    """
    frame = _prepare(data, missing)
    k = frame.shape[1]
    if k < 3:
        raise ValueError(f"a one-factor model needs at least 3 items, got {k}")
    people = int(frame.notna().any(axis=1).sum())
    enough = plausibility.respondents(people, "factor model", items=k)
    if not enough.ok:
        raise ValueError(enough.reason)
    corr = _correlation_from_covariance(_covariance(frame), frame.columns)
    loadings, converged, heywood = _one_factor_minres(corr)
    return OneFactor(
        pd.Series(loadings, index=frame.columns, name="loading"),
        converged,
        tuple(str(c) for c in frame.columns[heywood]),
        people,
    )


def one_factor_loadings(data: pd.DataFrame, *, missing: Missing = "pairwise") -> pd.Series:
    """Standardised loadings of a single-factor (minres) model fitted to the item correlations.

    As `one_factor_fit`, warning (RuntimeWarning) on a Heywood case or no convergence.
    """
    fit = one_factor_fit(data, missing=missing)
    if fit.heywood:
        warnings.warn(
            f"Heywood case: loadings of {list(fit.heywood)} were capped at 1 (uniqueness 0); "
            "the one-factor model does not fit these items well",
            RuntimeWarning,
            stacklevel=2,
        )
    if not fit.converged:
        warnings.warn(
            "one-factor solution did not converge; loadings and omega are approximate",
            RuntimeWarning,
            stacklevel=2,
        )
    return fit.loadings


def omega_from_loadings(loadings: npt.ArrayLike) -> float:
    """omega = (sum l)^2 / ((sum l)^2 + sum(1 - l^2)) for standardised loadings l."""
    values = np.asarray(loadings, dtype=float)
    common = values.sum() ** 2
    unique = float(np.sum(1 - values**2))
    return float(common / (common + unique))


def omega_total(data: pd.DataFrame, *, missing: Missing = "pairwise") -> float:
    """McDonald's omega total from a one-factor model on the item correlations.

    McDonald (1999), Test Theory: A Unified Treatment; Flora (2020), AMPPS 3(4), 484-501:
    omega = (sum l)^2 / ((sum l)^2 + sum(1 - l^2)) with standardised loadings l from
    ``one_factor_fit`` (minres / iterated principal axis). This is the reliability of
    the total of the standardised items under a congeneric model; it equals alpha when the
    items are essentially tau-equivalent with equal variances.

    The denominator is the model-implied total variance. R ``psych::omega`` divides by the
    sum of the observed correlation matrix instead; the two agree when the one-factor
    model reproduces the correlations exactly. Items must be keyed in the same direction.
    Never warns: `one_factor_fit(...).notes()` says what to flag.
    """
    return one_factor_fit(data, missing=missing).omega


def spearman_brown(reliability: float, factor: float) -> float:
    """Reliability of a test `factor` times as long (Spearman, 1910; Brown, 1910; Lord &
    Novick, 1968, eq. 5.13.2): factor x rho / (1 + (factor - 1) x rho)."""
    if not np.all(np.asarray(factor) > 0):  # a number, or an array of factors
        raise ValueError(f"the length factor must be positive, got {factor}")
    return factor * reliability / (1 + (factor - 1) * reliability)


def items_needed(reliability: float, items: int, target: float = 0.80) -> int:
    """How many parallel items a scale of `items` items with this reliability would need to
    reach `target` (the Spearman-Brown prophecy solved for the length factor)."""
    if not (0 < reliability < 1 and 0 < target < 1):
        raise ValueError("items needed: reliability and target must lie strictly between 0 and 1")
    factor = target * (1 - reliability) / (reliability * (1 - target))
    return max(1, math.ceil(items * factor - 1e-9))


# --------------------------------------------------------------------------------------
# Norms and change
# --------------------------------------------------------------------------------------


def percentile_ranks(scores: npt.ArrayLike, norm: npt.ArrayLike) -> np.ndarray:
    """Percentile rank of each score within a norm sample, with mid-ranks for ties.

    PR = 100 * (below + 0.5 * equal) / N, the mid-point convention for ties (e.g. Crocker &
    Algina, 1986, Introduction to Classical and Modern Test Theory), where ``below`` and
    ``equal`` count norm values below/equal to the score and N is the number of non-missing
    norm values (missing norm values are ignored). NaN scores give NaN. The result has the
    shape of ``scores`` and lies in [0, 100].
    """
    norm_values = np.asarray(norm, dtype=float).ravel()
    norm_values = np.sort(norm_values[~np.isnan(norm_values)])
    if norm_values.size == 0:
        raise ValueError("the norm sample has no non-missing values")
    score_values = np.asarray(scores, dtype=float)
    below = np.searchsorted(norm_values, score_values, side="left")
    not_above = np.searchsorted(norm_values, score_values, side="right")
    ranks = 100.0 * (below + 0.5 * (not_above - below)) / norm_values.size
    return np.where(np.isnan(score_values), np.nan, ranks)


def _check_rci_parameters(sd: float, reliability: float) -> None:
    if not (math.isfinite(sd) and sd > 0):
        raise ValueError(f"sd must be a positive finite number, got {sd}")
    if not (math.isfinite(reliability) and 0 <= reliability < 1):
        raise ValueError(
            f"reliability must be in [0, 1), got {reliability}: with reliability >= 1 the "
            "standard error of measurement is 0 and every change would count as reliable"
        )


def reliable_change(change: npt.ArrayLike, *, sd: float, reliability: float) -> float | np.ndarray:
    """Jacobson-Truax reliable change index, RCI = change / S_diff.

    Jacobson & Truax (1991), J Consult Clin Psychol 59(1), 12-19:
    SEM = sd * sqrt(1 - reliability), S_diff = sqrt(2) * SEM.
    ``sd`` is the SD of the scale in the reference (e.g. norm or baseline) sample and
    ``reliability`` its reliability (e.g. alpha or test-retest r). Works element-wise on
    arrays; returns a float for a scalar ``change``. NaN changes give NaN.
    """
    _check_rci_parameters(sd, reliability)
    s_diff = math.sqrt(2.0) * sd * math.sqrt(1.0 - reliability)
    rci = np.asarray(change, dtype=float) / s_diff
    return float(rci) if rci.ndim == 0 else rci


def is_reliable_change(
    change: npt.ArrayLike,
    *,
    sd: float,
    reliability: float,
    critical: float = RCI_CRITICAL_VALUE,
) -> bool | np.ndarray:
    """Whether |RCI| > ``critical`` (1.96, i.e. p < .05 two-sided, per Jacobson & Truax).

    Element-wise on arrays; NaN changes are never reliable.
    """
    rci = np.abs(np.asarray(reliable_change(change, sd=sd, reliability=reliability)))
    result = rci > critical
    return bool(result) if result.ndim == 0 else result
