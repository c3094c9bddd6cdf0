"""360 rater forms (issue 22): opened without an account by a personal link or a short code.

A link carries a token of 256 bits (`secrets.token_urlsafe(32)`; the issue asks for at least
128), and only its SHA-256 is stored, so a copy of the database opens no form. A token this
long needs no slow hash: guessing one is hopeless, and a fast hash keeps every autosave cheap.
The one-time code, for agents without company email, is `HANDLE-SECRET`: the handle (4
characters) finds the form and is not secret; the secret (6 characters of a 31-letter
alphabet, about 30 bits) is checked against its salted hash, and the form's code locks after
MAX_CODE_ATTEMPTS wrong tries, so guessing has a 5 in a billion chance.

Whoever holds a RaterPass may answer that one form and nothing else; every call re-checks that
the form is still open, so a pass kept in a browser tab dies with the round. Nothing here
returns another rater's answers, or anyone's answers once submitted.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Engine, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from leadcoach.assessment.responses import applicability_tags, profile_tags
from leadcoach.instrument import bank, instruments, scoring
from leadcoach.instrument import translations as questionnaire
from leadcoach.platform.errors import InvalidInput, LeadCoachError
from leadcoach.platform.i18n import N_, _, ngettext
from leadcoach.platform.languages import SOURCE, SUPPORTED, code_for
from leadcoach.platform.models import (
    FeedbackRound,
    FormStatus,
    NominationStatus,
    Person,
    RaterAnswer,
    RaterForm,
    RaterGroup,
    RaterNomination,
    RaterSkillScore,
    RoundStatus,
    utcnow,
)
from leadcoach.platform.models import (
    Instrument as InstrumentRow,
)

TOKEN_BYTES = 32  # 256 bits
# No 0/O, 1/I/L: a code is read off paper and typed on a shared floor PC.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_HANDLE_LENGTH = 4
CODE_SECRET_LENGTH = 6
MAX_CODE_ATTEMPTS = 5
COMMENT_MAX = 2000

# People-facing group names (the vocabulary of the rater page and the nomination lists).
# Texts of the catalog: shown in the reader's language with `_()` (issue 25).
GROUP_LABELS = {
    RaterGroup.SELF.value: N_("Self"),
    RaterGroup.MANAGER.value: N_("Manager"),
    RaterGroup.PEER.value: N_("Peer (another supervisor)"),
    RaterGroup.DIRECT_REPORT.value: N_("Team member (agent)"),
    RaterGroup.COUNTERPART.value: N_("Client or vendor counterpart"),
}


class FormUnavailable(LeadCoachError):
    """The link or code opens no form now; str() is the whole people-facing message.

    `reason` is one of: unknown, expired, submitted, declined, locked, wrong_code."""

    def __init__(self, reason: str, message: str, attempts_left: int | None = None):
        super().__init__(_(message))  # a text of the catalog, in the reader's language
        self.reason = reason
        self.attempts_left = attempts_left


# Texts of the catalog, in the reader's language when raised (FormUnavailable translates).
_MESSAGES = {
    "unknown": N_(
        "This link does not open a feedback form. Please use the newest link in your "
        "invitation email, or ask the person who invited you for a new one."
    ),
    "expired": N_(
        "This feedback round has closed, so the form can no longer be filled in. "
        "Thank you for your time."
    ),
    "submitted": N_(
        "This feedback has already been sent. Thank you: your answers are saved and "
        "cannot be changed or viewed again."
    ),
    "declined": N_(
        "You declined to give this feedback, so the form is closed. Thank you for letting us know."
    ),
    "locked": N_(
        "This code was typed wrongly 5 times, so it is locked to protect the form. "
        "Please ask the person who gave you the code for a new one."
    ),
}


@dataclass(frozen=True)
class RaterPass:
    """Proof that its holder opened this one form with its link or code."""

    form_id: int


@dataclass(frozen=True)
class Question:
    skill_id: str
    skill_name: str
    item_id: str
    text: str  # the observer wording (the self wording on the supervisor's own form)


@dataclass(frozen=True)
class RaterFormState:
    """What the rater page shows: whom the feedback is about, the questions, answers so far."""

    form_id: int
    supervisor_name: str
    group: str
    group_label: str
    title: str
    instructions: str
    scale: list[tuple[int, str]]
    not_observed_label: str
    questions: list[Question]
    answers: dict[str, int | None]
    open_questions: list[tuple[str, str]]  # (id, text)
    comments: dict[str, str]
    closes_on: date
    status: str
    language: str = "en"  # the form's language (issue 25): its texts are in it when translated

    @property
    def answered(self) -> int:
        """Questions answered so far ("could not observe" counts as an answer)."""
        return sum(1 for q in self.questions if q.item_id in self.answers)

    def resume_index(self) -> int:
        """The first unanswered question, or the end when all are answered."""
        for index, question in enumerate(self.questions):
            if question.item_id not in self.answers:
                return index
        return len(self.questions)


def hash_token(token: str) -> str:
    """The stored form of a link's token."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh link token and its hash."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, hash_token(token)


