"""360 feedback rounds (issue 22): start, nominate raters, approve, close.

The supervisor proposes raters (by name and email, or people already in LeadCoach); their
coach or HR changes and approves the list, which creates one form per rater; emails go out
through the outbox (messaging.rater_emails). A rater asked by too many supervisors in one
period is flagged before approval (rater fatigue). Nothing here reads what a rater answered:
progress is counted per group, never per person.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from leadcoach.assessment import rater_forms
from leadcoach.instrument import bank, instruments
from leadcoach.people import audit
from leadcoach.people.access import (
    NO_ACCESS,
    Action,
    Viewer,
    person_for,
    require,
    visible_people,
)
from leadcoach.platform.config import Settings
from leadcoach.platform.errors import AccessDenied, InvalidInput
from leadcoach.platform.i18n import _, ngettext
from leadcoach.platform.models import (
    CohortMember,
    FeedbackRound,
    FormStatus,
    NominationStatus,
    Person,
    RaterForm,
    RaterGroup,
    RaterNomination,
    Role,
    RoundStatus,
    utcnow,
)
from leadcoach.platform.validation import clean_text

# Groups a supervisor nominates; "self" is added to every round by itself.
NOMINATED_GROUPS = (
    RaterGroup.MANAGER.value,
    RaterGroup.PEER.value,
    RaterGroup.DIRECT_REPORT.value,
    RaterGroup.COUNTERPART.value,
)
# Groups whose minimum is the anonymity threshold: below it they would be dropped from the
# report anyway. The manager is one person, shown as such; counterparts are few and optional.
GROUPS_WITH_MINIMUM = (RaterGroup.PEER.value, RaterGroup.DIRECT_REPORT.value)
MAX_MANAGERS = 1
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ACTIVE = (NominationStatus.PROPOSED.value, NominationStatus.APPROVED.value)


@dataclass(frozen=True)
class NominationRow:
    """A nomination as the supervisor, coach or HR sees it before and after approval."""

    nomination_id: int
    name: str
    email: str  # "" when the rater gets a code instead
    group: str
    group_label: str
    status: str
    in_leadcoach: bool
    asked_recently: int  # rounds this rater is asked for in the fatigue period (this one too)
    fatigued: bool


@dataclass(frozen=True)
class IssuedCode:
    """A one-time code for a rater without email, shown once to the approver to hand over."""

    name: str
    group_label: str
    code: str


@dataclass(frozen=True)
class GroupProgress:
    group: str
    group_label: str
    asked: int
    answered: int
    declined: int


def _round(session: Session, viewer: Viewer, round_id: int, action: Action) -> FeedbackRound:
    """A round the viewer may act on; an unknown id is refused as a forbidden one."""
    feedback_round = session.get(FeedbackRound, round_id)
    if feedback_round is None:
        raise AccessDenied(NO_ACCESS)
    person_for(
        session=session, viewer=viewer, action=action, person_id=feedback_round.supervisor_id
    )
    return feedback_round


def _dates(opens_on: date, closes_on: date, today: date) -> None:
    if not isinstance(opens_on, date) or not isinstance(closes_on, date):
        raise InvalidInput.of("Dates", _("choose the day the round opens and the day it closes."))
    if closes_on < opens_on:
        raise InvalidInput.of("Closes on", _("choose a day on or after the day the round opens."))
    if closes_on < today:
        raise InvalidInput.of("Closes on", _("choose today or a later day."))


def _feedback_instrument(session: Session, instrument: bank.Instrument) -> int:
    if not instrument.has_rater_form:
        raise InvalidInput(
            _(
                "Questionnaire {label} has no rater form; use a version with observer "
                "wordings (1.1.0 or later)."
            ).format(label=instrument.label)
        )
    return instruments.freeze(session=session, instrument=instrument).id


def _create(
    session: Session,
    viewer: Viewer,
    supervisor: Person,
    opens_on: date,
    closes_on: date,
    instrument_id: int,
    campaign: str,
    cohort_id: int | None,
) -> FeedbackRound:
    feedback_round = FeedbackRound(
        supervisor_id=supervisor.id,
        cohort_id=cohort_id,
        campaign=campaign,
        instrument_id=instrument_id,
        opens_on=opens_on,
        closes_on=closes_on,
        created_by_id=viewer.person_id,
    )
    session.add(feedback_round)
    session.flush()
    # The supervisor's own view, on the same items, is part of every round.
    session.add(
        RaterNomination(
            round_id=feedback_round.id,
            rater_person_id=supervisor.id,
            rater_name=supervisor.name,
            rater_email=supervisor.email.lower(),
            rater_group=RaterGroup.SELF.value,
            status=NominationStatus.APPROVED.value,
            nominated_by_id=viewer.person_id,
        )
    )
    session.flush()
    return feedback_round


def start_round(
    *,
    session: Session,
    viewer: Viewer,
    supervisor_id: int,
    opens_on: date,
    closes_on: date,
    instrument: bank.Instrument,
    today: date | None = None,
) -> int:
    """Open a round for one supervisor, ready for nominations; returns its id."""
    supervisor = person_for(
        session=session, viewer=viewer, action=Action.START_FEEDBACK, person_id=supervisor_id
    )
    if supervisor.role != Role.SUPERVISOR.value:
        raise InvalidInput(_("Feedback rounds are for supervisors."))
    _dates(opens_on, closes_on, today or utcnow().date())
    running = session.exec(
        select(FeedbackRound.id).where(
            FeedbackRound.supervisor_id == supervisor_id,
            col(FeedbackRound.status).in_([RoundStatus.NOMINATING.value, RoundStatus.OPEN.value]),
        )
    ).first()
    if running is not None:
        raise InvalidInput(
            _("{name} already has a feedback round under way.").format(name=supervisor.name)
        )
    instrument_id = _feedback_instrument(session, instrument)
    feedback_round = _create(
        session, viewer, supervisor, opens_on, closes_on, instrument_id, "", None
    )
    audit.record(session, viewer.person_id, "feedback_round_started", f"round {feedback_round.id}")
    return feedback_round.id


def start_cohort_rounds(
    *,
    session: Session,
    viewer: Viewer,
    cohort_id: int,
    campaign: str,
    opens_on: date,
    closes_on: date,
    instrument: bank.Instrument,
    today: date | None = None,
) -> list[int]:
    """HR opens a round for every supervisor of a cohort at once (one per member, under one
    campaign name); members with a round of that campaign already are left alone."""
    require(viewer, Action.START_FEEDBACK)
    require(viewer, Action.MANAGE_COHORTS)
    campaign = clean_text(campaign, "Name", 120, one_line=True)
    _dates(opens_on, closes_on, today or utcnow().date())
    instrument_id = _feedback_instrument(session, instrument)
    members = session.exec(
        select(Person)
        .join(CohortMember, CohortMember.person_id == Person.id)
        .where(CohortMember.cohort_id == cohort_id, Person.role == Role.SUPERVISOR.value)
        .order_by(Person.id)
    ).all()
    if not members:
        raise InvalidInput(_("This cohort has no supervisors to ask for feedback about."))
    existing = set(
        session.exec(
            select(FeedbackRound.supervisor_id).where(
                FeedbackRound.cohort_id == cohort_id, FeedbackRound.campaign == campaign
            )
        ).all()
    )
    created = [
        _create(session, viewer, m, opens_on, closes_on, instrument_id, campaign, cohort_id).id
        for m in members
        if m.id not in existing
    ]
    audit.record(
        session, viewer.person_id, "feedback_rounds_started", f"cohort {cohort_id}",
        rounds=len(created),
    )  # fmt: skip
    return created


def nominate(
    *,
    session: Session,
    viewer: Viewer,
    round_id: int,
    group: str,
    settings: Settings,
    name: str = "",
    email: str | None = None,
    person_id: int | None = None,
) -> int:
    """Propose a rater: a person in LeadCoach, or a name with an email (or without one: an
    agent without company email gets a one-time code instead). Returns the nomination id."""
    feedback_round = _round(session, viewer, round_id, Action.NOMINATE_RATERS)
    if feedback_round.status != RoundStatus.NOMINATING.value:
        raise InvalidInput(_("Raters can be added only before the list is approved."))
    if group not in NOMINATED_GROUPS:
        raise InvalidInput.of("Group", _("choose manager, peer, team member or counterpart."))
    if person_id is not None:
        person = session.get(Person, person_id)
        if person is None:
            raise InvalidInput.of("Person", _("this person is not in LeadCoach."))
        if person.id == feedback_round.supervisor_id:
            raise InvalidInput.of("Person", _("the supervisor's own view is already included."))
        name, email = person.name, person.email
    name = clean_text(name, "Name", 200, one_line=True)
    email = (email or "").strip().lower() or None
    if email is not None and not _EMAIL.match(email):
        raise InvalidInput.of("Email", _("'{email}' is not an email address.").format(email=email))
    active = session.exec(
        select(RaterNomination).where(
            RaterNomination.round_id == round_id, col(RaterNomination.status).in_(ACTIVE)
        )
    ).all()
    if any(
        (email and n.rater_email == email) or (person_id and n.rater_person_id == person_id)
        for n in active
    ):
        raise InvalidInput(_("{name} is already on the list.").format(name=name))
    in_group = sum(1 for n in active if n.rater_group == group)
    most = MAX_MANAGERS if group == RaterGroup.MANAGER.value else settings.max_raters
    if in_group >= most:
        label = _(rater_forms.GROUP_LABELS[group])
        raise InvalidInput(
            ngettext(
                "{label}: at most {most} rater per round.",
                "{label}: at most {most} raters per round.",
                most,
            ).format(label=label, most=most)
        )
    # A nomination removed earlier may be proposed again: reuse its row (unique per round).
    previous = session.exec(
        select(RaterNomination).where(
            RaterNomination.round_id == round_id,
            (RaterNomination.rater_email == email)
            if email
            else (RaterNomination.rater_person_id == person_id)
            if person_id
            else col(RaterNomination.id).is_(None),
        )
    ).first()
    nomination = previous or RaterNomination(round_id=round_id)
    nomination.rater_person_id = person_id
    nomination.rater_name = name
    nomination.rater_email = email
    nomination.rater_group = group
    nomination.status = NominationStatus.PROPOSED.value
    nomination.nominated_by_id = viewer.person_id
    nomination.decided_by_id = nomination.decided_at = None
    session.add(nomination)
    session.flush()
    return nomination.id


def _nomination(
    session: Session, viewer: Viewer, nomination_id: int, action: Action
) -> tuple[RaterNomination, FeedbackRound]:
    nomination = session.get(RaterNomination, nomination_id)
    if nomination is None:
        raise AccessDenied(NO_ACCESS)
    feedback_round = _round(session, viewer, nomination.round_id, action)
    if nomination.rater_group == RaterGroup.SELF.value:
        raise InvalidInput(_("The supervisor's own view is part of every round."))
    if feedback_round.status != RoundStatus.NOMINATING.value:
        raise InvalidInput(_("The list was approved already; it can no longer change."))
    return nomination, feedback_round


def remove_nomination(*, session: Session, viewer: Viewer, nomination_id: int) -> None:
    """Take a rater off the list before approval (the supervisor, their coach or HR)."""
    nomination, _ = _nomination(session, viewer, nomination_id, Action.NOMINATE_RATERS)
    nomination.status = NominationStatus.REMOVED.value
    nomination.decided_by_id, nomination.decided_at = viewer.person_id, utcnow()
    session.add(nomination)
    session.flush()


def change_group(
    *, session: Session, viewer: Viewer, nomination_id: int, group: str, settings: Settings
) -> None:
    """The coach or HR moves a rater to another group before approval."""
    nomination, _round_row = _nomination(session, viewer, nomination_id, Action.APPROVE_RATERS)
    if group not in NOMINATED_GROUPS:
        raise InvalidInput.of("Group", _("choose manager, peer, team member or counterpart."))
    nomination.rater_group = group
    session.add(nomination)
    session.flush()


def _fatigue(
    session: Session, rows: list[RaterNomination], around: date, days: int
) -> dict[int, int]:
    """How many rounds opening within `days` before or after `around` ask each rater."""
    emails = [n.rater_email for n in rows if n.rater_email]
    people = [n.rater_person_id for n in rows if n.rater_person_id]
    if not emails and not people:
        return {}
    window = (around - timedelta(days=days), around + timedelta(days=days))
    asked = session.exec(
        select(RaterNomination.rater_email, RaterNomination.rater_person_id, FeedbackRound.id)
        .join(FeedbackRound, FeedbackRound.id == RaterNomination.round_id)
        .where(
            (col(RaterNomination.rater_email).in_(emails))
            | (col(RaterNomination.rater_person_id).in_(people)),
            # Declined ones were asked too (and counting them alike hides who declined).
            RaterNomination.status != NominationStatus.REMOVED.value,
            RaterNomination.rater_group != RaterGroup.SELF.value,
            FeedbackRound.status != RoundStatus.CANCELLED.value,
            FeedbackRound.opens_on >= window[0],
            FeedbackRound.opens_on <= window[1],
        )
    ).all()
    by_email: dict[str, set[int]] = {}
    by_person: dict[int, set[int]] = {}
    for email, person_id, round_id in asked:
        if email:
            by_email.setdefault(email, set()).add(round_id)
        if person_id:
            by_person.setdefault(person_id, set()).add(round_id)
    return {
        n.id: len(
            by_email.get(n.rater_email or "", set()) | by_person.get(n.rater_person_id, set())
        )
        for n in rows
    }


def nominations(
    *, session: Session, viewer: Viewer, round_id: int, settings: Settings
) -> list[NominationRow]:
    """The round's raters (not the supervisor's own view), with the fatigue flag."""
    feedback_round = _round(session, viewer, round_id, Action.NOMINATE_RATERS)
    rows = session.exec(
        select(RaterNomination)
        .where(
            RaterNomination.round_id == round_id,
            RaterNomination.rater_group != RaterGroup.SELF.value,
            RaterNomination.status != NominationStatus.REMOVED.value,
        )
        .order_by(RaterNomination.rater_group, RaterNomination.rater_name)
    ).all()
    counts = _fatigue(session, list(rows), feedback_round.opens_on, settings.rater_fatigue_days)
    return [
        NominationRow(
            nomination_id=n.id,
            name=n.rater_name,
            email=n.rater_email or "",
            group=n.rater_group,
            group_label=rater_forms.GROUP_LABELS[n.rater_group],
            status=n.status,
            in_leadcoach=n.rater_person_id is not None,
            asked_recently=counts.get(n.id, 0),
            fatigued=counts.get(n.id, 0) > settings.rater_fatigue_limit,
        )
        for n in rows
    ]


def list_problems(rows: list[NominationRow], settings: Settings) -> list[str]:
    """Why a list cannot be approved yet, in plain words (empty: it can)."""
    counts = Counter(r.group for r in rows if r.status in ACTIVE)
    problems = []
    for group in GROUPS_WITH_MINIMUM:
        if counts[group] < settings.min_raters:
            problems.append(
                _(
                    "{group}: at least {minimum} raters are needed so that no one can be "
                    "singled out ({count} now)."
                ).format(
                    group=_(rater_forms.GROUP_LABELS[group]),
                    minimum=settings.min_raters,
                    count=counts[group],
                )
            )
    for group in NOMINATED_GROUPS:
        most = MAX_MANAGERS if group == RaterGroup.MANAGER.value else settings.max_raters
        if counts[group] > most:
            problems.append(
                _("{group}: at most {most} ({count} now).").format(
                    group=_(rater_forms.GROUP_LABELS[group]), most=most, count=counts[group]
                )
            )
    return problems


def approve_round(
    *,
    session: Session,
    viewer: Viewer,
    round_id: int,
    settings: Settings,
    now: datetime | None = None,
) -> list[IssuedCode]:
    """Approve the list: one form per rater, the round opens, invitations become due. Returns
    the one-time codes of raters without email, to be handed over (they are shown only now)."""
    feedback_round = _round(session, viewer, round_id, Action.APPROVE_RATERS)
    if feedback_round.supervisor_id == viewer.person_id:
        raise InvalidInput(_("Someone else (your coach or HR) approves the raters of your round."))
    if feedback_round.status != RoundStatus.NOMINATING.value:
        raise InvalidInput(_("This list was approved already."))
    problems = list_problems(
        nominations(session=session, viewer=viewer, round_id=round_id, settings=settings),
        settings,
    )
    if problems:
        raise InvalidInput(" ".join(problems))
    now = now or utcnow()
    approved = session.exec(
        select(RaterNomination).where(
            RaterNomination.round_id == round_id, col(RaterNomination.status).in_(ACTIVE)
        )
    ).all()
    languages = dict(
        session.exec(
            select(Person.id, Person.language).where(
                col(Person.id).in_([n.rater_person_id for n in approved if n.rater_person_id])
            )
        ).all()
    )
    codes = []
    for nomination in approved:
        if nomination.status == NominationStatus.PROPOSED.value:
            nomination.status = NominationStatus.APPROVED.value
            nomination.decided_by_id, nomination.decided_at = viewer.person_id, now
            session.add(nomination)
        without_email = not nomination.rater_email
        _form, code = rater_forms.issue_form(
            session=session,
            nomination=nomination,
            feedback_round=feedback_round,
            language=languages.get(nomination.rater_person_id) or "en",
            with_code=without_email,
        )
        if code:
            codes.append(
                IssuedCode(
                    nomination.rater_name, rater_forms.GROUP_LABELS[nomination.rater_group], code
                )
            )
    feedback_round.status = RoundStatus.OPEN.value
    feedback_round.approved_by_id, feedback_round.approved_at = viewer.person_id, now
    session.add(feedback_round)
    session.flush()
    audit.record(
        session, viewer.person_id, "feedback_round_approved", f"round {round_id}",
        raters=len(approved) - 1,
    )  # fmt: skip
    return codes


def reissue_code(*, session: Session, viewer: Viewer, nomination_id: int) -> IssuedCode:
    """A new one-time code for a rater who lost theirs or locked it (the old one stops)."""
    nomination = session.get(RaterNomination, nomination_id)
    if nomination is None:
        raise AccessDenied(NO_ACCESS)
    _round(session, viewer, nomination.round_id, Action.APPROVE_RATERS)
    form = session.exec(select(RaterForm).where(RaterForm.nomination_id == nomination_id)).first()
    if form is None or form.status in (FormStatus.SUBMITTED.value, FormStatus.DECLINED.value):
        raise InvalidInput(_("This rater has no open form."))
    code = rater_forms.new_code_for(session=session, form_id=form.id)
    audit.record(session, viewer.person_id, "rater_code_reissued", f"form {form.id}")
    return IssuedCode(nomination.rater_name, rater_forms.GROUP_LABELS[nomination.rater_group], code)


def close_round(
    *, session: Session, viewer: Viewer, round_id: int, now: datetime | None = None
) -> None:
    """Close a round early (the coach or HR): no more answers; the report may be shown."""
    feedback_round = _round(session, viewer, round_id, Action.APPROVE_RATERS)
    if feedback_round.status not in (RoundStatus.OPEN.value, RoundStatus.NOMINATING.value):
        raise InvalidInput(_("This round is closed already."))
    _close(feedback_round, now or utcnow())
    session.add(feedback_round)
    session.flush()
    audit.record(session, viewer.person_id, "feedback_round_closed", f"round {round_id}")


def _close(feedback_round: FeedbackRound, now: datetime) -> None:
    feedback_round.status = (
        RoundStatus.CLOSED.value
        if feedback_round.status == RoundStatus.OPEN.value
        else RoundStatus.CANCELLED.value  # never approved: nothing was asked
    )
    feedback_round.closed_at = now


def close_due_rounds(*, session: Session, today: date, now: datetime | None = None) -> int:
    """Close every open round whose closing day has passed (the scheduler calls this)."""
    due = session.exec(
        select(FeedbackRound).where(
            FeedbackRound.status == RoundStatus.OPEN.value, FeedbackRound.closes_on < today
        )
    ).all()
    for feedback_round in due:
        _close(feedback_round, now or utcnow())
        session.add(feedback_round)
    session.flush()
    return len(due)


def round_progress(*, session: Session, viewer: Viewer, round_id: int) -> list[GroupProgress]:
    """How many of each group were asked, answered and declined: counts, never names."""
    _round(session, viewer, round_id, Action.READ_FEEDBACK_PROGRESS)
    rows = session.exec(
        select(RaterForm.rater_group, RaterForm.status, func.count())
        .where(RaterForm.round_id == round_id)
        .group_by(RaterForm.rater_group, RaterForm.status)
    ).all()
    counts: dict[str, Counter] = {}
    for group, status, count in rows:
        counts.setdefault(group, Counter())[status] += count
    return [
        GroupProgress(
            group=group,
            group_label=rater_forms.GROUP_LABELS[group],
            asked=sum(counts[group].values()),
            answered=counts[group][FormStatus.SUBMITTED.value],
            declined=counts[group][FormStatus.DECLINED.value],
        )
        for group in rater_forms.GROUP_LABELS
        if group in counts
    ]


@dataclass(frozen=True)
class RoundSummary:
    round_id: int
    supervisor_id: int
    supervisor_name: str
    campaign: str
    opens_on: date
    closes_on: date
    status: str


def rounds(
    *, session: Session, viewer: Viewer, supervisor_id: int | None = None
) -> list[RoundSummary]:
    """The feedback rounds the viewer may follow (one supervisor's, or all they may see),
    newest first."""
    query = (
        select(FeedbackRound, Person.name)
        .join(Person, Person.id == FeedbackRound.supervisor_id)
        .where(visible_people(viewer, Action.READ_FEEDBACK_PROGRESS))
        .order_by(col(FeedbackRound.opens_on).desc(), col(FeedbackRound.id).desc())
    )
    if supervisor_id is not None:
        query = query.where(FeedbackRound.supervisor_id == supervisor_id)
    return [
        RoundSummary(r.id, r.supervisor_id, name, r.campaign, r.opens_on, r.closes_on, r.status)
        for r, name in session.exec(query).all()
    ]


def supervisors_for_feedback(*, session: Session, viewer: Viewer) -> list[tuple[int, str]]:
    """The supervisors the viewer may start a round for: (person id, name), by name."""
    return [
        (person_id, name)
        for person_id, name in session.exec(
            select(Person.id, Person.name)
            .where(
                Person.role == Role.SUPERVISOR.value,
                visible_people(viewer, Action.START_FEEDBACK),
            )
            .order_by(Person.name)
        ).all()
    ]
