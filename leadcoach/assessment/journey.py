"""The assessment as a sequence of steps, and the review before submitting (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from leadcoach.assessment.responses import DraftState, applicability_tags
from leadcoach.instrument import bank, scoring
from leadcoach.instrument.bank import Item, Scenario, Skill
from leadcoach.people.access import Action, Viewer, person_for

SCENARIOS_PER_STEP = 3
# About 15 minutes in all: a behaviour item takes ~6 s to read and rate, a scenario ~25 s
# (reading the situation and rating four responses).
SECONDS_PER_ITEM = 6
SECONDS_PER_SCENARIO = 25


@dataclass(frozen=True)
class Step:
    """One screen of the assessment."""

    kind: str  # "intro", "skill", "scenarios" or "review"
    title: str
    skill: Skill | None = None
    items: tuple[Item, ...] = ()
    scenarios: tuple[Scenario, ...] = ()


def steps(state: DraftState) -> list[Step]:
    """Intro, one step per applicable skill, scenario steps, then the review."""
    instrument = state.instrument
    result = [Step("intro", "Before you start")]
    by_skill: dict[str, list[Item]] = {}
    skills: dict[str, Skill] = {}
    for skill, item in instrument.items_for(state.tags):
        by_skill.setdefault(skill.id, []).append(item)
        skills[skill.id] = skill
    for skill_id, items in by_skill.items():
        result.append(Step("skill", skills[skill_id].name, skills[skill_id], tuple(items)))
    scenarios = [scenario for _, scenario in instrument.scenarios_for(state.tags)]
    for start in range(0, len(scenarios), SCENARIOS_PER_STEP):
        chunk = tuple(scenarios[start : start + SCENARIOS_PER_STEP])
        result.append(Step("scenarios", _situations_title(start + 1, len(chunk)), None, (), chunk))
    result.append(Step("review", "Review and submit"))
    return result


def _situations_title(first: int, count: int) -> str:
    # Steps are counted in one place only ("Step 13 of 20" above each step); a step of
    # situations is named by the situations it holds, as a skill's step by its skill.
    return f"Situation {first}" if count == 1 else f"Situations {first} to {first + count - 1}"


def situation_number(state: DraftState, scenario: Scenario) -> int:
    """The situation's place (from 1) among the situations this person is shown."""
    shown = [s.id for _, s in state.instrument.scenarios_for(state.tags)]
    return shown.index(scenario.id) + 1


def step_of(all_steps: list[Step], question_id: str) -> int:
    """The index of the step that asks this statement or situation (by its id)."""
    for index, step in enumerate(all_steps):
        if any(item.id == question_id for item in step.items) or any(
            scenario.id == question_id for scenario in step.scenarios
        ):
            return index
    raise ValueError(f"no step asks {question_id!r}")


def step_complete(step: Step, state: DraftState) -> bool:
    """Whether every question of the step has an answer ("Not applicable" counts)."""
    items_done = all(item.id in state.item_answers for item in step.items)
    scenarios_done = all(
        (scenario.id, option.id) in state.option_ratings
        for scenario in step.scenarios
        for option in scenario.options
    )
    return items_done and scenarios_done


def resume_step(state: DraftState) -> int:
    """Where to resume: the intro for a fresh draft, else the first step with a gap."""
    all_steps = steps(state)
    if state.questions_answered == 0:
        return 0
    for index, step in enumerate(all_steps):
        if step.kind in ("skill", "scenarios") and not step_complete(step, state):
            return index
    return len(all_steps) - 1


def minutes_left(state: DraftState) -> int:
    """Estimated minutes to finish, rounded up to a whole minute."""
    items_left = sum(
        1 for _, item in state.instrument.items_for(state.tags) if item.id not in state.item_answers
    )
    scenarios_left = sum(
        1
        for _, scenario in state.instrument.scenarios_for(state.tags)
        if any((scenario.id, o.id) not in state.option_ratings for o in scenario.options)
    )
    seconds = items_left * SECONDS_PER_ITEM + scenarios_left * SECONDS_PER_SCENARIO
    return -(-seconds // 60)


@dataclass(frozen=True)
class Review:
    """What is missing before submitting, and what that would mean for the results."""

    unanswered_items: dict[str, list[Item]]  # skill name -> items without an answer
    insufficient_skills: list[str]  # skill names that would show "insufficient data"
    unanswered_scenarios: list[Scenario]
    overall_available: bool

    @property
    def complete(self) -> bool:
        """True when every question has an answer."""
        return not self.unanswered_items and not self.unanswered_scenarios


def review(state: DraftState) -> Review:
    """List the gaps and score the draft as it stands to see which skills would lack data."""
    instrument = state.instrument
    unanswered: dict[str, list[Item]] = {}
    for skill, item in instrument.items_for(state.tags):
        if item.id not in state.item_answers:
            unanswered.setdefault(skill.name, []).append(item)
    result = scoring.score_assessment(
        instrument, state.tags, state.item_answers, state.option_ratings
    )
    names = {skill.id: skill.name for skill in instrument.skills}
    insufficient = [names[r.skill_id] for r in result.skills if not r.sufficient]
    gaps = [
        scenario
        for _, scenario in instrument.scenarios_for(state.tags)
        if any((scenario.id, o.id) not in state.option_ratings for o in scenario.options)
    ]
    return Review(unanswered, insufficient, gaps, result.overall is not None)


@dataclass(frozen=True)
class Outline:
    """What the assessment holds for one person, before they start."""

    skills: int
    items: int
    scenarios: int
    minutes: int


def outline(*, session: Session, viewer: Viewer, instrument: bank.Instrument) -> Outline:
    """How many skills, statements and situations the viewer will see, and how long."""
    person = person_for(
        session=session, viewer=viewer, action=Action.TAKE_ASSESSMENT, person_id=viewer.person_id
    )
    tags = applicability_tags(person)
    items = len(instrument.items_for(tags))
    scenarios = len(instrument.scenarios_for(tags))
    seconds = items * SECONDS_PER_ITEM + scenarios * SECONDS_PER_SCENARIO
    return Outline(len(instrument.skills_for(tags)), items, scenarios, -(-seconds // 60))
