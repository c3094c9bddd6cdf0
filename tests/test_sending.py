"""Sending over SMTP to a real server on loopback (aiosmtpd): what arrives, retries with
back-off, refused addresses, a hanging server, a connection dropped mid-email, two senders
at once and a sender killed mid-batch. Nothing is lost and nothing arrives twice."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import unicodedata
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlmodel import select

from leadcoach.messaging import outbox, preferences, scheduler
from leadcoach.messaging.due import Candidate, Recipient
from leadcoach.messaging.kinds import Kind
from leadcoach.people.access import load_viewer
from leadcoach.platform import i18n
from leadcoach.platform.db import session_scope
from leadcoach.platform.models import (
    AuditEvent,
    NotificationProfile,
    OutboxMessage,
    OutboxState,
    Person,
)
from tests import REPO_ROOT
from tests.factories import build_org, keyed_answers, submit
from tests.mail import broken_server, free_port, smtp_server

NOW = datetime(2026, 11, 4, 10, 0, tzinfo=UTC)  # daytime in the default zone (UTC)


@pytest.fixture
def org(engine):
    with session_scope(engine) as session:
        return build_org(session)


def _with_smtp(settings, port: int, **more):
    return settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_security": "none", **more}
    )


def _no_quiet(settings):
    """No quiet hours: for tests on the real clock, whatever the hour they run at."""
    return settings.model_copy(update={"quiet_hours_start": time(0), "quiet_hours_end": time(0)})


def _queue_comments(engine, settings, people: list[int], per_person: int, now=NOW) -> int:
    """Queue `per_person` plan-comment emails for each person (a kind with no re-check)."""
    with session_scope(engine) as session:
        candidates = []
        for person_id in people:
            person = session.get(Person, person_id)
            recipient = Recipient(person.id, person.name, person.email, person.role, None)
            candidates += [
                Candidate(
                    recipient,
                    Kind.PLAN_COMMENT,
                    f"comment:{i}",
                    "new",
                    now,
                    "plan",
                    {"author": "Coach A", "skill": "Delegation"},
                )
                for i in range(per_person)
            ]
        return outbox.queue(session, candidates, settings, now).queued


def _states(engine) -> dict[str, int]:
    with session_scope(engine) as session:
        rows = session.exec(select(OutboxMessage.state)).all()
    return {state: rows.count(state) for state in set(rows)}


def _rows(engine) -> list[OutboxMessage]:
    with session_scope(engine) as session:
        return session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_an_email_arrives_with_its_link_reason_and_a_way_to_stop(engine, settings, org):
    _queue_comments(engine, settings, [org.sup_a1], 1)
    with smtp_server() as sink:
        report = scheduler.send_queued(engine, _with_smtp(settings, sink.port), NOW)
    assert report.sent == 1
    (mail,) = sink.messages
    assert mail["To"] == "Sup A One <sup.a.one@test.example>"
    assert mail["Subject"] == "Coach A commented on your development plan"
    assert mail["Auto-Submitted"] == "auto-generated"
    body = mail.get_content()
    assert "Open LeadCoach: http://localhost:8501/plan" in body
    assert "You get this email because Coach A commented on your goal for Delegation." in body
    stop = body.split("To stop emails like this one, open ")[1].split()[0]
    assert mail["List-Unsubscribe"] == f"<{stop}>"
    token = stop.split("stop=")[1]
    with session_scope(engine) as session:
        done = preferences.unsubscribe(session=session, settings=settings, token=token)
        assert (done.person_id, done.kind) == (org.sup_a1, Kind.PLAN_COMMENT)
        sent = session.exec(select(AuditEvent).where(AuditEvent.action == "email_sent")).all()
    assert [event.subject for event in sent] == [f"message {_rows(engine)[0].id}"]
    assert _states(engine) == {"sent": 1}


def test_a_refused_connection_is_retried_after_a_back_off_and_then_sent_once(engine, settings, org):
    _queue_comments(engine, settings, [org.sup_a1, org.sup_a2], 2)
    port = free_port()  # nobody listens yet
    configured = _with_smtp(settings, port)
    report = scheduler.send_queued(engine, configured, NOW)
    assert "cannot reach the mail server" in report.server_problem
    first = _rows(engine)
    assert [(r.state, r.attempts) for r in first] == [("queued", 1)] + [("queued", 0)] * 3
    assert first[0].send_after.replace(tzinfo=UTC) == NOW + outbox.FIRST_RETRY
    with smtp_server(port=port) as sink:
        early = scheduler.send_queued(engine, configured, NOW + timedelta(minutes=1))
        later = scheduler.send_queued(engine, configured, NOW + timedelta(minutes=6))
    assert (early.sent, later.sent) == (3, 1)  # the tried one waits out its back-off
    assert sorted(sink.ids()) == sorted(set(sink.ids())) and len(sink.ids()) == 4
    assert _states(engine) == {"sent": 4}


def test_a_refused_address_fails_for_good_is_remembered_and_an_admin_can_send_it_again(
    engine, settings, org
):
    refused = {"sup.a.two@test.example"}
    _queue_comments(engine, settings, [org.sup_a1, org.sup_a2], 1)
    with smtp_server(refuse=lambda a: "550 5.1.1 No such user" if a in refused else None) as sink:
        configured = _with_smtp(settings, sink.port)
        report = scheduler.send_queued(engine, configured, NOW)
        assert (report.sent, report.outcomes["failed"]) == (1, 1)
        failed = next(r for r in _rows(engine) if r.state == "failed")
        assert "550" in failed.last_error and failed.recipient_id == org.sup_a2
        with session_scope(engine) as session:
            profile = session.get(NotificationProfile, org.sup_a2)
            assert profile.refused_email == "sup.a.two@test.example"
        # New emails to the refused address are not even queued.
        assert _queue_comments(engine, settings, [org.sup_a2], 3) == 0
        assert _states(engine) == {"sent": 1, "failed": 1}
        with session_scope(engine) as session:
            admin = load_viewer(session=session, person_id=org.admin)
            outbox.resend(session=session, viewer=admin, message_id=failed.id, now=NOW)
        refused.clear()
        again = scheduler.send_queued(engine, configured, NOW + timedelta(minutes=1))
    assert again.sent == 1
    assert [str(m["To"]) for m in sink.messages] == [
        "Sup A One <sup.a.one@test.example>",
        "Sup A Two <sup.a.two@test.example>",
    ]
    with session_scope(engine) as session:
        actions = set(session.exec(select(AuditEvent.action)).all())
    assert {"email_sent", "email_failed", "email_resent"} <= actions


def test_a_temporary_refusal_is_retried_and_gives_up_after_the_last_attempt(engine, settings, org):
    _queue_comments(engine, settings, [org.sup_a1], 1)
    with smtp_server(on_data=lambda count: "451 4.3.0 Try again later") as sink:
        configured = _with_smtp(settings, sink.port)
        moment = NOW
        for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
            scheduler.send_queued(engine, configured, moment)
            (row,) = _rows(engine)
            assert row.attempts == attempt
            moment = moment + outbox.retry_delay(attempt) + timedelta(seconds=1)
    assert row.state == "failed" and "451" in row.last_error
    assert f"gave up after {outbox.MAX_ATTEMPTS} tries" in row.last_error
    assert sink.messages == []


@pytest.mark.parametrize("behaviour", ["hang", "drop"])
def test_a_hanging_or_dropping_server_loses_nothing_and_sends_nothing_twice(
    engine, settings, org, behaviour
):
    _queue_comments(engine, settings, [org.sup_a1, org.sup_b1], 2)
    with broken_server(behaviour) as port:
        configured = _with_smtp(settings, port, smtp_timeout_seconds=1.0)
        report = scheduler.send_queued(engine, configured, NOW)
    expected = "timed out" if behaviour == "hang" else "connection"
    assert expected in report.server_problem
    assert report.sent == 0
    assert [r.state for r in _rows(engine)] == ["queued"] * 4
    with smtp_server() as sink:
        later = NOW + timedelta(minutes=10)
        scheduler.send_queued(engine, _with_smtp(settings, sink.port), later)
    assert len(sink.ids()) == 4 and len(set(sink.ids())) == 4
    assert _states(engine) == {"sent": 4}


def _send_due(database_url: str, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "LEADCOACH_DATABASE_URL": database_url,
        "LEADCOACH_SMTP_HOST": "127.0.0.1",
        "LEADCOACH_SMTP_PORT": str(port),
        "LEADCOACH_SMTP_SECURITY": "none",
        # The real clock runs in these processes: no quiet hours, whatever the hour.
        "LEADCOACH_QUIET_HOURS_START": "00:00",
        "LEADCOACH_QUIET_HOURS_END": "00:00",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "leadcoach", "send-due"],
        cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def test_two_senders_at_once_never_send_an_email_twice(engine, settings, org):
    people = [org.sup_a1, org.sup_a2, org.sup_b1, org.coach_a, org.hr]
    queued = _queue_comments(engine, _no_quiet(settings), people, 80, now=datetime.now(UTC))
    assert queued == 400
    # 20 ms an email: 400 take one sender 8 s, so the second one starts while it works.
    with smtp_server(delay=0.02) as sink:
        senders = [_send_due(settings.database_url, sink.port) for _ in range(2)]
        for sender in senders:
            _, errors = sender.communicate(timeout=120)
            assert sender.returncode == 0, errors
    assert len(sink.ids()) == 400
    assert len(set(sink.ids())) == 400, "an email arrived twice"
    # Both took part (each SMTP connection is one sender's).
    assert len({peer for peer in sink.peers}) == 2
    assert _states(engine) == {"sent": 400}


def test_a_sender_killed_mid_batch_loses_nothing_and_after_a_restart_sends_nothing_twice(
    engine, settings, org
):
    people = [org.sup_a1, org.sup_a2, org.sup_b1]
    _queue_comments(engine, _no_quiet(settings), people, 20, datetime.now(UTC))  # 60 emails
    victim: list[subprocess.Popen] = []

    def kill_at_the_25th(accepted: int) -> str | None:
        if accepted == 24 and victim:  # before the 25th is accepted
            os.kill(victim.pop().pid, signal.SIGKILL)
            return "451 4.3.0 The sender is gone"
        return None

    with smtp_server(on_data=kill_at_the_25th) as sink:
        victim.append(_send_due(settings.database_url, sink.port))
        process = victim[0]
        process.communicate(timeout=120)
        assert process.returncode == -signal.SIGKILL
        assert len(sink.messages) == 24
        states = _states(engine)
        assert states["sent"] == 24 and states.get("sending", 0) > 0  # a batch left claimed
        configured = _with_smtp(_no_quiet(settings), sink.port)
        now = datetime.now(UTC)
        scheduler.send_queued(engine, configured, now)  # the restart: queued ones go now
        assert _states(engine).get("sending", 0) > 0  # the dead sender's claims wait ...
        scheduler.send_queued(engine, configured, now + outbox.LEASE + timedelta(minutes=1))
    assert _states(engine) == {"sent": 60}  # ... and go out once its lease has run out
    assert len(sink.ids()) == 60 and len(set(sink.ids())) == 60


def test_a_claim_takes_at_most_its_batch_and_two_claims_never_overlap(engine, settings, org):
    """PostgreSQL once ran `id IN (SELECT ... LIMIT 20 FOR UPDATE SKIP LOCKED)` per row and
    claimed a hundred rows at once; the claim is a CTE there now."""
    _queue_comments(engine, settings, [org.sup_a1, org.sup_a2, org.sup_b1], 50)
    first = outbox.claim(engine, NOW, "first")
    second = outbox.claim(engine, NOW, "second")
    assert len(first) == len(second) == outbox.BATCH
    assert not set(first) & set(second)
    with session_scope(engine) as session:
        holders = session.exec(
            select(OutboxMessage.claimed_by).where(OutboxMessage.state == OutboxState.SENDING)
        ).all()
    assert sorted(holders) == ["first"] * outbox.BATCH + ["second"] * outbox.BATCH


# --- issue 25: each email in its recipient's language -----------------------------------------


def _first_strong_direction(line: str) -> str | None:
    """The direction a line takes by Unicode's first-strong rule (UAX #9, rules P2 and P3):
    "rtl" or "ltr" from its first strong letter outside isolates (U+2066-U+2069), None if it
    has none. Plain-text mail clients set each paragraph's direction this way."""
    depth = 0
    for character in line:
        if character in "\u2066\u2067\u2068":
            depth += 1
        elif character == "\u2069":
            depth = max(depth - 1, 0)
        elif depth == 0:
            kind = unicodedata.bidirectional(character)
            if kind in ("R", "AL"):
                return "rtl"
            if kind == "L":
                return "ltr"
    return None


