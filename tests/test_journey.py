"""The assessment's steps, resume point, time estimate and review, on hand-made drafts."""

from __future__ import annotations

from datetime import UTC, datetime

from leadcoach.assessment import journey
from leadcoach.assessment.responses import DraftState

NOW = datetime(2026, 11, 2, tzinfo=UTC)


def _state(instrument, tags=frozenset(), items=None, ratings=None) -> DraftState:
    return DraftState(
        draft_id=1,
        person_id=1,
        instrument=instrument,
        tags=tags,
        option_seed=42,
        item_answers=items or {},
        option_ratings=ratings or {},
        started_at=NOW,
        updated_at=NOW,
    )


def _all_items(instrument, tags, value=3):
    return {item.id: value for _, item in instrument.items_for(tags)}


def _all_ratings(instrument, tags):
    return {(s.id, o.id): 2 for _, s in instrument.scenarios_for(tags) for o in s.options}


def test_one_step_per_applicable_skill_then_scenarios_then_review(instrument):
    plain = journey.steps(_state(instrument))
    kinds = [s.kind for s in plain]
    assert kinds[0] == "intro" and kinds[-1] == "review"
    assert kinds.count("skill") == 11  # no REM without the remote tag
    assert kinds.count("scenarios") == 7  # 19 scenarios, three a step
    delegation = next(s for s in plain if s.skill and s.skill.id == "DEL")
    assert [i.id for i in delegation.items] == ["DEL1", "DEL2", "DEL4", "DEL5"]
    tagged = journey.steps(_state(instrument, frozenset({"remote_or_offshore", "vendor"})))
    assert [s.kind for s in tagged].count("skill") == 12


def test_resume_goes_to_the_first_step_with_a_gap(instrument):
    assert journey.resume_step(_state(instrument)) == 0
    answers = _all_items(instrument, frozenset())
    del answers["MOT3"]
    state = _state(instrument, items=answers)
    steps = journey.steps(state)
    assert steps[journey.resume_step(state)].skill.id == "MOT"
    answers["MOT3"] = None  # "Not applicable" is an answer
    state = _state(instrument, items=answers)
    assert steps[journey.resume_step(state)].kind == "scenarios"
    done = _state(instrument, items=answers, ratings=_all_ratings(instrument, frozenset()))
    assert journey.steps(done)[journey.resume_step(done)].kind == "review"


def test_time_left_shrinks_as_answers_come(instrument):
    fresh = journey.minutes_left(_state(instrument))
    assert 12 <= fresh <= 18  # "about 15 minutes"
    half = journey.minutes_left(_state(instrument, items=_all_items(instrument, frozenset())))
    assert 0 < half < fresh
    done = _state(
        instrument,
        items=_all_items(instrument, frozenset()),
        ratings=_all_ratings(instrument, frozenset()),
    )
    assert journey.minutes_left(done) == 0


def test_review_lists_gaps_and_skills_that_would_lack_data(instrument):
    answers = _all_items(instrument, frozenset())
    for item_id in ("DEC1", "DEC2", "DEC3"):
        del answers[item_id]  # 3 of 6 left: DEC would be insufficient
    answers["COM1"] = None
    answers["COM2"] = None  # 4 of 6 answered: still enough
    check = journey.review(_state(instrument, items=answers))
    decisions = instrument.skill("DEC").name
    assert [i.id for i in check.unanswered_items[decisions]] == ["DEC1", "DEC2", "DEC3"]
    assert check.insufficient_skills == [decisions]
    assert len(check.unanswered_scenarios) == 19
    assert check.overall_available  # 10 of 11 skills still valid
    assert not check.complete


def test_option_order_is_shuffled_per_person_but_stable(instrument):
    scenario = instrument.scenario("SJT-DEC-1")
    first = [o.id for o in _state(instrument).option_order(scenario)]
    again = [o.id for o in _state(instrument).option_order(scenario)]
    assert first == again
    orders = set()
    for seed in range(20):
        state = _state(instrument)
        state = DraftState(**{**state.__dict__, "option_seed": seed})
        orders.add(tuple(o.id for o in state.option_order(scenario)))
    assert len(orders) > 1


def test_situation_steps_are_named_by_their_situations_and_every_question_has_one_step(
    instrument,
):
    state = _state(instrument)
    steps = journey.steps(state)
    situations = [s.title for s in steps if s.kind == "scenarios"]
    # 19 situations, three a step: the last step holds one.
    assert situations[0] == "Situations 1 to 3" and situations[-1] == "Situation 19"
    for index, step in enumerate(steps):
        for question in (*step.items, *step.scenarios):
            assert journey.step_of(steps, question.id) == index
    last = steps[-2].scenarios[0]
    assert journey.situation_number(state, last) == 19
