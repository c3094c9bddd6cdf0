"""Exploratory factor analysis the way R psych's `omega` fits it, for `structure`.

Three steps, each following the R code it reproduces (psych 2.5.3, GPArotation 2025.3-1,
R's stats package), so that an R user gets the same loadings:

* `minres`: psych::fa(r, nfactors, fm = "minres"), the minimum-residual (unweighted least
  squares) fit of the uniquenesses, started from 1 - SMC and kept in [0.005, 1];
* `varimax`: stats::varimax with Kaiser normalisation (Kaiser, 1958, Psychometrika 23(3),
  187-200), which psych::schmid applies first (fa(..., rotate = "varimax")), then orders
  the factors by their sums of squared loadings as psych::fa does;
* `oblimin`: GPArotation::oblimin, i.e. GPFoblq, the gradient projection algorithm for
  oblique rotation of Bernaards & Jennrich (2005, Educ. Psychol. Meas. 65(5), 676-696;
  Jennrich, 2002, Psychometrika 67(1), 7-19) with the oblimin criterion (gamma 0 =
  quartimin, Carroll, 1953), started from the varimax solution as psych::schmid does.

Written here rather than taken from a package: factor_analyzer 0.5.1 (the factor-analysis
package on PyPI) fails with the pinned scikit-learn 1.9.1 (it calls check_array with
`force_all_finite`, which scikit-learn removed), and statsmodels, which ports the same GPA
code (tests cross-check against it), is a test-only dependency here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize

# psych::fa's bounds on the uniquenesses (optim(..., lower = .005, upper = 1)): a variable
# may not be explained entirely by the common factors (a Heywood case sits at the floor).
UNIQUENESS_BOUNDS = (0.005, 1.0)
# GPArotation's defaults for GPFoblq: stop when the projected gradient's Frobenius norm is
# below 1e-5, after at most 1000 iterations.
ROTATION_EPS = 1e-5
ROTATION_MAXIT = 1000


@dataclass(frozen=True)
class Extraction:
    """Unrotated minres loadings (variables x factors) and what the fit says about them."""

    loadings: np.ndarray
    uniquenesses: np.ndarray
    heywood: np.ndarray  # True where a uniqueness sits at its floor of 0.005
    converged: bool


@dataclass(frozen=True)
class Rotation:
    """Oblique pattern loadings, the factors' correlations, and whether GPA converged."""

    loadings: np.ndarray
    phi: np.ndarray
    converged: bool
    iterations: int


def _principal_loadings(reduced: np.ndarray, factors: int) -> np.ndarray:
    """The leading `factors` eigenvectors of a reduced correlation matrix scaled by the
    square roots of their eigenvalues (negative ones count as 0), psych's FAout.wls."""
    values, vectors = np.linalg.eigh(reduced)
    values, vectors = values[::-1][:factors], vectors[:, ::-1][:, :factors]
    return vectors * np.sqrt(np.maximum(values, 0.0))


def minres(corr: np.ndarray, factors: int) -> Extraction:
    """psych::fa(corr, factors, fm = "minres", rotate = "none").

    The uniquenesses u minimise the squared residuals of R - diag(u) - LL', with L the
    leading eigenvectors of R - diag(u) (Harman & Jones, 1966, Psychometrika 31(3),
    351-368). psych minimises the off-diagonal residuals with an approximate gradient;
    here the whole residual is minimised with its exact gradient, -2 diag(R - diag(u) -
    LL'), which has the same minimum (there the diagonal residual is zero) unless a
    uniqueness sits at its floor. Columns are signed so their loadings sum to >= 0 (psych).
    """
    corr = np.asarray(corr, dtype=float)
    k = corr.shape[0]
    try:
        inverse = np.linalg.inv(corr)
    except np.linalg.LinAlgError:
        inverse = np.linalg.pinv(corr)
    with np.errstate(divide="ignore", invalid="ignore"):
        smc = np.clip(np.nan_to_num(1 - 1 / np.diag(inverse), nan=1.0), 0.0, 1.0)

    def residual(uniq: np.ndarray) -> tuple[float, np.ndarray]:
        reduced = corr - np.diag(uniq)
        loadings = _principal_loadings(reduced, factors)
        rest = reduced - loadings @ loadings.T
        return float(np.sum(rest**2)), -2.0 * np.diag(rest)

    low, high = UNIQUENESS_BOUNDS
    fit = optimize.minimize(
        residual,
        np.clip(1 - smc, low, high),
        jac=True,
        method="L-BFGS-B",
        bounds=[UNIQUENESS_BOUNDS] * k,
        options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 10_000},
    )
    uniq = fit.x
    loadings = _principal_loadings(corr - np.diag(uniq), factors)
    loadings = loadings * np.where(loadings.sum(axis=0) < 0, -1.0, 1.0)
    return Extraction(loadings, uniq, uniq <= low + 1e-9, bool(fit.success))


