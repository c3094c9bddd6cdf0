"""The outbox: every email as a row, queued once per (recipient, kind, event, period),
claimed by one sender at a time, and marked sent, retried with back-off, failed or cancelled.

Delivery guarantee: at least once, never twice by design. A sender claims a few rows
(state `sending`, its name and the time), sends each, and marks it sent in its own commit
right after the mail server accepted it. Two senders never claim the same row (one UPDATE
with FOR UPDATE SKIP LOCKED on PostgreSQL, the database's single writer on SQLite). A sender
killed mid-batch leaves its rows in `sending`; after LEASE they return to the queue, so
nothing is lost. The only way to send twice is to die in the moment between the server's
"250 OK" and the commit of `sent` (milliseconds, one message per sender); such a duplicate
carries the same Message-ID header, which mail clients use to hide copies.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Engine, func, update
from sqlmodel import Session, col, select

from leadcoach.messaging import hours
from leadcoach.messaging.due import Candidate
from leadcoach.messaging.kinds import KINDS
from leadcoach.messaging.kinds import label as kind_label
from leadcoach.messaging.preferences import _insert_ignoring_duplicates, switches
from leadcoach.messaging.templates import templates
from leadcoach.people import audit
from leadcoach.people.access import Action, Viewer, require
from leadcoach.platform import i18n
from leadcoach.platform.config import Settings
from leadcoach.platform.db import session_scope
from leadcoach.platform.errors import InvalidInput, NotFound
from leadcoach.platform.i18n import N_, _
from leadcoach.platform.models import (
    NotificationPreference,
    NotificationProfile,
    OutboxMessage,
    OutboxState,
    Person,
    utcnow,
)

# A claim older than this is taken to belong to a sender that died: its rows are queued
# again. It must outlast a batch: BATCH messages, each bounded by the SMTP timeout.
LEASE = timedelta(minutes=15)
BATCH = 20
# Retries after a temporary failure wait 5 minutes, then twice as long each time up to
# about an hour (Postfix's minimal_backoff_time 300 s and maximal_backoff_time 4000 s);
# after MAX_ATTEMPTS tries (about 8 hours) the email has failed and admins see it.
FIRST_RETRY = timedelta(minutes=5)
LONGEST_RETRY = timedelta(seconds=4000)
MAX_ATTEMPTS = 10
OUTBOX_COLUMNS = [
    "id", "recipient", "email", "kind", "state", "subject", "link", "due_at", "send_after",
    "sent_at", "attempts", "last_error",
]  # fmt: skip
# What each state reads as (texts of the catalog: `state_label` gives the reader's words).
STATE_LABELS = {
    OutboxState.QUEUED.value: N_("waiting"),
    OutboxState.SENDING.value: N_("being sent"),
    OutboxState.SENT.value: N_("sent"),
    OutboxState.FAILED.value: N_("failed"),
    OutboxState.CANCELLED.value: N_("not needed any more"),
}


def state_label(state: str) -> str:
    """A state as the reader names it ("waiting", "في الانتظار")."""
    return _(STATE_LABELS[state]) if state in STATE_LABELS else state


MAX_LISTED = 5000


def page_link(settings: Settings, page: str) -> str:
    """The absolute address of a page of the app."""
    return f"{settings.public_url.rstrip('/')}/{page.lstrip('/')}"


@dataclass(frozen=True)
class QueueReport:
    due: int  # candidates found
    queued: int  # rows new in the outbox
    skipped: int  # turned off, or the address was refused


def queue(
    session: Session, candidates: Sequence[Candidate], settings: Settings, now: datetime
) -> QueueReport:
    """Put every candidate that its recipient and the organisation still want into the
    outbox, each at the first moment outside the recipient's quiet hours. Candidates
    already there (any state) are left alone: queueing is idempotent."""
    if not candidates:
        return QueueReport(0, 0, 0)
    organisation = switches(session)
    turned_off = set(
        session.exec(
            select(NotificationPreference.person_id, NotificationPreference.kind).where(
                col(NotificationPreference.enabled).is_(False)
            )
        ).all()
    )
    profiles = {p.person_id: p for p in session.exec(select(NotificationProfile))}
    before = _count(session)
    rows: list[dict[str, Any]] = []
    skipped = 0
    texts = templates()
    start, end = settings.quiet_hours_start, settings.quiet_hours_end
    for candidate in candidates:
        recipient = candidate.recipient
        profile = profiles.get(recipient.id)
        if (
            not organisation[candidate.kind]
            or (recipient.id, candidate.kind.value) in turned_off
            or (profile is not None and profile.refused_email == recipient.email)
        ):
            skipped += 1
            continue
        due_at = min(candidate.due_at, now)
        send_after = now  # a reminder found late still goes out now, not in the past's daytime
        if profile is None or not profile.any_hour:
            zone = hours.zone(recipient.time_zone, settings.default_time_zone)
            send_after = hours.first_allowed(now, zone, start, end)
        values = {"name": recipient.name, **candidate.values}
        with i18n.using(recipient.language):  # issue 25: in the recipient's language
            subject = texts.subject(candidate.kind, values)
        rows.append(
            {
                "recipient_id": recipient.id,
                "email": recipient.email,
                "kind": candidate.kind.value,
                "event": candidate.event,
                "period": candidate.period,
                "due_at": due_at,
                "send_after": send_after,
                "state": OutboxState.QUEUED.value,
                "subject": subject,
                "link": page_link(settings, candidate.page),
                "context": json.dumps(candidate.values, sort_keys=True, default=str),
                "attempts": 0,
                "last_error": "",
                "created_at": now,
            }
        )
    for start_at in range(0, len(rows), 1000):
        _insert_ignoring_duplicates(session, OutboxMessage, rows[start_at : start_at + 1000])
    return QueueReport(len(candidates), _count(session) - before, skipped)


def _count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(OutboxMessage)).one()


# --- claims and states ------------------------------------------------------------------------


def release_stale(engine: Engine, now: datetime) -> int:
    """Queue again the rows of senders that died mid-batch (claims older than LEASE)."""
    with session_scope(engine) as session:
        result = session.exec(
            update(OutboxMessage)
            .where(
                OutboxMessage.state == OutboxState.SENDING.value,
                OutboxMessage.claimed_at < now - LEASE,
            )
            .values(state=OutboxState.QUEUED.value, claimed_by=None, claimed_at=None)
        )
        return result.rowcount or 0


def claim(engine: Engine, now: datetime, sender: str, limit: int = BATCH) -> list[int]:
    """Claim up to `limit` emails whose time has come, oldest first, for this sender alone."""
    ready = (
        select(OutboxMessage.id)
        .where(OutboxMessage.state == OutboxState.QUEUED.value, OutboxMessage.send_after <= now)
        .order_by(OutboxMessage.send_after, OutboxMessage.id)
        .limit(limit)
    )
    claiming = update(OutboxMessage).values(
        state=OutboxState.SENDING.value, claimed_by=sender, claimed_at=now
    )
    if engine.dialect.name == "postgresql":
        # A CTE runs once: inside `id IN (...)` PostgreSQL may run a LIMIT ... FOR UPDATE
        # subquery again per row and claim far more than `limit` (seen here). SKIP LOCKED:
        # another sender passes over the rows this one is claiming instead of waiting.
        chosen = ready.with_for_update(skip_locked=True).cte("ready")
        claiming = claiming.where(OutboxMessage.id == chosen.c.id)
    else:
        # SQLite has one writer at a time: the UPDATE runs whole before another sender's.
        claiming = claiming.where(
            col(OutboxMessage.id).in_(ready.scalar_subquery()),
            OutboxMessage.state == OutboxState.QUEUED.value,
        )
    with session_scope(engine) as session:
        claimed = session.exec(claiming.returning(OutboxMessage.id)).all()
        return sorted(row[0] for row in claimed)


def _finish(session: Session, message_id: int, sender: str, **values: Any) -> bool:
    """Change a row this sender still holds; False if its claim was lost meanwhile."""
    result = session.exec(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.state == OutboxState.SENDING.value,
            OutboxMessage.claimed_by == sender,
        )
        .values(claimed_by=None, claimed_at=None, **values)
    )
    return bool(result.rowcount)


def mark_sent(session: Session, message: OutboxMessage, sender: str, at: datetime) -> bool:
    """Record that the mail server accepted the email (with an audit event)."""
    # A rater's link holds their form's token: once the mail server has it, the outbox keeps
    # only the page's address (issue 22: tokens are stored as hashes only).
    scrubbed = {"link": message.link.split("?", 1)[0]} if message.rater_form_id else {}
    done = _finish(
        session, message.id, sender, state=OutboxState.SENT.value, sent_at=at,
        attempts=message.attempts + 1, last_error="", **scrubbed,
    )  # fmt: skip
    if done:
        audit.record(
            session, None, "email_sent", f"message {message.id}",
            kind=message.kind, to=f"person {message.recipient_id}",
        )  # fmt: skip
    return done


def retry_delay(attempts: int) -> timedelta:
    """How long to wait before the next try after `attempts` failed ones."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def mark_retry(
    session: Session, message: OutboxMessage, sender: str, now: datetime, error: str
) -> str:
    """A temporary failure: try again after the back-off, or fail after MAX_ATTEMPTS."""
    attempts = message.attempts + 1
    if attempts >= MAX_ATTEMPTS:
        return mark_failed(session, message, sender, f"{error} (gave up after {attempts} tries)")
    _finish(
        session, message.id, sender, state=OutboxState.QUEUED.value, attempts=attempts,
        last_error=error[:1000], send_after=now + retry_delay(attempts),
    )  # fmt: skip
    return OutboxState.QUEUED.value