def _code_hash(handle: str, secret: str) -> str:
    # Salted with the handle, so equal secrets of two forms hash differently.
    return hashlib.sha256(f"leadcoach-rater-code|{handle}|{secret}".encode()).hexdigest()


def new_code() -> tuple[str, str, str]:
    """A fresh one-time code as printed ("K7QM-4HX9TB"), its handle and its secret's hash."""
    handle = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_HANDLE_LENGTH))
    secret = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_SECRET_LENGTH))
    return f"{handle}-{secret}", handle, _code_hash(handle, secret)


def normalise_code(typed: str) -> str:
    """What a person typed, without spaces or dashes, in capitals."""
    return "".join(ch for ch in str(typed).upper() if ch.isalnum())


def end_of_day(day: date) -> datetime:
    """The end of a round's closing day (UTC): links stop working then."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def issue_form(
    *,
    session: Session,
    nomination: RaterNomination,
    feedback_round: FeedbackRound,
    language: str = "en",
    with_code: bool = False,
) -> tuple[RaterForm, str | None]:
    """Create the form of an approved nomination; returns it and, when asked, its code (shown
    once to whoever hands it over). Its link token is made when the invitation is queued
    (messaging.rater_emails), so no usable token waits unsent in the database."""
    _, placeholder = new_token()  # a hash whose token nobody knows: opens nothing
    code, handle, code_hash = new_code() if with_code else (None, None, None)
    form = RaterForm(
        nomination_id=nomination.id,
        round_id=feedback_round.id,
        supervisor_id=feedback_round.supervisor_id,
        rater_group=nomination.rater_group,
        instrument_id=feedback_round.instrument_id,
        token_hash=placeholder,
        code_handle=handle,
        code_hash=code_hash,
        expires_at=end_of_day(feedback_round.closes_on),
        language=language or "en",
    )
    session.add(form)
    session.flush()
    return form, code


def new_code_for(*, session: Session, form_id: int) -> str:
    """Replace a form's code (a lost or locked one); the old code stops working at once."""
    form = session.get(RaterForm, form_id)
    if form is None:
        raise InvalidInput(_("This rater form does not exist."))
    code, handle, code_hash = new_code()
    form.code_handle, form.code_hash = handle, code_hash
    form.failed_attempts, form.locked_at = 0, None
    session.add(form)
    session.flush()
    return code


def _refuse_unless_open(status: str, round_status: str | None, expires_at: datetime,
                        now: datetime) -> None:  # fmt: skip
    """FormUnavailable unless a form of this status, in a round of this status (None: no
    round), expiring then, may still be answered now."""
    if status == FormStatus.SUBMITTED.value:
        raise FormUnavailable("submitted", _MESSAGES["submitted"])
    if status == FormStatus.DECLINED.value:
        raise FormUnavailable("declined", _MESSAGES["declined"])
    if round_status != RoundStatus.OPEN.value or now >= _aware(expires_at):
        raise FormUnavailable("expired", _MESSAGES["expired"])


def _check_open(session: Session, form: RaterForm, now: datetime) -> FeedbackRound:
    if form.status in (FormStatus.SUBMITTED.value, FormStatus.DECLINED.value):
        _refuse_unless_open(form.status, None, form.expires_at, now)
    feedback_round = session.get(FeedbackRound, form.round_id)
    _refuse_unless_open(
        form.status, feedback_round.status if feedback_round else None, form.expires_at, now
    )
    return feedback_round


def open_by_token(*, session: Session, token: str, now: datetime | None = None) -> RaterPass:
    """The pass for the form this link's token opens, or FormUnavailable saying why not."""
    now = now or utcnow()
    token = str(token or "").strip()
    if not token or len(token) > 200:
        raise FormUnavailable("unknown", _MESSAGES["unknown"])
    digest = hash_token(token)
    form = session.exec(
        select(RaterForm).where(
            or_(RaterForm.token_hash == digest, RaterForm.reminder_token_hash == digest)
        )
    ).first()
    if form is None:
        raise FormUnavailable("unknown", _MESSAGES["unknown"])
    _check_open(session, form, now)
    return RaterPass(form.id)


