"""Statistics of team measures (issue 23): process-behaviour (XmR) limits, difference in
differences, and the association of two changes across supervisors.

These work on teams' monthly values, not on people's scores; the callers decide who may see
which teams (leadcoach.people.access) and blank groups below the minimum size
(leadcoach.measurement.groups.suppress) before anything is shown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

# Wheeler's scaling factor for natural process limits from the average moving range:
# X-bar +/- 2.66 x mR-bar (D. J. Wheeler, Understanding Variation, 2nd ed., SPC Press 2000,
# ch. 5). It is 3 / d2 with d2 = 1.128 for ranges of two successive values (3 / 1.128 =
# 2.6596, rounded). NIST/SEMATECH e-Handbook 6.3.2.2 writes the same limits as
# X-bar +/- 3 (mR-bar / 1.128).
E2 = 2.66
# Upper limit of the moving ranges themselves: 3.268 x mR-bar (Wheeler, ibid.; D4 for n = 2).
D4 = 3.268
# Wheeler's third detection rule: eight successive values on the same side of the centre
# line show a sustained shift even inside the limits.
RUN_LENGTH = 8
# Fewer months than this give limits too soft to act on (Wheeler suggests 6 to 10 values
# as a useful start; limits from 6 are "temporary").
MIN_POINTS = 6
Z_95 = float(stats.norm.ppf(0.975))  # 1.959964: computed once, not per correlation


@dataclass(frozen=True)
class XmR:
    """Natural process limits of a series and the values that signal a change."""

    centre: float
    average_moving_range: float
    lower: float
    upper: float
    range_upper: float
    beyond: np.ndarray  # bool per value: outside the natural process limits
    run: np.ndarray  # bool per value: part of a run of RUN_LENGTH on one side of the centre
    points: int

    @property
    def signals(self) -> np.ndarray:
        """Values that signal a change (beyond the limits, or in a long run)."""
        return self.beyond | self.run


def xmr(values: npt.ArrayLike, constant: float = E2) -> XmR:
    """XmR limits of a series in time order: centre = the mean, limits = the mean
    +/- `constant` x the average moving range (|x_i - x_(i-1)|). NaN limits and no signals
    with fewer than two values; `points` says how many there were."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = len(x)
    if n < 2:
        nothing = np.zeros(n, dtype=bool)
        centre = float(x.mean()) if n else math.nan
        return XmR(centre, math.nan, math.nan, math.nan, math.nan, nothing, nothing, n)
    centre = float(x.mean())
    moving = float(np.abs(np.diff(x)).mean())
    lower, upper = centre - constant * moving, centre + constant * moving
    beyond = (x < lower) | (x > upper)
    side = np.sign(x - centre)
    run = np.zeros(n, dtype=bool)
    start = 0
    for i in range(1, n + 1):
        if i == n or side[i] != side[start] or side[i] == 0:
            if side[start] != 0 and i - start >= RUN_LENGTH:
                run[start:i] = True
            start = i
    return XmR(centre, moving, lower, upper, D4 * moving, beyond, run, n)


@dataclass(frozen=True)
class Estimate:
    """A difference with its standard error, 95% interval and the counts it rests on."""

    estimate: float
    se: float
    low: float
    high: float
    df: float
    p: float
    n_treated: int
    n_comparison: int


def _interval(estimate: float, se: float, df: float, n1: int, n0: int) -> Estimate:
    if not (math.isfinite(se) and se > 0 and df > 0):
        return Estimate(estimate, se, math.nan, math.nan, df, math.nan, n1, n0)
    critical = float(stats.t.ppf(0.975, df))
    p = float(2 * stats.t.sf(abs(estimate / se), df))
    return Estimate(estimate, se, estimate - critical * se, estimate + critical * se, df, p, n1, n0)


def difference_in_differences(
    outcome: npt.ArrayLike, treated: npt.ArrayLike, after: npt.ArrayLike
) -> Estimate:
    """The 2 x 2 difference in differences as the interaction of the ordinary least squares
    regression y = b0 + b1 after + b2 treated + d (after x treated) (Wooldridge, Introductory
    Econometrics, ch. 13.2): d with its classical standard error and a t interval on n - 4
    degrees of freedom. `n_treated`/`n_comparison` count observations."""
    y = np.asarray(outcome, dtype=float)
    d = np.asarray(treated, dtype=float)
    t = np.asarray(after, dtype=float)
    design = np.column_stack([np.ones_like(y), t, d, t * d])
    n, k = design.shape
    coefficients, *_ = np.linalg.lstsq(design, y, rcond=None)
    residuals = y - design @ coefficients
    df = n - k
    if df <= 0 or np.linalg.matrix_rank(design) < k:
        return Estimate(math.nan, math.nan, math.nan, math.nan, df, math.nan, 0, 0)
    sigma2 = float(residuals @ residuals) / df
    covariance = sigma2 * np.linalg.inv(design.T @ design)
    return _interval(
        float(coefficients[3]),
        math.sqrt(covariance[3, 3]),
        df,
        int(d.sum()),
        int(len(d) - d.sum()),
    )


