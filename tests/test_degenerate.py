"""Degenerate data never yields a number no analyst would publish, nor a warning.

Hypothesis drives every statistic the pages show with constant items, one to three
people, one-point scales and answers missing all but one pair; each must return a finite
value within its bounds or refuse with a ValueError that says why. Warnings are errors.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadcoach.measurement import plausibility, psychometrics, quality, reliability, structure
from leadcoach.programmes import cohorts


@st.composite
def degenerate_items(draw) -> pd.DataFrame:
    """People x items answers: 1-6 people, 2-5 items, a 1- to 5-point scale, any pattern
    of missing answers (down to all but one pair)."""
    people = draw(st.integers(1, 6))
    items = draw(st.integers(2, 5))
    points = draw(st.sampled_from([[3], [1, 2], [1, 2, 3, 4, 5]]))
    values = draw(
        st.lists(
            st.one_of(st.sampled_from(points), st.none()),
            min_size=people * items,
            max_size=people * items,
        )
    )
    array = np.array([math.nan if v is None else v for v in values], dtype=float)
    return pd.DataFrame(array.reshape(people, items), columns=[f"i{j}" for j in range(items)])


def call(statistic, data):
    """The statistic's result, or None when it refused (ValueError); warnings fail."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            return statistic(data)
        except ValueError as error:
            assert str(error), "a refusal must say why"
            return None


SLOW = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SLOW
@given(degenerate_items())
def test_alpha_is_at_most_one_or_refused(data):
    alpha = call(psychometrics.cronbach_alpha, data)
    assert alpha is None or (math.isfinite(alpha) and alpha <= 1)


@SLOW
@given(degenerate_items())
def test_correlations_are_within_minus_one_and_one_or_refused(data):
    rest = call(psychometrics.item_rest_correlations, data)
    assert rest is None or (rest.dropna().abs() <= 1).all()
    average = call(psychometrics.average_inter_item_correlation, data)
    assert average is None or -1 <= average <= 1


@SLOW
@given(degenerate_items())
def test_omega_and_lambda6_are_within_zero_and_one_or_refused(data):
    for statistic in (psychometrics.omega_total, structure.guttman_lambda6):
        value = call(statistic, data)
        assert value is None or 0 <= value <= 1
    fit = call(psychometrics.one_factor_fit, data)
    if fit is not None:
        assert fit.people > data.shape[1] and (fit.loadings.abs() <= 1).all()


@SLOW
@given(degenerate_items())
def test_parallel_analysis_and_the_omega_interval_are_bounded_or_refused(data):
    found = call(structure.parallel_analysis, data)
    assert found is None or 0 <= found.components <= data.shape[1]
    interval = call(lambda d: structure.omega_interval(d, samples=20), data)
    if interval is not None:
        low, high = interval
        assert (math.isnan(low) and math.isnan(high)) or 0 <= low <= high <= 1


@st.composite
def degenerate_skills(draw) -> pd.DataFrame:
    """People x 9 statements of three skills: 2-14 people (so at most one more than the
    statements), a 1- to 5-point scale, any pattern of missing answers."""
    people = draw(st.integers(2, 14))
    points = draw(st.sampled_from([[3], [1, 2], [1, 2, 3, 4, 5]]))
    values = draw(
        st.lists(
            st.one_of(st.sampled_from(points), st.none()), min_size=people * 9,
            max_size=people * 9,
        )
    )  # fmt: skip
    array = np.array([math.nan if v is None else v for v in values], dtype=float)
    return pd.DataFrame(array.reshape(people, 9), columns=[f"s{j // 3}i{j % 3}" for j in range(9)])