def try_code(*, engine: Engine, code: str, now: datetime | None = None) -> RaterPass:
    """open_by_code in its own transaction, committed also when the code is wrong, so that
    every wrong try counts (a rolled-back count would allow endless guessing)."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            rater_pass = open_by_code(session=session, code=code, now=now)
        except FormUnavailable:
            session.commit()
            raise
        except BaseException:
            session.rollback()
            raise
        session.commit()
        return rater_pass


def open_by_code(*, session: Session, code: str, now: datetime | None = None) -> RaterPass:
    """The pass for the form this one-time code opens. A wrong secret counts against the form
    the handle names and locks it at the fifth (use try_code, which keeps the count)."""
    now = now or utcnow()
    typed = normalise_code(code)
    if len(typed) != CODE_HANDLE_LENGTH + CODE_SECRET_LENGTH:
        raise FormUnavailable(
            "wrong_code",
            _(
                "A code has {count} letters and digits (for example K7QM-4HX9TB). Please check "
                "it and type it again."
            ).format(count=CODE_HANDLE_LENGTH + CODE_SECRET_LENGTH),
        )
    handle, secret = typed[:CODE_HANDLE_LENGTH], typed[CODE_HANDLE_LENGTH:]
    form = session.exec(select(RaterForm).where(RaterForm.code_handle == handle)).first()
    if form is None or form.code_hash is None:
        raise FormUnavailable(
            "wrong_code", _("This code is not right. Please check it and type it again.")
        )
    if form.locked_at is not None or form.failed_attempts >= MAX_CODE_ATTEMPTS:
        raise FormUnavailable("locked", _MESSAGES["locked"], 0)
    if not hmac.compare_digest(form.code_hash, _code_hash(handle, secret)):
        # Counted in one statement, so two wrong tries at once both count.
        session.execute(
            update(RaterForm)
            .where(RaterForm.id == form.id)
            .values(failed_attempts=RaterForm.failed_attempts + 1)
        )
        session.refresh(form)
        left = MAX_CODE_ATTEMPTS - form.failed_attempts
        if left <= 0:
            form.locked_at = now
            session.add(form)
            session.flush()
            raise FormUnavailable("locked", _MESSAGES["locked"], 0)
        raise FormUnavailable(
            "wrong_code",
            ngettext(
                "This code is not right. {count} try left before the code is locked.",
                "This code is not right. {count} tries left before the code is locked.",
                left,
            ).format(count=left),
            left,
        )
    _check_open(session, form, now)
    if form.failed_attempts:
        form.failed_attempts = 0  # the right code: the count starts again
        session.add(form)
        session.flush()
    return RaterPass(form.id)


def _usable(
    session: Session, rater_pass: RaterPass, now: datetime
) -> tuple[RaterForm, FeedbackRound]:
    form = session.get(RaterForm, rater_pass.form_id)
    if form is None:  # erased meanwhile
        raise FormUnavailable("unknown", _MESSAGES["unknown"])
    return form, _check_open(session, form, now)


def _instrument(session: Session, form: RaterForm) -> bank.Instrument:
    return instruments.frozen_definition(session=session, instrument_row_id=form.instrument_id)


def questions_for(
    instrument: bank.Instrument, group: str, supervisor: Person | None
) -> list[Question]:
    """The items a rater of this group answers about this supervisor, in questionnaire order;
    the supervisor's own form keeps the self wording."""
    tags = applicability_tags(supervisor) if supervisor is not None else frozenset()
    return [
        Question(
            skill.id,
            skill.name,
            item.id,
            item.text if group == RaterGroup.SELF.value else (item.observer or item.text),
        )
        for skill, item in instrument.rater_items_for(group, tags)
    ]


