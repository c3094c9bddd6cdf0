"""The scheduler's pass (`leadcoach send-due`, and each turn of `leadcoach worker`): queue
every email that is due, then send what the outbox holds whose time has come.

A pass is idempotent and safe to run from several places at once (cron on two servers, a
worker beside cron): queueing relies on the outbox's unique key, sending on claims.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine, and_
from sqlmodel import Session, col, select

from leadcoach.instrument import bank
from leadcoach.messaging import due, hours, mailer, outbox, preferences, rater_emails
from leadcoach.messaging.kinds import Kind
from leadcoach.messaging.templates import templates
from leadcoach.platform import i18n
from leadcoach.platform.config import Settings
from leadcoach.platform.db import session_scope
from leadcoach.platform.i18n import N_
from leadcoach.platform.models import (
    AssessmentDraft,
    CoachingNote,
    CohortRound,
    DevelopmentGoal,
    GoalCheckIn,
    GoalStatus,
    NotificationPreference,
    NotificationProfile,
    OutboxMessage,
    OutboxState,
    Person,
    Submission,
    utcnow,
)
from leadcoach.programmes import feedback_rounds


def sender_name() -> str:
    """Who holds a claim: host, process and a random part (two passes of one process differ)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class PassReport:
    """What one pass did."""

    found: int = 0  # emails due (before people's choices)
    queued: int = 0  # new in the outbox
    outcomes: Counter = field(default_factory=Counter)  # sent, queued (retry), failed, ...
    waiting: int = 0  # in the outbox, not yet sent (quiet hours, retries, no mail server)
    server_problem: str | None = None  # why sending stopped early, if it did

    @property
    def sent(self) -> int:
        return self.outcomes[OutboxState.SENT.value]

    def summary(self, smtp_configured: bool) -> str:
        """One line for the command line and the worker's log."""
        text = f"Found {self.found} due, queued {self.queued} new."
        if smtp_configured:
            parts = [
                f"sent {self.sent}",
                f"to retry {self.outcomes['retry']}",
                f"failed {self.outcomes[OutboxState.FAILED.value]}",
                f"no longer needed {self.outcomes[OutboxState.CANCELLED.value]}",
                f"held for quiet hours {self.outcomes['postponed']}",
            ]
            text += " " + ", ".join(parts).capitalize() + "."
        text += f" {self.waiting} wait in the outbox."
        if not smtp_configured:
            text += (
                " No mail server is set (LEADCOACH_SMTP_HOST), so nothing is sent; admins "
                "see the emails and their links on the Outbox page."
            )
        if self.server_problem:
            text += f" Sending stopped: {self.server_problem}."
        return text


def queue_due(
    engine: Engine, settings: Settings, instrument: bank.Instrument, now: datetime
) -> outbox.QueueReport:
    """Find everyone due at `now` and queue their emails, in one transaction."""
    with session_scope(engine) as session:
        report = outbox.queue(session, due.due(session, now, settings, instrument), settings, now)
        # issue 22: close 360 rounds past their day, then invite and remind their raters.
        feedback_rounds.close_due_rounds(session=session, today=now.date(), now=now)
        raters = rater_emails.queue_rater_emails(session, settings, now)
        return outbox.QueueReport(report.due + raters, report.queued + raters, report.skipped)


def _submitted_since(session: Session, person_id: int, since: datetime, until=None) -> bool:
    query = select(Submission.id).where(
        Submission.person_id == person_id,
        Submission.relation == "self",
        Submission.submitted_at > since,
    )
    if until is not None:
        query = query.where(Submission.submitted_at < until)
    return session.exec(query.limit(1)).first() is not None