def mark_failed(
    session: Session, message: OutboxMessage, sender: str, error: str, *, refused: bool = False
) -> str:
    """A failure for good; a refused address is remembered so it is not tried again."""
    if _finish(
        session, message.id, sender, state=OutboxState.FAILED.value,
        attempts=message.attempts + 1, last_error=error[:1000],
    ):  # fmt: skip
        audit.record(
            session, None, "email_failed", f"message {message.id}",
            kind=message.kind, to=f"person {message.recipient_id}", error=error[:200],
        )  # fmt: skip
        if refused:
            profile = session.get(NotificationProfile, message.recipient_id) or (
                NotificationProfile(person_id=message.recipient_id)
            )
            profile.refused_email = message.email
            profile.refused_at = utcnow()
            profile.refused_reason = error[:500]
            session.add(profile)
    return OutboxState.FAILED.value


def mark_cancelled(session: Session, message: OutboxMessage, sender: str, reason: str) -> str:
    """No longer due: done meanwhile, or that kind was turned off."""
    _finish(session, message.id, sender, state=OutboxState.CANCELLED.value, last_error=reason)
    return OutboxState.CANCELLED.value


def postpone(session: Session, message: OutboxMessage, sender: str, until: datetime) -> str:
    """Back to the queue until `until` (the recipient's quiet hours); not an attempt."""
    _finish(session, message.id, sender, state=OutboxState.QUEUED.value, send_after=until)
    return OutboxState.QUEUED.value


