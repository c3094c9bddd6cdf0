"""Taking an assessment: drafts that save every answer at once, and the one-shot submit."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from leadcoach.instrument import bank, instruments, scoring
from leadcoach.people.access import NO_ACCESS, Action, Viewer, person_for, require
from leadcoach.platform.errors import AccessDenied, AlreadySubmitted, InvalidInput
from leadcoach.platform.i18n import _
from leadcoach.platform.languages import SUPPORTED
from leadcoach.platform.models import (
    Answer,
    AssessmentDraft,
    Person,
    SkillScore,
    Submission,
    utcnow,
)
from leadcoach.platform.models import (
    Instrument as InstrumentRow,
)

SCENARIO_RATINGS = range(1, 5)


def applicability_tags(person: Person) -> frozenset[str]:
    """The item tags that apply to this supervisor's profile."""
    return profile_tags(person.manages_remote, person.oversees_vendor)


def profile_tags(manages_remote: bool, oversees_vendor: bool) -> frozenset[str]:
    """The item tags of a profile with these two answers (see applicability_tags)."""
    # Overseeing an outsourced provider is itself offshore/outsourced team leadership.
    if oversees_vendor:
        return _VENDOR
    return _REMOTE if manages_remote else _NONE


_NONE = frozenset()
_REMOTE = frozenset({"remote_or_offshore"})
_VENDOR = frozenset({"remote_or_offshore", "vendor"})


@dataclass(frozen=True)
class DraftState:
    """Everything a page needs to show a draft and resume it exactly."""

    draft_id: int
    person_id: int
    instrument: bank.Instrument
    tags: frozenset[str]
    option_seed: int
    item_answers: dict[str, int | None]
    option_ratings: dict[tuple[str, str], int]
    started_at: datetime
    updated_at: datetime

    @property
    def questions_total(self) -> int:
        """Behavioural items plus scenario options that apply to this person."""
        items = len(self.instrument.items_for(self.tags))
        options = sum(len(s.options) for _, s in self.instrument.scenarios_for(self.tags))
        return items + options

    @property
    def questions_answered(self) -> int:
        """Answers saved so far ("Not applicable" counts as answered)."""
        return len(self.item_answers) + len(self.option_ratings)

    def option_order(self, scenario: bank.Scenario) -> list[bank.Option]:
        """The scenario's options shuffled for this person, the same on every resume."""
        options = list(scenario.options)
        random.Random(f"{self.option_seed}:{scenario.id}").shuffle(options)
        return options


def current_draft_id(*, session: Session, viewer: Viewer, person_id: int) -> int | None:
    """The person's open draft, if any."""
    person_for(session=session, viewer=viewer, action=Action.READ_RESULTS, person_id=person_id)
    return session.exec(
        select(AssessmentDraft.id).where(
            AssessmentDraft.person_id == person_id, AssessmentDraft.submitted_at.is_(None)
        )
    ).first()


def open_draft(*, session: Session, viewer: Viewer, instrument: bank.Instrument) -> int:
    """Return the viewer's open draft, starting one on the given instrument if none is open."""
    person = person_for(
        session=session,
        viewer=viewer,
        action=Action.TAKE_ASSESSMENT,
        person_id=viewer.person_id,
    )
    existing = current_draft_id(session=session, viewer=viewer, person_id=person.id)
    if existing is not None:
        return existing
    frozen = instruments.freeze(session=session, instrument=instrument)
    draft = AssessmentDraft(
        person_id=person.id, instrument_id=frozen.id, option_seed=random.randrange(2**31)
    )
    try:
        with session.begin_nested():
            session.add(draft)
    except IntegrityError:
        # Another tab started one at the same moment; the partial unique index kept one.
        existing = current_draft_id(session=session, viewer=viewer, person_id=person.id)
        if existing is None:
            raise
        return existing
    return draft.id