def _not_needed(
    session: Session,
    message: OutboxMessage,
    values: dict,
    organisation: dict[Kind, bool],
    chosen: bool | None,
) -> str | None:
    """Why a queued email should not go out any more, or None: each kind re-checks what made
    it due, so a reminder never arrives after the thing was done. The reason is kept in English
    (a text of the catalog: the outbox page shows it in its reader's language). `chosen` is the
    person's own choice for the kind (None: never chosen, so on)."""
    kind = Kind(message.kind)
    person_id = message.recipient_id
    if not organisation[kind]:
        return N_("this kind of email was turned off for everyone")
    if chosen is False:
        return N_("the person turned this kind of email off")
    if kind in (Kind.REASSESSMENT_DUE, Kind.REASSESSMENT_OVERDUE):
        if _submitted_since(session, person_id, datetime.fromisoformat(values["since"])):
            return N_("the self-assessment was taken meanwhile")
    elif kind is Kind.DRAFT_LEFT:
        draft = session.get(AssessmentDraft, values["draft_id"])
        if draft is None or draft.submitted_at is not None:
            return N_("the self-assessment was submitted meanwhile")
        if f"{due.aware(draft.updated_at):%Y-%m-%dT%H:%M:%S}" != message.period:
            return N_("the person went on with the self-assessment meanwhile")
    elif kind is Kind.PLAN_CHECK_IN:
        goal = session.get(DevelopmentGoal, values["goal_id"])
        if goal is None or goal.status != GoalStatus.ACTIVE.value:
            return N_("the goal is no longer active")
        since = datetime.fromisoformat(values["since"])
        later = session.exec(
            select(GoalCheckIn.id).where(GoalCheckIn.goal_id == goal.id, GoalCheckIn.at > since)
        ).first()
        if later is not None:
            return N_("a check-in was recorded meanwhile")
    elif kind is Kind.NOTE_SHARED:
        note = session.get(CoachingNote, values["note_id"])
        if note is None or not note.shared:
            return N_("the note is no longer shared")
    elif kind in (Kind.ROUND_OPENS, Kind.ROUND_CLOSES):
        entry = session.get(CohortRound, values["round_id"])
        if entry is None:
            return N_("the round was removed")
        opens = due.midnight(entry.opens_on) - timedelta(microseconds=1)
        until = due.midnight(entry.closes_on + timedelta(days=1))
        if _submitted_since(session, person_id, opens, until):
            return N_("the self-assessment of this round was taken meanwhile")
    return None


@dataclass
class _Ready:
    """A claimed email, checked and rendered, waiting for the mail server."""

    message: OutboxMessage
    mail: object


def _prepare(
    engine: Engine,
    settings: Settings,
    key: bytes,
    claimed: list[int],
    sender: str,
    now: datetime,
    outcomes: Counter,
) -> list[_Ready]:
    """Read a claimed batch in one query, cancel what is no longer needed, hold back what
    would reach someone in their quiet hours, and render the rest (one transaction)."""
    ready = []
    with session_scope(engine) as session:
        organisation = preferences.switches(session)
        rows = session.exec(
            select(OutboxMessage, Person, NotificationPreference.enabled, NotificationProfile)
            .join(Person, Person.id == OutboxMessage.recipient_id, isouter=True)
            .join(
                NotificationPreference,
                and_(
                    NotificationPreference.person_id == OutboxMessage.recipient_id,
                    NotificationPreference.kind == OutboxMessage.kind,
                ),
                isouter=True,
            )
            .join(
                NotificationProfile,
                NotificationProfile.person_id == OutboxMessage.recipient_id,
                isouter=True,
            )
            .where(col(OutboxMessage.id).in_(claimed))
            .order_by(OutboxMessage.id)
        ).all()
        start, end = settings.quiet_hours_start, settings.quiet_hours_end
        for message, person, chosen, profile in rows:
            if message.rater_form_id is not None:  # issue 22: a rater without an account
                item = _prepare_rater(session, settings, message, sender, now, outcomes)
                if item is not None:
                    ready.append(item)
                continue
            if person is None:  # erased meanwhile (erasure deletes their emails too)
                continue
            values = json.loads(message.context or "{}")
            reason = _not_needed(session, message, values, organisation, chosen)
            if reason:
                outcomes[outbox.mark_cancelled(session, message, sender, reason)] += 1
                continue
            if profile is None or not profile.any_hour:
                zone = hours.zone(person.time_zone, settings.default_time_zone)
                allowed = hours.first_allowed(now, zone, start, end)
                if allowed > now:
                    outbox.postpone(session, message, sender, allowed)
                    outcomes["postponed"] += 1
                    continue
            token = preferences.stop_token(key, person.id, message.kind, person.email)
            stop = preferences.stop_link(settings.public_url, token)
            with i18n.using(person.language):  # issue 25: written in the recipient's language
                rendered = templates().render(
                    Kind(message.kind),
                    {"name": person.name, **values, "link": message.link, "stop_link": stop},
                )
            mail = mailer.build(
                settings=settings, message=message, name=person.name, email=person.email,
                rendered=rendered, stop_url=stop, now=utcnow(),
            )  # fmt: skip
            ready.append(_Ready(message, mail))
    return ready