def release(session: Session, message_ids: Sequence[int], sender: str) -> None:
    """Hand claimed rows back untouched (the mail server went away before they were tried)."""
    if message_ids:
        session.exec(
            update(OutboxMessage)
            .where(
                col(OutboxMessage.id).in_(list(message_ids)),
                OutboxMessage.state == OutboxState.SENDING.value,
                OutboxMessage.claimed_by == sender,
            )
            .values(state=OutboxState.QUEUED.value, claimed_by=None, claimed_at=None)
        )


# --- what admins see and do -------------------------------------------------------------------


def state_counts(*, session: Session, viewer: Viewer) -> dict[str, int]:
    """How many emails are in each state (admins)."""
    require(viewer, Action.READ_OUTBOX)
    counts = dict(
        session.exec(select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)).all()
    )
    return {state.value: counts.get(state.value, 0) for state in OutboxState}


def messages(
    *,
    session: Session,
    viewer: Viewer,
    states: Sequence[str] = (),
    kinds: Sequence[str] = (),
    search: str = "",
    limit: int = 1000,
) -> pd.DataFrame:
    """Emails in the outbox, newest first, filtered by state, kind and the recipient's name
    or email (admins): OUTBOX_COLUMNS, with people-facing kinds."""
    require(viewer, Action.READ_OUTBOX)
    if not 1 <= limit <= MAX_LISTED:
        raise InvalidInput(_("Limit: show between 1 and {most} emails.").format(most=MAX_LISTED))
    unknown = set(states) - {s.value for s in OutboxState}
    if unknown:
        raise InvalidInput(
            _("State: {states} is not a state of an email.").format(
                states=", ".join(sorted(unknown))
            )
        )
    query = select(
        OutboxMessage.id,
        Person.name,
        OutboxMessage.email,
        OutboxMessage.kind,
        OutboxMessage.state,
        OutboxMessage.subject,
        OutboxMessage.link,
        OutboxMessage.due_at,
        OutboxMessage.send_after,
        OutboxMessage.sent_at,
        OutboxMessage.attempts,
        OutboxMessage.last_error,
    ).join(Person, Person.id == OutboxMessage.recipient_id)
    if states:
        query = query.where(col(OutboxMessage.state).in_(list(states)))
    if kinds:
        query = query.where(col(OutboxMessage.kind).in_(list(kinds)))
    text = search.strip().casefold()
    if text:
        pattern = f"%{text}%"
        query = query.where(
            func.lower(Person.name).like(pattern) | func.lower(OutboxMessage.email).like(pattern)
        )
    rows = session.exec(
        query.order_by(col(OutboxMessage.due_at).desc(), col(OutboxMessage.id).desc()).limit(limit)
    ).all()
    frame = pd.DataFrame([tuple(row) for row in rows], columns=OUTBOX_COLUMNS)
    frame["kind"] = frame["kind"].map(kind_label)
    frame["state"] = frame["state"].map(state_label)
    # Reasons the sender wrote (why an email was not needed) are texts of the catalog; a mail
    # server's own words stay as the server wrote them.
    frame["last_error"] = frame["last_error"].map(lambda text: _(text) if text else text)
    for column in ("due_at", "send_after", "sent_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


def resend(
    *, session: Session, viewer: Viewer, message_id: int, now: datetime | None = None
) -> str:
    """Queue a failed email again now, as if new (admins); a refused address is forgotten,
    since sending again says the address should work now. Returns the recipient's name."""
    require(viewer, Action.READ_OUTBOX)
    message = session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFound(_("No such email."))
    if message.state != OutboxState.FAILED.value:
        raise InvalidInput(
            _("Only a failed email can be sent again; this one is {state}.").format(
                state=state_label(message.state)
            )
        )
    now = now or utcnow()
    message.state = OutboxState.QUEUED.value
    message.attempts = 0
    message.last_error = ""
    message.send_after = now
    session.add(message)
    profile = session.get(NotificationProfile, message.recipient_id)
    if profile is not None and profile.refused_email == message.email:
        profile.refused_email, profile.refused_at, profile.refused_reason = None, None, ""
        session.add(profile)
    audit.record(
        session, viewer.person_id, "email_resent", f"message {message.id}",
        kind=message.kind, to=f"person {message.recipient_id}",
    )  # fmt: skip
    person = session.get(Person, message.recipient_id)
    return person.name if person else ""


def kind_options() -> list[tuple[str, str]]:
    """(kind, label) of every kind, for filters."""
    return [(kind.value, _(info.label)) for kind, info in KINDS.items()]