def varimax(loadings: np.ndarray, *, eps: float = 1e-5) -> np.ndarray:
    """stats::varimax(loadings, normalize = TRUE, eps = 1e-5): Kaiser's criterion on the
    rows scaled to unit length, maximised by the SVD iteration of R's stats package, then
    the rows scaled back."""
    rows, columns = loadings.shape
    if columns < 2:
        return loadings.copy()
    scale = np.sqrt(np.sum(loadings**2, axis=1))
    scale = np.where(scale > 0, scale, 1.0)  # an empty row stays empty
    x = loadings / scale[:, None]
    rotation = np.eye(columns)
    d = 0.0
    for _ in range(1000):
        z = x @ rotation
        b = x.T @ (z**3 - z * (np.sum(z**2, axis=0) / rows))
        u, singular, vt = np.linalg.svd(b)
        rotation = u @ vt
        d_past, d = d, float(singular.sum())
        if d < d_past * (1 + eps):
            break
    return (x @ rotation) * scale[:, None]


def sign_and_order(loadings: np.ndarray) -> np.ndarray:
    """psych::fa after an orthogonal rotation: each factor signed so its loadings sum to
    >= 0, then the factors ordered by their sums of squared loadings, largest first (ties
    keep their order, as R's order())."""
    signed = loadings * np.where(loadings.sum(axis=0) < 0, -1.0, 1.0)
    return signed[:, np.argsort(-np.sum(signed**2, axis=0), kind="stable")]


def _oblimin_criterion(loadings: np.ndarray, gamma: float) -> tuple[float, np.ndarray]:
    """GPArotation's vgQ.oblimin: f = sum(L^2 * X) / 4 with X = (I - gamma/p) L^2 N, N
    ones off the diagonal; returns (f, its gradient in L)."""
    squared = loadings**2
    x = squared.sum(axis=1, keepdims=True) - squared  # L^2 %*% N: the other columns
    if gamma:
        x = x - gamma * x.mean(axis=0)
    return float(np.sum(squared * x) / 4), loadings * x


def oblimin(
    loadings: np.ndarray,
    *,
    gamma: float = 0.0,
    eps: float = ROTATION_EPS,
    maxit: int = ROTATION_MAXIT,
) -> Rotation:
    """GPArotation::oblimin(loadings, gam = gamma), i.e. GPFoblq started from the identity:
    the pattern L = A (T')^-1 over T with unit-length columns, a gradient step projected
    onto that constraint, the step halved (up to 10 times) until the criterion falls by
    half the step's first-order gain, doubled at the next iteration."""
    a = np.asarray(loadings, dtype=float)
    t = np.eye(a.shape[1])
    step = 1.0
    inverse = np.linalg.inv(t)
    pattern = a @ inverse.T
    f, gq = _oblimin_criterion(pattern, gamma)
    gradient = -(pattern.T @ gq @ inverse).T
    norm = np.inf
    iterations = 0
    for iterations in range(maxit + 1):  # noqa: B007 (the count is returned)
        projected = gradient - t * np.sum(t * gradient, axis=0)
        norm = float(np.sqrt(np.sum(projected**2)))
        if norm < eps:
            break
        step *= 2
        for _ in range(11):
            x = t - step * projected
            trial = x / np.sqrt(np.sum(x**2, axis=0))
            inverse = np.linalg.inv(trial)
            pattern = a @ inverse.T
            f_trial, gq = _oblimin_criterion(pattern, gamma)
            if f - f_trial > 0.5 * norm**2 * step:
                break
            step /= 2
        t, f = trial, f_trial
        gradient = -(pattern.T @ gq @ inverse).T
    return Rotation(pattern, t.T @ t, norm < eps, iterations)