def form_state(
    *,
    session: Session,
    rater_pass: RaterPass,
    now: datetime | None = None,
    translations: Mapping[str, questionnaire.Translation] | None = None,
) -> RaterFormState:
    """Everything the rater page needs to show this form and resume it exactly; with the
    questionnaire's `translations`, its texts in the form's language (issue 25: the
    language the invitation was sent in, the rater's profile language at the time)."""
    form, feedback_round = _usable(session, rater_pass, now or utcnow())
    instrument = _instrument(session, form)
    language = code_for(form.language) or SOURCE
    if translations and language in translations:
        instrument = questionnaire.translate(instrument, language, dict(translations))
    supervisor = session.get(Person, form.supervisor_id)
    rater_form = instrument.rater_form
    answers = {
        row.item_id: row.value
        for row in session.exec(select(RaterAnswer).where(RaterAnswer.form_id == form.id))
    }
    self_form = form.rater_group == RaterGroup.SELF.value
    return RaterFormState(
        form_id=form.id,
        supervisor_name=supervisor.name if supervisor is not None else "",
        group=form.rater_group,
        group_label=GROUP_LABELS[form.rater_group],
        title=rater_form.title if rater_form else instrument.title,
        instructions=instrument.instructions if self_form else rater_form.instructions,
        scale=[(p.value, p.label) for p in instrument.scale.points],
        not_observed_label=(
            instrument.scale.not_applicable_label if self_form else rater_form.not_observed_label
        ),
        questions=questions_for(instrument, form.rater_group, supervisor),
        answers=answers,
        open_questions=[(q.id, q.text) for q in rater_form.open_questions] if rater_form else [],
        comments={"keep_doing": form.keep_doing, "do_differently": form.do_differently},
        closes_on=feedback_round.closes_on,
        status=form.status,
        language=language,
    )


def _first_touch(form: RaterForm, now: datetime) -> dict:
    """The status change of a form's first answer. Only then is `status` in the UPDATE: the
    data-version triggers (migration 0008) fire on any UPDATE OF status, and must not on
    every autosave."""
    if form.status == FormStatus.INVITED.value:
        return {"status": FormStatus.STARTED.value, "started_at": now}
    return {}


def save_rater_answer(
    *,
    session: Session,
    rater_pass: RaterPass,
    item_id: str,
    value: int | None,
    now: datetime | None = None,
) -> None:
    """Save one answer now (insert or replace); None means "could not observe"."""
    now = now or utcnow()
    # One query for what the save checks (the form, its round, its questionnaire version,
    # the supervisor's profile), not one each: on PostgreSQL every statement is a round trip
    # to the server, and the autosave's target is 10 ms (issue 22).
    form = session.execute(
        select(
            RaterForm.id,
            RaterForm.status,
            RaterForm.expires_at,
            RaterForm.rater_group,
            RaterForm.instrument_id,
            FeedbackRound.status.label("round_status"),
            InstrumentRow.content_hash,
            Person.manages_remote,
            Person.oversees_vendor,
        )
        .select_from(RaterForm)
        .outerjoin(FeedbackRound, FeedbackRound.id == RaterForm.round_id)
        .join(InstrumentRow, InstrumentRow.id == RaterForm.instrument_id)
        .outerjoin(Person, Person.id == RaterForm.supervisor_id)
        .where(RaterForm.id == rater_pass.form_id)
    ).first()
    if form is None:  # erased meanwhile
        raise FormUnavailable("unknown", _MESSAGES["unknown"])
    _refuse_unless_open(form.status, form.round_status, form.expires_at, now)
    instrument = instruments.definition_for(
        session=session, instrument_row_id=form.instrument_id, content_hash=form.content_hash
    )
    tags = profile_tags(bool(form.manages_remote), bool(form.oversees_vendor))
    if item_id not in instruments.answerable_items(
        form.content_hash, instrument, tags, form.rater_group
    ):
        raise InvalidInput(
            _("Statement '{item_id}' is not part of this form.").format(item_id=item_id)
        )
    points = instrument.scale_values()
    if value is not None and (type(value) is not int or value not in points):
        raise InvalidInput(
            _("Statement {item_id}: choose {points} to {points2} or 'Could not observe'.").format(
                item_id=item_id, points=points[0], points2=points[-1]
            )
        )
    # Touch the form while it is still open: a submit committed meanwhile changes no row here.
    touched = session.execute(
        update(RaterForm)
        .where(
            RaterForm.id == form.id,
            RaterForm.status.in_([FormStatus.INVITED.value, FormStatus.STARTED.value]),
        )
        .values(updated_at=now, **_first_touch(form, now))
    )
    if touched.rowcount != 1:
        raise FormUnavailable("submitted", _MESSAGES["submitted"])
    upsert = (postgresql if session.get_bind().dialect.name == "postgresql" else sqlite).insert
    session.execute(
        upsert(RaterAnswer)
        .values(form_id=form.id, item_id=item_id, value=value, answered_at=now)
        .on_conflict_do_update(
            index_elements=["form_id", "item_id"], set_={"value": value, "answered_at": now}
        )
    )


def set_form_language(
    *, session: Session, rater_pass: RaterPass, language: str, now: datetime | None = None
) -> None:
    """The rater reads the form in another language (issue 25): its texts follow, and the
    form records the language its answers are given in, as a self-assessment does."""
    form, _round_row = _usable(session, rater_pass, now or utcnow())
    code = code_for(language)
    if code is None:
        raise InvalidInput(
            _("{value} is not a language LeadCoach speaks; use one of {languages}.").format(
                value=language, languages=", ".join(SUPPORTED)
            )
        )
    form.language = code
    session.add(form)
    session.flush()