@SLOW
@given(degenerate_skills())
def test_both_general_factor_models_give_bounded_omegas_or_refuse(data):
    """Issue 20: omega hierarchical and omega total of the skills model and of psych's
    exploratory model are within [0, 1], or refused with a reason."""
    corr = call(lambda d: pd.DataFrame(structure.correlations(d), d.columns, d.columns), data)
    if corr is None:
        return
    clusters = {name: name[:2] for name in data.columns}
    for model in (
        lambda c: structure.general_factor(c, clusters),
        lambda c: structure.exploratory_general_factor(c, 3, clusters=clusters),
    ):
        found = call(model, corr)
        if found is not None:
            assert 0 <= found.omega_h <= 1 and 0 <= found.omega_t <= 1
            assert np.isfinite(found.general.to_numpy()).all()
            assert np.isfinite(found.group.to_numpy()).all()


@SLOW
@given(degenerate_items(), st.floats(0.0, 0.95))
def test_a_skills_reliability_is_usable_and_bounded_or_says_why(data, floor):
    result = call(lambda d: reliability.skill_reliability(d, "S", min_ratings=2, floor=floor), data)
    assert result is not None, "skill_reliability never raises: it gives a reason"
    if result.provisional:
        assert result.reason
    else:
        assert floor <= result.alpha <= 1 and not result.reason


@SLOW
@given(
    st.lists(st.sampled_from([0.0, 25.0, 50.0, 100 / 3, 200 / 3, 100.0]), min_size=1, max_size=4),
    st.sampled_from([0.0, 25.0, 100 / 3]),
)
def test_paired_change_has_a_finite_effect_size_or_none(baseline, step):
    before = np.array(baseline)
    stats = call(lambda b: cohorts.paired_change(b, b + step), before)
    assert stats is not None
    assert math.isnan(stats.d_z) or (math.isfinite(stats.d_z) and abs(stats.d_z) < 1e6)
    assert math.isnan(stats.dz_low) or stats.dz_low <= stats.d_z <= stats.dz_high


@pytest.mark.parametrize(
    ("check", "refused"),
    [
        (lambda: plausibility.spread(4e-15, scale=100), True),
        (lambda: plausibility.correlation(2.81), True),
        (lambda: plausibility.correlation(1 + 1e-12), False),
        (lambda: plausibility.reliability(1.23), True),
        (lambda: plausibility.reliability(-0.071), True),
        (lambda: plausibility.reliability(0.055, floor=0.7), True),
        (lambda: plausibility.reliability(0.875, floor=0.7), False),
        (lambda: plausibility.respondents(2, "factor model", items=3), True),
        (lambda: plausibility.effect_size(25.0, 4e-15, scale=100, n=3), True),
    ],
)
def test_the_shared_check_refuses_with_a_plain_reason(check, refused):
    verdict = check()
    assert (not verdict.ok) == refused
    assert bool(verdict.reason) == refused
    if refused:
        assert math.isnan(verdict.value) and not str(verdict.reason)[0].isupper()


def test_a_negative_loading_is_flagged_by_name():
    verdict = plausibility.loadings({"PLN1": 0.7, "PLN2": -0.4})
    assert verdict.ok and "PLN2" in str(verdict.flag) and "wrong way round" in str(verdict.flag)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(degenerate_items())
def test_the_quality_pages_figures_are_bounded_or_empty_with_a_note(instrument, data):
    skill = instrument.skill("DEC")
    columns = {item.id: data.iloc[:, i % data.shape[1]] for i, item in enumerate(skill.items)}
    wide = pd.DataFrame(columns).rename_axis("person_id").reset_index()
    answers = wide.melt(id_vars="person_id", var_name="item_id", value_name="value")
    skills, items = call(lambda a: quality.analyse(a, instrument, 2), answers)
    dec = skills.set_index("skill_id").loc["DEC"]
    for column in ("alpha", "alpha_high", "omega", "omega_low", "omega_high", "lambda6"):
        assert pd.isna(dec[column]) or dec[column] <= 1
    for column in ("omega", "omega_low", "lambda6", "ceiling_share"):
        assert pd.isna(dec[column]) or dec[column] >= 0
    rest = items["item_rest"].dropna()
    assert (rest.abs() <= 1).all()
    if dec["people"] >= 2 and pd.isna(dec["alpha"]):
        assert dec["note"], "a missing alpha is explained"