def _prepare_rater(
    session: Session,
    settings: Settings,
    message: OutboxMessage,
    sender: str,
    now: datetime,
    outcomes: Counter,
) -> _Ready | None:
    """A rater's email: cancelled once they answered or declined, held for quiet hours,
    rendered with its own footer (declining on the form is how a rater stops them)."""
    reason = rater_emails.not_needed(session, message)
    if reason:
        outcomes[outbox.mark_cancelled(session, message, sender, reason)] += 1
        return None
    zone = rater_emails.rater_zone(session, message, settings)
    allowed = hours.first_allowed(now, zone, settings.quiet_hours_start, settings.quiet_hours_end)
    if allowed > now:
        outbox.postpone(session, message, sender, allowed)
        outcomes["postponed"] += 1
        return None
    values = json.loads(message.context or "{}")
    with i18n.using(rater_emails.rater_language(session, message)):  # the rater's language
        rendered = templates().render(
            Kind(message.kind), {**values, "link": message.link, "stop_link": message.link}
        )
    mail = mailer.build(
        settings=settings, message=message, name=values.get("rater_name", ""),
        email=message.email, rendered=rendered, stop_url=message.link, now=utcnow(),
    )  # fmt: skip
    return _Ready(message, mail)


def _deliver(
    engine: Engine, sending: mailer.Mailer, item: _Ready, sender: str, now: datetime
) -> tuple[str, mailer.SendFailure | None]:
    """Hand one email to the mail server and record the outcome in its own commit."""
    message = item.message
    try:
        sending.send(item.mail)
    except mailer.SendFailure as failure:
        with session_scope(engine) as session:
            if failure.permanent:
                outcome = outbox.mark_failed(
                    session, message, sender, str(failure), refused=failure.refused
                )
            else:
                outcome = outbox.mark_retry(session, message, sender, now, str(failure))
                outcome = "retry" if outcome == OutboxState.QUEUED.value else outcome
        return outcome, failure
    with session_scope(engine) as session:
        outbox.mark_sent(session, message, sender, utcnow())
    return OutboxState.SENT.value, None


def send_queued(
    engine: Engine,
    settings: Settings,
    now: datetime,
    *,
    sender: str | None = None,
    report: PassReport | None = None,
    after_each: Callable[[int, str], None] | None = None,
) -> PassReport:
    """Send every queued email whose time has come, batch by batch, until none is left or
    the mail server goes away (the rest waits for the next pass)."""
    report = report or PassReport()
    sender = sender or sender_name()
    outbox.release_stale(engine, now)
    key = preferences.key_for(engine, settings)
    with mailer.Mailer(settings) as sending:
        while report.server_problem is None:
            claimed = outbox.claim(engine, now, sender)
            if not claimed:
                break
            ready = _prepare(engine, settings, key, claimed, sender, now, report.outcomes)
            for index, item in enumerate(ready):
                outcome, failure = _deliver(engine, sending, item, sender, now)
                report.outcomes[outcome] += 1
                if after_each is not None:
                    after_each(item.message.id, outcome)
                if failure is not None and failure.connection:
                    report.server_problem = str(failure)
                    rest = [later.message.id for later in ready[index + 1 :]]
                    with session_scope(engine) as session:
                        outbox.release(session, rest, sender)
                    break
    return report


def waiting(engine: Engine) -> int:
    """Emails queued or being sent."""
    states = [OutboxState.QUEUED.value, OutboxState.SENDING.value]
    with session_scope(engine) as session:
        return len(
            session.exec(select(OutboxMessage.id).where(col(OutboxMessage.state).in_(states))).all()
        )


def run_pass(
    engine: Engine,
    settings: Settings,
    instrument: bank.Instrument,
    now: datetime | None = None,
    *,
    sender: str | None = None,
) -> PassReport:
    """One pass: queue what is due, then send what is ready (when a mail server is set)."""
    now = now or utcnow()
    queued = queue_due(engine, settings, instrument, now)
    report = PassReport(found=queued.due, queued=queued.queued)
    if settings.smtp_configured:
        send_queued(engine, settings, now, sender=sender, report=report)
    report.waiting = waiting(engine)
    return report


def work(
    engine: Engine,
    settings: Settings,
    instrument: bank.Instrument,
    *,
    interval_seconds: float,
    stop: threading.Event,
    log: Callable[[str], None] = print,
) -> None:
    """Run a pass every `interval_seconds` until `stop` is set. A pass that fails (the
    database restarting, say) is logged and the loop goes on."""
    sender = sender_name()
    while not stop.is_set():
        started = utcnow()
        try:
            report = run_pass(engine, settings, instrument, sender=sender)
            log(f"{started:%Y-%m-%d %H:%M:%S} UTC: {report.summary(settings.smtp_configured)}")
        except Exception as error:  # the loop must outlive one bad pass
            problem = f"{type(error).__name__}: {error}"
            log(f"{started:%Y-%m-%d %H:%M:%S} UTC: the pass failed: {problem}")
        stop.wait(interval_seconds)