def save_comments(
    *,
    session: Session,
    rater_pass: RaterPass,
    keep_doing: str | None = None,
    do_differently: str | None = None,
    now: datetime | None = None,
) -> None:
    """Save the answers to the two open questions (either may be left out or empty)."""
    now = now or utcnow()
    form, _round_row = _usable(session, rater_pass, now)
    values = {}
    for name, text in (("keep_doing", keep_doing), ("do_differently", do_differently)):
        if text is None:
            continue
        cleaned = str(text).replace("\x00", "").strip()
        if len(cleaned) > COMMENT_MAX:
            raise InvalidInput.of(
                "Comment",
                _("write at most {comment_max} characters ({cleaned} now).").format(
                    comment_max=COMMENT_MAX, cleaned=len(cleaned)
                ),
            )
        values[name] = cleaned
    if not values:
        return
    touched = session.execute(
        update(RaterForm)
        .where(
            RaterForm.id == form.id,
            RaterForm.status.in_([FormStatus.INVITED.value, FormStatus.STARTED.value]),
        )
        .values(updated_at=now, **_first_touch(form, now), **values)
    )
    if touched.rowcount != 1:
        raise FormUnavailable("submitted", _MESSAGES["submitted"])


def submit_rater_form(
    *, session: Session, rater_pass: RaterPass, now: datetime | None = None
) -> None:
    """Score the form and close it for good, in the caller's transaction; once only."""
    now = now or utcnow()
    form, _round_row = _usable(session, rater_pass, now)
    claimed = session.execute(
        update(RaterForm)
        .where(
            RaterForm.id == form.id,
            RaterForm.status.in_([FormStatus.INVITED.value, FormStatus.STARTED.value]),
        )
        .values(status=FormStatus.SUBMITTED.value, submitted_at=now, updated_at=now)
    )
    if claimed.rowcount != 1:
        raise FormUnavailable("submitted", _MESSAGES["submitted"])
    instrument = _instrument(session, form)
    supervisor = session.get(Person, form.supervisor_id)
    answers = {
        row.item_id: row.value
        for row in session.exec(select(RaterAnswer).where(RaterAnswer.form_id == form.id))
    }
    if not any(value is not None for value in answers.values()):
        raise InvalidInput(
            _(
                "Answer at least one statement before sending (or decline if you cannot give "
                "this feedback)."
            )
        )
    session.add_all(score_rows(instrument, form.id, form.rater_group, supervisor, answers))


def score_rows(
    instrument: bank.Instrument,
    form_id: int,
    group: str,
    supervisor: Person | None,
    answers: dict[str, int | None],
) -> list[RaterSkillScore]:
    """A form's skill scores over the skills its group rates, scored as a self-assessment is
    (the same items, reverse keys and 0-100 scale) except for the share of a skill's items
    that must be answered: at least half (issue 22, item 5: "a rater counts for a skill only
    when they answered at least half its items"), not the bank's self-assessment rule."""
    tags = applicability_tags(supervisor) if supervisor is not None else frozenset()
    chosen = set(instrument.observable_skills(group))
    rows = []
    for skill in instrument.skills_for(tags):
        if skill.id not in chosen:
            continue
        items = [item for item in skill.items if instrument.applies(item.applies_to, tags)]
        result = scoring.score_skill(skill.id, items, answers, scoring.RATER_MIN_PROPORTION)
        rows.append(
            RaterSkillScore(
                form_id=form_id,
                skill_id=skill.id,
                score=result.score,
                answered=result.answered,
                applicable=result.applicable,
            )
        )
    return rows


def decline_form(*, session: Session, rater_pass: RaterPass, now: datetime | None = None) -> None:
    """The rater says no: the form closes, its answers so far are deleted, no more reminders."""
    now = now or utcnow()
    form, _ = _usable(session, rater_pass, now)
    # Nothing is kept from a declined form.
    session.execute(RaterAnswer.__table__.delete().where(RaterAnswer.form_id == form.id))
    form.status = FormStatus.DECLINED.value
    form.declined_at = now
    form.keep_doing = form.do_differently = ""
    session.add(form)
    nomination = session.get(RaterNomination, form.nomination_id)
    if nomination is not None:
        nomination.status = NominationStatus.DECLINED.value
        session.add(nomination)
    session.flush()