def test_an_email_reaches_each_person_in_their_own_language(engine, settings, org, instrument):
    """Two supervisors are due for their reassessment: the one whose stored language is
    Arabic gets it in Arabic (subject, body, reason, footer; the date in Arabic month names;
    every line reading right to left, names kept in isolates), the other in English; both
    through the real SMTP server."""
    with session_scope(engine) as session:
        for person_id, language in ((org.sup_a1, "ar"), (org.sup_a2, None)):
            person = session.get(Person, person_id)
            person.language = language
            session.add(person)
    answers = keyed_answers(instrument, {})
    assessed = NOW - timedelta(days=91)
    for person_id in (org.sup_a1, org.sup_a2):
        submit(engine, person_id, instrument, answers, assessed)
    with smtp_server() as sink:
        report = scheduler.run_pass(engine, _with_smtp(settings, sink.port), instrument, NOW)
    assert report.sent == 2
    mails = {str(mail["To"]).split(" <")[0]: mail for mail in sink.messages}
    arabic, english = mails["Sup A One"], mails["Sup A Two"]

    assert english["Content-Language"] == "en"
    assert english["Subject"] == "Your next LeadCoach self-assessment is due"
    assert english.get_content().startswith("Hello Sup A Two,")

    assert arabic["Content-Language"] == "ar"
    assert arabic.get_content_type() == "text/plain"  # LeadCoach sends no HTML part
    with i18n.using("ar"):
        subject = i18n.gettext("Your next LeadCoach self-assessment is due")
        written_date = i18n.day(assessed.date(), month="MMMM")
    assert arabic["Subject"] == subject and re.search("[\u0600-\u06ff]", subject)
    body = arabic.get_content()
    assert body.startswith("مرحبًا \u2068Sup A One\u2069،")
    assert written_date in body and "أغسطس" in written_date  # 5 August 2026, in Arabic
    assert "سبب وصول هذه الرسالة إليك:" in body and "http://localhost:8501/assessment" in body
    assert not re.search(r"\b(Hello|You get this email|To stop emails|minutes)\b", body)
    # Every line with words reads right to left: the Latin name and links do not turn it.
    lines = [line for line in body.splitlines() if _first_strong_direction(line)]
    assert lines and all(_first_strong_direction(line) == "rtl" for line in lines), [
        line for line in lines if _first_strong_direction(line) != "rtl"
    ]