def _own_draft(
    session: Session, viewer: Viewer, draft_id: int, action: Action = Action.READ_RESULTS
) -> AssessmentDraft:
    """The draft, if the viewer may do `action` on its owner's data (AccessDenied if not).

    Reading a draft follows READ_RESULTS (a coach may look); answering and submitting
    follow TAKE_ASSESSMENT, which is only ever one's own.
    """
    draft = session.get(AssessmentDraft, draft_id)
    if draft is None:  # refused as someone else's, so draft ids cannot be probed
        raise AccessDenied(NO_ACCESS)
    person_for(session=session, viewer=viewer, action=action, person_id=draft.person_id)
    return draft


def _draft_to_answer(session: Session, viewer: Viewer, draft_id: int) -> tuple[int, str, Person]:
    """_own_draft for an autosave (TAKE_ASSESSMENT), with what the save needs: the draft's
    questionnaire version (row id and hash) and its owner, in one query, not one each (on
    PostgreSQL every statement is a round trip; the autosave's target is 10 ms, issue 22)."""
    found = session.execute(
        select(AssessmentDraft.instrument_id, InstrumentRow.content_hash, Person)
        .join(InstrumentRow, InstrumentRow.id == AssessmentDraft.instrument_id)
        .join(Person, Person.id == AssessmentDraft.person_id)
        .where(AssessmentDraft.id == draft_id)
    ).first()
    if found is None:  # refused as someone else's, as _own_draft does
        raise AccessDenied(NO_ACCESS)
    instrument_id, content_hash, person = found
    require(viewer, Action.TAKE_ASSESSMENT, person)
    return instrument_id, content_hash, person


def load_draft(*, session: Session, viewer: Viewer, draft_id: int) -> DraftState:
    """The draft with every saved answer."""
    draft = _own_draft(session, viewer, draft_id)
    person = session.get(Person, draft.person_id)
    instrument = instruments.frozen_definition(
        session=session, instrument_row_id=draft.instrument_id
    )
    item_answers: dict[str, int | None] = {}
    option_ratings: dict[tuple[str, str], int] = {}
    rows = session.exec(
        select(Answer.item_id, Answer.option_id, Answer.value).where(Answer.draft_id == draft_id)
    ).all()
    for item_id, option_id, value in rows:
        if option_id:
            option_ratings[(item_id, option_id)] = value
        else:
            item_answers[item_id] = value
    return DraftState(
        draft_id=draft.id,
        person_id=draft.person_id,
        instrument=instrument,
        tags=applicability_tags(person),
        option_seed=draft.option_seed,
        item_answers=item_answers,
        option_ratings=option_ratings,
        started_at=draft.started_at,
        updated_at=draft.updated_at,
    )


def _validate_answer(
    instrument: bank.Instrument,
    tags: frozenset[str],
    item_id: str,
    option_id: str,
    value,
    answerable: frozenset[str],
) -> None:
    if option_id:
        applicable = {s.id: s for _where, s in instrument.scenarios_for(tags)}
        scenario = applicable.get(item_id)
        if scenario is None:
            raise InvalidInput(
                _("Scenario '{item_id}' is not part of this assessment.").format(item_id=item_id)
            )
        if option_id not in {o.id for o in scenario.options}:
            raise InvalidInput(
                _("Scenario {item_id}: there is no option '{option_id}'.").format(
                    item_id=item_id, option_id=option_id
                )
            )
        if type(value) is not int or value not in SCENARIO_RATINGS:
            raise InvalidInput(
                _("Scenario {item_id}, option {option_id}: rate it from 1 to 4.").format(
                    item_id=item_id, option_id=option_id
                )
            )
        return
    if item_id not in answerable:  # instruments.answerable_items: worked out once
        raise InvalidInput(
            _("Statement '{item_id}' is not part of this assessment.").format(item_id=item_id)
        )
    points = [p.value for p in instrument.scale.points]
    if value is not None and (type(value) is not int or value not in points):
        raise InvalidInput(
            _("Statement {item_id}: choose {points} to {points2} or 'Not applicable'.").format(
                item_id=item_id, points=points[0], points2=points[-1]
            )
        )