def did_from_changes(changes: npt.ArrayLike, treated: npt.ArrayLike) -> Estimate:
    """Difference in differences from one before-to-after change per unit (team): the mean
    change of the treated units minus that of the others, with the pooled-variance standard
    error (the regression of the change on a treated indicator, i.e. the two-period panel
    with unit fixed effects). Counts are units; NaN changes are left out."""
    change = np.asarray(changes, dtype=float)
    group = np.asarray(treated, dtype=bool)
    keep = np.isfinite(change)
    change, group = change[keep], group[keep]
    a, b = change[group], change[~group]
    n1, n0 = len(a), len(b)
    if n1 == 0 or n0 == 0:
        return Estimate(math.nan, math.nan, math.nan, math.nan, 0, math.nan, n1, n0)
    estimate = float(a.mean() - b.mean())
    df = n1 + n0 - 2
    if df <= 0:
        return Estimate(estimate, math.nan, math.nan, math.nan, df, math.nan, n1, n0)
    pooled = (((a - a.mean()) ** 2).sum() + ((b - b.mean()) ** 2).sum()) / df
    se = math.sqrt(pooled * (1 / n1 + 1 / n0))
    return _interval(estimate, se, df, n1, n0)


@dataclass(frozen=True)
class Association:
    """Pearson's r across units with its 95% interval (Fisher's z) and the count."""

    r: float
    low: float
    high: float
    n: int


def association(x: npt.ArrayLike, y: npt.ArrayLike) -> Association:
    """Pearson's correlation of paired values with a 95% interval from Fisher's z
    transformation (z = atanh r, se = 1 / sqrt(n - 3)); NaN below 4 pairs or without
    spread. An association, never a proof of cause."""
    a = np.asarray(x, dtype=float)
    b = np.asarray(y, dtype=float)
    keep = np.isfinite(a) & np.isfinite(b)
    a, b = a[keep], b[keep]
    n = len(a)
    if n < 4 or a.std() == 0 or b.std() == 0:
        return Association(math.nan, math.nan, math.nan, n)
    r = float(np.corrcoef(a, b)[0, 1])
    r = max(min(r, 1.0), -1.0)
    if abs(r) == 1.0:
        return Association(r, r, r, n)
    z = math.atanh(r)
    half = Z_95 / math.sqrt(n - 3)
    return Association(r, math.tanh(z - half), math.tanh(z + half), n)


def xmr_frame(frame, by: list[str], value: str = "value", constant: float = E2):
    """`xmr` for every series of a long frame at once (rows already in time order within
    each series): adds centre, lower, upper, signal and months. Vectorised with numpy over
    the series' codes (bincount sums, one stable sort), so a coach's teams or HR's 4,000
    series cost one pass of a few array operations rather than a dozen pandas group-bys;
    series shorter than MIN_POINTS get no limits and no signals. Gives the same limits and
    signals as `xmr` series by series."""

    result = frame.copy()
    size = len(result)
    codes = result.groupby(by, sort=False).ngroup().to_numpy() if size else np.zeros(0, int)
    order = np.argsort(codes, kind="stable")  # each series together, in its time order
    group = codes[order]
    x = result[value].to_numpy(dtype=float)[order]
    groups = int(group.max()) + 1 if size else 0
    finite = np.isfinite(x)
    counts = np.bincount(group, weights=finite, minlength=groups)
    sums = np.bincount(group, weights=np.where(finite, x, 0.0), minlength=groups)
    same = np.r_[False, group[1:] == group[:-1]]  # the previous value is of the same series
    ranges = np.abs(np.diff(x, prepend=np.nan))
    valid = same & np.isfinite(ranges)
    range_sums = np.bincount(group, weights=np.where(valid, ranges, 0.0), minlength=groups)
    range_counts = np.bincount(group, weights=valid, minlength=groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = (sums / np.where(counts > 0, counts, np.nan))[group]
        average_range = (range_sums / np.where(range_counts > 0, range_counts, np.nan))[group]
    points = counts[group]
    enough = points >= MIN_POINTS
    lower = np.where(enough, centre - constant * average_range, np.nan)
    upper = np.where(enough, centre + constant * average_range, np.nan)
    beyond = ((x < lower) | (x > upper)) & enough
    side = np.sign(x - centre)
    new_run = np.r_[True, (side[1:] != side[:-1]) | ~same[1:]]
    run_id = np.cumsum(new_run) - 1
    run_length = np.bincount(run_id)[run_id] if size else np.zeros(0, int)
    run = (run_length >= RUN_LENGTH) & (side != 0) & enough

    def back(values: np.ndarray) -> np.ndarray:  # from series order to the frame's order
        out = np.empty_like(values)
        out[order] = values
        return out

    result["centre"] = back(centre)
    result["lower"] = back(lower)
    result["upper"] = back(upper)
    result["signal"] = back(beyond | run).astype(bool)
    result["months"] = back(points).astype(int)
    return result
