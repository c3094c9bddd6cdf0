"""Scoring rules on hand-computed examples, and their invariants under Hypothesis."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadcoach.instrument import scoring
from leadcoach.instrument.bank import Item, Option, Scenario

SIX = [Item(id=f"X{n}", text="t", reverse=n > 4) for n in range(1, 7)]  # X5, X6 reverse-keyed
SCENARIO = Scenario(
    id="S",
    text="t",
    options=tuple(Option(id=i, text="t", key=k) for i, k in zip("abcd", (4, 1, 3, 2), strict=True)),
)
NO_TAGS = frozenset()
ALL_TAGS = frozenset({"remote_or_offshore", "vendor"})


def test_reverse_keying_and_pomp():
    assert [scoring.reverse_key(x, True) for x in range(1, 6)] == [5, 4, 3, 2, 1]
    assert scoring.reverse_key(2, False) == 2
    assert scoring.pomp(1) == 0 and scoring.pomp(5) == 100 and scoring.pomp(3.5) == 62.5


def test_a_hand_computed_skill_score():
    answers = {"X1": 5, "X2": 4, "X3": 3, "X4": None, "X5": 2, "X6": 1}
    # X4 "not applicable" is missing; keyed values 5, 4, 3, 6-2=4, 6-1=5 -> mean 4.2
    result = scoring.score_skill("X", SIX, answers, 0.67)
    assert result.answered == 5 and result.applicable == 6
    assert result.score == pytest.approx(100 * (4.2 - 1) / 4)


def test_four_of_six_answered_is_enough_and_three_is_not():
    four = {"X1": 5, "X2": 5, "X3": 5, "X4": 5}
    assert scoring.score_skill("X", SIX, four, 0.67).score == 100
    three = {"X1": 5, "X2": 5, "X3": 5, "X4": None, "X5": None}
    result = scoring.score_skill("X", SIX, three, 0.67)
    assert result.score is None and not result.sufficient
    assert scoring.enough_answered(3, 4, 0.67) and not scoring.enough_answered(2, 4, 0.67)


def test_overall_index_needs_ten_valid_skills():
    valid = [scoring.SkillResult(f"S{n}", 50.0 + n, 6, 6) for n in range(10)]
    invalid = [scoring.SkillResult("S10", None, 2, 6), scoring.SkillResult("S11", None, 0, 6)]
    assert scoring.overall_index(valid + invalid, 10) == pytest.approx(54.5)
    assert scoring.overall_index(valid[:9] + invalid, 10) is None


def test_scenario_scoring_by_hand():
    scenario = SCENARIO
    assert scoring.option_score(4, 4) == 1.0 and scoring.option_score(1, 4) == 0.0
    # a: |3-4| -> 2/3; b: |1-1| -> 1; c: |4-3| -> 2/3; d unrated
    value = scoring.scenario_score(scenario, {"a": 3, "b": 1, "c": 4})
    assert value == pytest.approx((2 / 3 + 1 + 2 / 3) / 3)
    assert scoring.scenario_score(scenario, {}) is None
    with pytest.raises(ValueError, match="outside 1-4"):
        scoring.option_score(5, 4)


def test_out_of_range_answers_are_a_documented_error():
    with pytest.raises(ValueError, match="X1: answer 6 is outside 1-5"):
        scoring.score_skill("X", SIX, {"X1": 6}, 0.67)


def test_applicability_decides_what_is_scored(instrument):
    every = {i.id: 4 for s in instrument.skills for i in s.items}
    plain = scoring.score_assessment(instrument, NO_TAGS, every, {})
    assert "REM" not in {r.skill_id for r in plain.skills} and len(plain.skills) == 11
    delegation = next(r for r in plain.skills if r.skill_id == "DEL")
    assert delegation.applicable == 4  # DEL3 and DEL6 are for vendor overseers only
    tagged = scoring.score_assessment(instrument, ALL_TAGS, every, {})
    assert len(tagged.skills) == 12
    assert next(r for r in tagged.skills if r.skill_id == "DEL").applicable == 6
    assert plain.overall is not None and plain.scenario is None


def test_scenarios_in_the_full_assessment(instrument):
    ratings = {
        (x.id, o.id): o.key for s in instrument.skills for x in s.scenarios for o in x.options
    }
    result = scoring.score_assessment(instrument, ALL_TAGS, {}, ratings)
    assert result.scenario == pytest.approx(100)
    assert set(result.scenario_by_skill) == set(instrument.skill_ids)
    assert result.overall is None  # no items answered: no skill is valid


answer = st.one_of(st.none(), st.integers(1, 5))


def _answers(instrument, draw_values):
    items = [i.id for s in instrument.skills for i in s.items]
    return dict(zip(items, draw_values, strict=False))


@settings(max_examples=150, deadline=None)
@given(values=st.lists(answer, min_size=0, max_size=72), tags=st.sampled_from([NO_TAGS, ALL_TAGS]))
def test_scores_stay_in_range_and_missing_answers_never_raise(instrument, values, tags):
    result = scoring.score_assessment(instrument, tags, _answers(instrument, values), {})
    for skill in result.skills:
        assert skill.score is None or 0 <= skill.score <= 100
        assert 0 <= skill.answered <= skill.applicable
    assert result.overall is None or 0 <= result.overall <= 100


@settings(max_examples=150, deadline=None)
@given(
    values=st.lists(answer, min_size=72, max_size=72),
    position=st.integers(0, 71),
    tags=st.sampled_from([NO_TAGS, ALL_TAGS]),
)
def test_more_agreement_with_the_keyed_direction_never_lowers_a_score(
    instrument, values, position, tags
):
    answers = _answers(instrument, values)
    items = [i for s in instrument.skills for i in s.items]
    item = items[position]
    current = answers[item.id]
    if current is None:
        return
    step = -1 if item.reverse else 1  # toward the keyed direction
    if not 1 <= current + step <= 5:
        return
    better = {**answers, item.id: current + step}
    before = scoring.score_assessment(instrument, tags, answers, {})
    after = scoring.score_assessment(instrument, tags, better, {})
    for old, new in zip(before.skills, after.skills, strict=True):
        if old.score is not None:
            assert new.score >= old.score - 1e-9
    if before.overall is not None:
        assert after.overall >= before.overall - 1e-9


@settings(max_examples=100, deadline=None)
@given(ratings=st.dictionaries(st.sampled_from("abcd"), st.integers(1, 4)))
def test_scenario_scores_stay_between_zero_and_one(ratings):
    scenario = SCENARIO
    value = scoring.scenario_score(scenario, ratings)
    assert (value is None) == (not ratings)
    assert value is None or 0 <= value <= 1