def save_answer(
    *,
    session: Session,
    viewer: Viewer,
    draft_id: int,
    item_id: str,
    value: int | None,
    option_id: str = "",
) -> None:
    """Save one answer now (insert or replace): an item's value (None = not applicable), or a
    scenario option's rating when option_id is given."""
    instrument_id, content_hash, person = _draft_to_answer(session, viewer, draft_id)
    now = utcnow()
    # Touch the draft only while it is open, before writing the answer: a submit committed
    # meanwhile (another tab) makes this change no row, and the answer is refused; a submit
    # still running waits for this transaction, and then scores this answer too.
    touched = session.execute(
        update(AssessmentDraft)
        .where(AssessmentDraft.id == draft_id, AssessmentDraft.submitted_at.is_(None))
        .values(updated_at=now)
    )
    if touched.rowcount != 1:
        raise AlreadySubmitted(_("This assessment was already submitted; answers can't change."))
    instrument = instruments.definition_for(
        session=session, instrument_row_id=instrument_id, content_hash=content_hash
    )
    tags = applicability_tags(person)
    answerable = instruments.answerable_items(content_hash, instrument, tags)
    _validate_answer(instrument, tags, item_id, option_id, value, answerable)
    upsert = (postgresql if session.get_bind().dialect.name == "postgresql" else sqlite).insert
    statement = upsert(Answer).values(
        draft_id=draft_id, item_id=item_id, option_id=option_id, value=value, answered_at=now
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["draft_id", "item_id", "option_id"],
            set_={"value": value, "answered_at": now},
        )
    )


def submit_assessment(
    *,
    session: Session,
    viewer: Viewer,
    draft_id: int,
    at: datetime | None = None,
    language: str | None = None,
) -> Submission:
    """Score the draft and write the submission with its skill scores, in the caller's single
    transaction; a draft can be submitted once only. `at` backdates demo data only;
    `language` is the language the questionnaire was shown in (issue 25; None: English)."""
    if language is not None and language not in SUPPORTED:
        raise InvalidInput(
            _("Language: '{language}' is not one of {supported}.").format(
                language=language, supported=", ".join(SUPPORTED)
            )
        )
    _own_draft(session, viewer, draft_id, Action.TAKE_ASSESSMENT)
    now = at or utcnow()
    # Claim the draft first: of two racing submits only one changes a row, and an answer
    # being saved meanwhile either lands before this claim (and is scored) or is refused.
    claimed = session.execute(
        update(AssessmentDraft)
        .where(AssessmentDraft.id == draft_id, AssessmentDraft.submitted_at.is_(None))
        .values(submitted_at=now)
    )
    if claimed.rowcount != 1:
        raise AlreadySubmitted(_("This assessment was already submitted."))
    state = load_draft(session=session, viewer=viewer, draft_id=draft_id)
    if not any(v is not None for v in state.item_answers.values()):
        raise InvalidInput(_("Answer at least one statement before submitting."))
    result = scoring.score_assessment(
        state.instrument, state.tags, state.item_answers, state.option_ratings
    )
    draft = session.get(AssessmentDraft, draft_id)
    submission = Submission(
        draft_id=draft_id,
        person_id=state.person_id,
        rater_id=viewer.person_id,
        relation="self",
        instrument_id=draft.instrument_id,
        submitted_at=now,
        overall_index=result.overall,
        scenario_score=result.scenario,
        scenario_key_version=state.instrument.scenario_key_version,
        language=language,
    )
    session.add(submission)
    session.flush()
    session.add_all(
        SkillScore(
            submission_id=submission.id,
            skill_id=skill.skill_id,
            score=skill.score,
            answered=skill.answered,
            applicable=skill.applicable,
        )
        for skill in result.skills
    )
    session.flush()
    return submission


def own_language(*, session: Session, viewer: Viewer) -> str | None:
    """The language on the viewer's profile, as stored (issue 25: the questionnaire is
    shown in it when a translation exists)."""
    person = session.get(Person, viewer.person_id)
    return person.language if person else None
