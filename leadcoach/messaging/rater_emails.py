"""Invitations and reminders to 360 raters (issue 22), through the outbox.

Raters need no account, so their emails name the rater form instead of a person
(`OutboxMessage.rater_form_id`). The link's token is made here, when the email is queued:
only its hash is kept on the form, and the outbox row carries the link only until the mail
server has accepted it (outbox.mark_sent then strips the token). Each reminder gets a fresh
token (the form's `reminder_token_hash`) while the invitation's link keeps working.
Reminders go only to raters who have neither submitted nor declined; the sender checks again
just before sending.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from leadcoach.assessment import rater_forms
from leadcoach.messaging import hours
from leadcoach.messaging.due import aware as _aware
from leadcoach.messaging.kinds import Kind
from leadcoach.messaging.templates import templates
from leadcoach.platform import i18n
from leadcoach.platform.config import Settings
from leadcoach.platform.i18n import N_
from leadcoach.platform.models import (
    FeedbackRound,
    FormStatus,
    OutboxMessage,
    OutboxState,
    Person,
    RaterForm,
    RaterGroup,
    RaterNomination,
    RoundStatus,
)

RATER_PAGE = "rater"
OPEN_STATES = (FormStatus.INVITED.value, FormStatus.STARTED.value)
RATER_KINDS = (Kind.RATER_INVITATION.value, Kind.RATER_REMINDER.value)


def rater_link(settings: Settings, token: str) -> str:
    """The personal link of a rater form."""
    return f"{settings.public_url.rstrip('/')}/{RATER_PAGE}?token={token}"


def _values(feedback_round: FeedbackRound, nomination: RaterNomination, supervisor: Person) -> dict:
    return {
        "rater_name": nomination.rater_name,
        "supervisor": supervisor.name,
        "group": rater_forms.GROUP_LABELS[nomination.rater_group].lower(),
        "rater_group": nomination.rater_group,  # the group in the rater's language (templates)
        "self_form": nomination.rater_group == RaterGroup.SELF.value,
        "closes_on": feedback_round.closes_on.isoformat(),
    }


def queue_rater_emails(session: Session, settings: Settings, now: datetime) -> int:
    """Queue every invitation and reminder due at `now`; returns how many were queued.
    Idempotent, and safe from several schedulers at once (the outbox's unique index)."""
    today = now.date()
    rows = session.exec(
        select(RaterForm, RaterNomination, FeedbackRound, Person)
        .join(RaterNomination, RaterNomination.id == RaterForm.nomination_id)
        .join(FeedbackRound, FeedbackRound.id == RaterForm.round_id)
        .join(Person, Person.id == RaterForm.supervisor_id)
        .where(
            FeedbackRound.status == RoundStatus.OPEN.value,
            FeedbackRound.opens_on <= today,
            FeedbackRound.closes_on >= today,
            col(RaterForm.status).in_(OPEN_STATES),
            col(RaterNomination.rater_email).is_not(None),
        )
    ).all()
    if not rows:
        return 0
    form_ids = [form.id for form, *_ in rows]
    sent_before: dict[int, tuple[int, datetime]] = {}
    for form_id, count, last in session.exec(
        select(OutboxMessage.rater_form_id, func.count(), func.max(OutboxMessage.created_at))
        .where(
            col(OutboxMessage.rater_form_id).in_(form_ids),
            col(OutboxMessage.kind).in_(RATER_KINDS),
        )
        .group_by(OutboxMessage.rater_form_id)
    ).all():
        sent_before[form_id] = (count, _aware(last))
    zones = dict(
        session.exec(
            select(Person.id, Person.time_zone).where(
                col(Person.id).in_([n.rater_person_id for _, n, _, _ in rows if n.rater_person_id])
            )
        ).all()
    )
    texts = templates()
    queued = 0
    every = timedelta(days=settings.rater_reminder_days)
    for form, nomination, feedback_round, supervisor in rows:
        count, last = sent_before.get(form.id, (0, None))
        if count == 0:
            kind, period = Kind.RATER_INVITATION, "invitation"
        elif last is not None and now - last >= every:
            kind, period = Kind.RATER_REMINDER, f"reminder-{count}"
        else:
            continue
        token, digest = rater_forms.new_token()
        values = _values(feedback_round, nomination, supervisor)
        zone = hours.zone(zones.get(nomination.rater_person_id), settings.default_time_zone)
        send_after = hours.first_allowed(
            now, zone, settings.quiet_hours_start, settings.quiet_hours_end
        )
        with i18n.using(form.language):  # issue 25: in the rater's language
            subject = texts.subject(kind, {"name": nomination.rater_name, **values})
        row = {
            "recipient_id": None,
            "rater_form_id": form.id,
            "email": nomination.rater_email,
            "kind": kind.value,
            "event": f"raterform:{form.id}",
            "period": period,
            "due_at": now,
            "send_after": send_after,
            "state": OutboxState.QUEUED.value,
            "subject": subject,
            "link": rater_link(settings, token),
            "context": json.dumps(values, sort_keys=True),
            "attempts": 0,
            "last_error": "",
            "created_at": now,
        }
        insert = (postgresql if session.get_bind().dialect.name == "postgresql" else sqlite).insert
        # RETURNING, not rowcount: PostgreSQL's driver reports -1 for this statement.
        inserted = session.execute(
            insert(OutboxMessage)
            .values(**row)
            .on_conflict_do_nothing()
            .returning(OutboxMessage.__table__.c.id)
        ).first()
        if inserted is None:
            continue  # another scheduler queued it first; its token is the one that counts
        if kind is Kind.RATER_INVITATION:
            form.token_hash = digest
        else:
            form.reminder_token_hash = digest
        session.add(form)
        queued += 1
    session.flush()
    return queued


def not_needed(session: Session, message: OutboxMessage) -> str | None:
    """Why a queued rater email should not go out any more, or None."""
    form = session.get(RaterForm, message.rater_form_id)
    if form is None:
        return N_("the rater's form was erased")
    if form.status == FormStatus.SUBMITTED.value:
        return N_("the rater answered meanwhile")
    if form.status == FormStatus.DECLINED.value:
        return N_("the rater declined meanwhile")
    feedback_round = session.get(FeedbackRound, form.round_id)
    if feedback_round is None or feedback_round.status != RoundStatus.OPEN.value:
        return N_("the feedback round has closed")
    return None


def rater_language(session: Session, message: OutboxMessage) -> str | None:
    """The language a rater's email is written in: their form's (theirs when they are in
    LeadCoach, chosen when the round's raters were approved; issue 25)."""
    form = session.get(RaterForm, message.rater_form_id)
    return form.language if form is not None else None


def rater_zone(session: Session, message: OutboxMessage, settings: Settings):
    """The time zone a rater's email waits for: theirs when they are in LeadCoach."""
    person_id = session.exec(
        select(RaterNomination.rater_person_id)
        .join(RaterForm, RaterForm.nomination_id == RaterNomination.id)
        .where(RaterForm.id == message.rater_form_id)
    ).first()
    person = session.get(Person, person_id) if person_id else None
    return hours.zone(person.time_zone if person else None, settings.default_time_zone)
