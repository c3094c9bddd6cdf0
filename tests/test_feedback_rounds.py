"""Issue 22: 360 rounds, nominations, rater forms opened by link or code, rater emails,
erasure; on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from sqlmodel import select

from leadcoach.assessment import rater_forms
from leadcoach.messaging import rater_emails, scheduler
from leadcoach.people import erasure
from leadcoach.platform.db import session_scope
from leadcoach.platform.errors import AccessDenied, InvalidInput
from leadcoach.platform.models import (
    FeedbackRound,
    FormStatus,
    OutboxMessage,
    OutboxState,
    Person,
    RaterAnswer,
    RaterForm,
    RaterNomination,
    RaterSkillScore,
    RoundStatus,
)
from leadcoach.programmes import feedback_rounds as rounds
from tests.factories import build_org

TODAY = date(2027, 3, 1)
NOW = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def org(engine):
    with session_scope(engine) as session:
        return build_org(session)


def _start(engine, org, settings, instrument, peers=3, agents=3, counterparts=0, emails=True):
    """A round for Sup A One, nominated by them and approved by Coach A; returns
    (round_id, codes)."""
    with session_scope(engine) as session:
        me = org.viewer(session, org.sup_a1)
        round_id = rounds.start_round(
            session=session, viewer=me, supervisor_id=org.sup_a1, opens_on=TODAY,
            closes_on=TODAY + timedelta(days=14), instrument=instrument, today=TODAY,
        )  # fmt: skip
        rounds.nominate(
            session=session, viewer=me, round_id=round_id, group="manager",
            settings=settings, person_id=org.coach_a,
        )  # fmt: skip
        for group, count in (("peer", peers), ("direct_report", agents)):
            for n in range(count):
                email = f"{group}{n}@rater.example" if emails or group == "peer" else None
                rounds.nominate(
                    session=session, viewer=me, round_id=round_id, group=group,
                    settings=settings, name=f"{group.title()} {n}", email=email,
                )  # fmt: skip
        for n in range(counterparts):
            rounds.nominate(
                session=session, viewer=me, round_id=round_id, group="counterpart",
                settings=settings, name=f"Client {n}", email=f"client{n}@client.example",
            )  # fmt: skip
    with session_scope(engine) as session:
        coach = org.viewer(session, org.coach_a)
        codes = rounds.approve_round(
            session=session, viewer=coach, round_id=round_id, settings=settings, now=NOW
        )
    return round_id, codes


def _tokens(engine, settings, now=NOW) -> dict[str, str]:
    """Queue the rater emails and read each link's token (before sending), by address."""
    with session_scope(engine) as session:
        rater_emails.queue_rater_emails(session, settings, now)
        rows = session.exec(
            select(OutboxMessage).where(OutboxMessage.rater_form_id.is_not(None))
        ).all()
        return {
            row.email: parse_qs(urlparse(row.link).query)["token"][0]
            for row in sorted(rows, key=lambda r: r.id)
        }


def _answer_all(engine, token, value=4, now=NOW) -> None:
    """Answer every question, each in its own transaction as the rater page saves them."""
    with session_scope(engine) as session:
        rater_pass = rater_forms.open_by_token(session=session, token=token, now=now)
        state = rater_forms.form_state(session=session, rater_pass=rater_pass, now=now)
    for question in state.questions:
        with session_scope(engine) as session:
            rater_forms.save_rater_answer(
                session=session, rater_pass=rater_pass, item_id=question.item_id, value=value,
                now=now,
            )  # fmt: skip


def test_a_round_from_nomination_to_submitted_forms(engine, org, settings, instrument):
    round_id, codes = _start(engine, org, settings, instrument, counterparts=1)
    assert codes == []  # everyone has an email
    tokens = _tokens(engine, settings)
    # self, manager, 3 peers, 3 agents, 1 counterpart: one invitation each.
    assert len(tokens) == 9
    token = tokens["peer0@rater.example"]
    assert len(token) >= 22  # >= 128 bits in URL-safe base64
    with session_scope(engine) as session:
        stored = session.exec(select(RaterForm.token_hash)).all()
        assert token not in stored and rater_forms.hash_token(token) in stored
        rater_pass = rater_forms.open_by_token(session=session, token=token, now=NOW)
        state = rater_forms.form_state(session=session, rater_pass=rater_pass, now=NOW)
    assert state.supervisor_name == "Sup A One" and state.group == "peer"
    skills = {q.skill_id for q in state.questions}
    assert skills == set(instrument.observable_skills("peer")) - {"REM"}
    assert all("supervisor" in q.text for q in state.questions)
    half = state.questions[: len(state.questions) // 2]
    with session_scope(engine) as session:
        for q in half:
            rater_forms.save_rater_answer(
                session=session, rater_pass=rater_pass, item_id=q.item_id, value=5, now=NOW
            )
        rater_forms.save_rater_answer(
            session=session, rater_pass=rater_pass, item_id=half[0].item_id, value=None, now=NOW
        )
    # Resume: a new visit with the same link finds every answer where it was left.
    with session_scope(engine) as session:
        again = rater_forms.open_by_token(session=session, token=token, now=NOW)
        resumed = rater_forms.form_state(session=session, rater_pass=again, now=NOW)
    assert resumed.answered == len(half)
    assert resumed.answers[half[0].item_id] is None and resumed.answers[half[1].item_id] == 5
    assert resumed.resume_index() == len(half)
    with session_scope(engine) as session:
        rater_forms.save_comments(
            session=session, rater_pass=again, keep_doing="Clear huddles", now=NOW
        )
        rater_forms.submit_rater_form(session=session, rater_pass=again, now=NOW)
    with session_scope(engine) as session:
        form = session.get(RaterForm, again.form_id)
        assert form.status == FormStatus.SUBMITTED.value and form.keep_doing == "Clear huddles"
        scores = session.exec(
            select(RaterSkillScore).where(RaterSkillScore.form_id == form.id)
        ).all()
        assert {s.skill_id for s in scores} == skills
        # The same link again: a clear message, and nothing of the answers.
        with pytest.raises(rater_forms.FormUnavailable) as used:
            rater_forms.open_by_token(session=session, token=token, now=NOW)
    assert used.value.reason == "submitted" and "already been sent" in str(used.value)
    with session_scope(engine) as session:
        progress = rounds.round_progress(
            session=session, viewer=org.viewer(session, org.sup_a1), round_id=round_id
        )
    peer = next(p for p in progress if p.group == "peer")
    assert (peer.asked, peer.answered, peer.declined) == (3, 1, 0)


def test_a_link_opens_only_its_own_form_and_dies_with_the_round(engine, org, settings, instrument):
    round_id, _ = _start(engine, org, settings, instrument)
    tokens = _tokens(engine, settings)
    with session_scope(engine) as session:
        first = rater_forms.open_by_token(
            session=session, token=tokens["peer0@rater.example"], now=NOW
        )
        second = rater_forms.open_by_token(
            session=session, token=tokens["peer1@rater.example"], now=NOW
        )
        assert first.form_id != second.form_id
        for wrong in ("", "x" * 43, tokens["peer0@rater.example"][:-1], "a" * 500):
            with pytest.raises(rater_forms.FormUnavailable) as unknown:
                rater_forms.open_by_token(session=session, token=wrong, now=NOW)
            assert unknown.value.reason == "unknown"
        # A statement the group does not rate is refused (agents do not rate DEL).
        agent = rater_forms.open_by_token(
            session=session, token=tokens["direct_report0@rater.example"], now=NOW
        )
        with pytest.raises(InvalidInput):
            rater_forms.save_rater_answer(
                session=session, rater_pass=agent, item_id="DEL1", value=3, now=NOW
            )
    after_close = datetime.combine(TODAY + timedelta(days=15), datetime.min.time(), UTC)
    with session_scope(engine) as session:
        with pytest.raises(rater_forms.FormUnavailable) as late:
            rater_forms.open_by_token(
                session=session, token=tokens["peer0@rater.example"], now=after_close
            )
        assert late.value.reason == "expired"
        assert rounds.close_due_rounds(session=session, today=after_close.date()) == 1
        assert session.get(FeedbackRound, round_id).status == RoundStatus.CLOSED.value
    with session_scope(engine) as session:
        with pytest.raises(rater_forms.FormUnavailable) as closed:
            rater_forms.save_rater_answer(
                session=session, rater_pass=first, item_id="COM1", value=3, now=NOW
            )
        assert closed.value.reason == "expired"


def test_a_code_opens_the_form_and_locks_after_five_wrong_tries(engine, org, settings, instrument):
    _, codes = _second_round_codes(engine, org, settings, instrument)
    code = codes[0].code
    assert len(rater_forms.normalise_code(code)) == 10
    rater_pass = rater_forms.try_code(engine=engine, code=code.lower().replace("-", " "), now=NOW)
    wrong = code[:5] + ("A" if code[5] != "A" else "B") + code[6:]
    messages = []
    for _ in range(5):
        with pytest.raises(rater_forms.FormUnavailable) as raised:
            rater_forms.try_code(engine=engine, code=wrong, now=NOW)
        messages.append(str(raised.value))
    assert "4 tries left" in messages[0] and "1 try left" in messages[3]
    assert "locked" in messages[4] and "5 times" in messages[4]
    # Locked: even the right code is refused now, with the same clear message.
    with pytest.raises(rater_forms.FormUnavailable) as locked:
        rater_forms.try_code(engine=engine, code=code, now=NOW)
    assert locked.value.reason == "locked"
    with session_scope(engine) as session:
        form = session.get(RaterForm, rater_pass.form_id)
        assert form.failed_attempts == 5 and form.locked_at is not None
        # The coach hands over a new code; it works at once.
        nomination_id = form.nomination_id
        fresh = rounds.reissue_code(
            session=session, viewer=org.viewer(session, org.coach_a), nomination_id=nomination_id
        )
    assert rater_forms.try_code(engine=engine, code=fresh.code, now=NOW).form_id == form.id
    with pytest.raises(rater_forms.FormUnavailable) as unknown:
        rater_forms.try_code(engine=engine, code="ZZZZ-ZZZZZZ", now=NOW)
    assert unknown.value.reason == "wrong_code"
    with pytest.raises(rater_forms.FormUnavailable) as short:
        rater_forms.try_code(engine=engine, code="abc", now=NOW)
    assert "10 letters and digits" in str(short.value)


def _second_round_codes(engine, org, settings, instrument):
    """A round for Sup A Two whose agents have no email: the approval returns their codes."""
    with session_scope(engine) as session:
        me = org.viewer(session, org.sup_a2)
        round_id = rounds.start_round(
            session=session, viewer=me, supervisor_id=org.sup_a2, opens_on=TODAY,
            closes_on=TODAY + timedelta(days=14), instrument=instrument, today=TODAY,
        )  # fmt: skip
        for n in range(3):
            rounds.nominate(
                session=session, viewer=me, round_id=round_id, group="peer", settings=settings,
                name=f"Peer {n}", email=f"p{n}@two.example",
            )  # fmt: skip
            rounds.nominate(
                session=session, viewer=me, round_id=round_id, group="direct_report",
                settings=settings, name=f"Agent {n}",
            )  # fmt: skip
    with session_scope(engine) as session:
        codes = rounds.approve_round(
            session=session, viewer=org.viewer(session, org.coach_a), round_id=round_id,
            settings=settings, now=NOW,
        )  # fmt: skip
    assert [c.name for c in codes] == ["Agent 0", "Agent 1", "Agent 2"]
    return round_id, codes


def test_nominations_follow_the_rules_and_the_policy(engine, org, settings, instrument):
    with session_scope(engine) as session:
        me = org.viewer(session, org.sup_a1)
        round_id = rounds.start_round(
            session=session, viewer=me, supervisor_id=org.sup_a1, opens_on=TODAY,
            closes_on=TODAY + timedelta(days=7), instrument=instrument, today=TODAY,
        )  # fmt: skip
        with pytest.raises(InvalidInput, match="already has a feedback round"):
            rounds.start_round(
                session=session, viewer=me, supervisor_id=org.sup_a1, opens_on=TODAY,
                closes_on=TODAY + timedelta(days=7), instrument=instrument, today=TODAY,
            )  # fmt: skip
        with pytest.raises(InvalidInput, match="not an email"):
            rounds.nominate(
                session=session, viewer=me, round_id=round_id, group="peer", settings=settings,
                name="Bad", email="not-an-address",
            )  # fmt: skip
        with pytest.raises(InvalidInput, match="own view"):
            rounds.nominate(
                session=session, viewer=me, round_id=round_id, group="peer", settings=settings,
                person_id=org.sup_a1,
            )  # fmt: skip
        rounds.nominate(
            session=session, viewer=me, round_id=round_id, group="peer", settings=settings,
            person_id=org.sup_a2,
        )  # fmt: skip
        with pytest.raises(InvalidInput, match="already on the list"):
            rounds.nominate(
                session=session, viewer=me, round_id=round_id, group="peer", settings=settings,
                name="Again", email="sup.a.two@test.example",
            )  # fmt: skip
        # Another supervisor and a coach of another team may not touch this round.
        other = org.viewer(session, org.sup_b1)
        with pytest.raises(AccessDenied):
            rounds.nominate(
                session=session, viewer=other, round_id=round_id, group="peer",
                settings=settings, name="X", email="x@x.example",
            )  # fmt: skip
        # The supervisor cannot approve their own list; too few peers block approval.
        with pytest.raises(AccessDenied):
            rounds.approve_round(session=session, viewer=me, round_id=round_id, settings=settings)
        coach = org.viewer(session, org.coach_a)
        with pytest.raises(InvalidInput, match="at least 3"):
            rounds.approve_round(
                session=session, viewer=coach, round_id=round_id, settings=settings
            )


def test_a_rater_asked_too_often_is_flagged_before_approval(engine, org, settings, instrument):
    busy = "busy.peer@rater.example"
    strict = settings.model_copy(update={"rater_fatigue_limit": 1})
    with session_scope(engine) as session:
        ids = []
        for supervisor in (org.sup_a1, org.sup_a2):
            me = org.viewer(session, supervisor)
            round_id = rounds.start_round(
                session=session, viewer=me, supervisor_id=supervisor, opens_on=TODAY,
                closes_on=TODAY + timedelta(days=7), instrument=instrument, today=TODAY,
            )  # fmt: skip
            rounds.nominate(
                session=session, viewer=me, round_id=round_id, group="peer", settings=strict,
                name="Busy Peer", email=busy,
            )  # fmt: skip
            rounds.nominate(
                session=session, viewer=me, round_id=round_id, group="peer", settings=strict,
                name="Calm Peer", email=f"calm{supervisor}@rater.example",
            )  # fmt: skip
            ids.append(round_id)
        rows = rounds.nominations(
            session=session, viewer=org.viewer(session, org.coach_a), round_id=ids[0],
            settings=strict,
        )  # fmt: skip
    flags = {r.email: (r.asked_recently, r.fatigued) for r in rows}
    assert flags[busy] == (2, True)
    assert flags["calm" + str(org.sup_a1) + "@rater.example"] == (1, False)


def test_declining_closes_the_form_and_stops_reminders(engine, org, settings, instrument):
    _start(engine, org, settings, instrument)
    tokens = _tokens(engine, settings)
    with session_scope(engine) as session:
        rater_pass = rater_forms.open_by_token(
            session=session, token=tokens["peer1@rater.example"], now=NOW
        )
        rater_forms.save_rater_answer(
            session=session, rater_pass=rater_pass, item_id="COM1", value=2, now=NOW
        )
    with session_scope(engine) as session:
        rater_forms.decline_form(session=session, rater_pass=rater_pass, now=NOW)
    _answer_all(engine, tokens["peer2@rater.example"])
    with session_scope(engine) as session:
        rater_forms.submit_rater_form(
            session=session,
            rater_pass=rater_forms.open_by_token(
                session=session, token=tokens["peer2@rater.example"], now=NOW
            ),
            now=NOW,
        )
    with session_scope(engine) as session:
        assert not session.exec(
            select(RaterAnswer).where(RaterAnswer.form_id == rater_pass.form_id)
        ).all()
        with pytest.raises(rater_forms.FormUnavailable) as declined:
            rater_forms.open_by_token(session=session, token=tokens["peer1@rater.example"])
        assert declined.value.reason == "declined"
    # Five days later, reminders go to the raters who have not answered, and only to them.
    later = NOW + timedelta(days=settings.rater_reminder_days + 1)
    with session_scope(engine) as session:
        rater_emails.queue_rater_emails(session, settings, later)
        reminded = set(
            session.exec(
                select(OutboxMessage.email).where(OutboxMessage.kind == "rater_reminder")
            ).all()
        )
    assert "peer1@rater.example" not in reminded and "peer2@rater.example" not in reminded
    assert "peer0@rater.example" in reminded and len(reminded) == 8 - 2
    # The reminder's link works, and so does the invitation's.
    reminder_tokens = _tokens(engine, settings, later)  # newest link per address
    with session_scope(engine) as session:
        for token in (reminder_tokens["peer0@rater.example"], tokens["peer0@rater.example"]):
            rater_forms.open_by_token(session=session, token=token, now=later)


def test_rater_emails_reach_the_smtp_server_and_the_outbox_forgets_the_token(
    engine, org, settings, instrument
):
    from tests.mail import smtp_server

    _start(engine, org, settings, instrument)
    with smtp_server() as sink:
        configured = settings.model_copy(
            update={"smtp_host": "127.0.0.1", "smtp_port": sink.port, "smtp_security": "none"}
        )
        report = scheduler.run_pass(engine, configured, instrument, NOW.replace(hour=12))
    assert report.sent == 8  # self, manager, 3 peers, 3 agents
    to = {m["To"].addresses[0].addr_spec: m for m in sink.messages}
    mail = to["peer0@rater.example"]
    assert "Sup A One asks for your feedback" in mail["Subject"]
    body = mail.get_content()
    link = next(w for w in body.split() if "/rater?token=" in w)
    assert "Decline" in body and "Notifications" not in body
    with session_scope(engine) as session:
        rows = session.exec(select(OutboxMessage).where(OutboxMessage.rater_form_id.is_not(None)))
        for row in rows:
            assert row.state == OutboxState.SENT.value and "token" not in row.link
        token = parse_qs(urlparse(link).query)["token"][0]
        rater_forms.open_by_token(session=session, token=token, now=NOW)


def test_erasing_a_rater_erases_their_forms_and_answers(engine, org, settings, instrument):
    _start(engine, org, settings, instrument)
    tokens = _tokens(engine, settings)
    _answer_all(engine, tokens["sup.a.one@test.example"])  # the supervisor's own view
    _answer_all(engine, tokens["coach.a@test.example"])  # the manager, a LeadCoach person
    with session_scope(engine) as session:
        hr = org.viewer(session, org.hr)
        coach = session.get(Person, org.coach_a)
        report = erasure.erase_person(
            session=session, viewer=hr, person_id=coach.id, confirm_name=coach.name
        )
        assert report.counts["rater_forms"] == 1 and report.counts["rater_answers"] > 0
        assert "360 feedback form" in report.described()
    with session_scope(engine) as session:
        groups = session.exec(select(RaterForm.rater_group)).all()
        assert "manager" not in groups and len(groups) == 7
        report = erasure.erase_person(
            session=session, viewer=org.viewer(session, org.hr), person_id=org.sup_a1,
            confirm_name="Sup A One",
        )  # fmt: skip
    with session_scope(engine) as session:
        for table in (FeedbackRound, RaterNomination, RaterForm, RaterAnswer, RaterSkillScore):
            assert session.exec(select(table)).all() == [], table.__name__
        assert not session.exec(
            select(OutboxMessage).where(OutboxMessage.rater_form_id.is_not(None))
        ).all()


def test_twenty_raters_submitting_at_once_lose_nothing(engine, org, settings, instrument):
    wide = settings.model_copy(update={"max_raters": 25})
    _start(engine, org, wide, instrument, peers=20, agents=3)
    tokens = [t for email, t in _tokens(engine, wide).items() if email.startswith("peer")]
    assert len(tokens) == 20
    errors: list[BaseException] = []
    barrier = threading.Barrier(20)

    def rater(token: str, value: int) -> None:
        try:
            barrier.wait(timeout=60)
            _answer_all(engine, token, value=value)
            with session_scope(engine) as session:
                rater_pass = rater_forms.open_by_token(session=session, token=token, now=NOW)
                rater_forms.save_comments(
                    session=session, rater_pass=rater_pass, do_differently=f"note {value}",
                    now=NOW,
                )  # fmt: skip
                rater_forms.submit_rater_form(session=session, rater_pass=rater_pass, now=NOW)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=rater, args=(t, 1 + i % 5)) for i, t in enumerate(tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors
    with session_scope(engine) as session:
        forms = session.exec(select(RaterForm).where(RaterForm.rater_group == "peer")).all()
        assert len(forms) == 20 and all(f.status == FormStatus.SUBMITTED.value for f in forms)
        ids = [f.id for f in forms]
        per_form = len(
            [s for s in instrument.observable_skills("peer") if s != "REM"]
        )  # Sup A One has no remote team
        items = len(rater_forms.questions_for(instrument, "peer", session.get(Person, org.sup_a1)))
        answers = session.exec(select(RaterAnswer).where(RaterAnswer.form_id.in_(ids))).all()
        assert len(answers) == 20 * items
        scores = session.exec(select(RaterSkillScore).where(RaterSkillScore.form_id.in_(ids))).all()
        assert len(scores) == 20 * per_form and all(s.score is not None for s in scores)
        assert sorted(f.do_differently for f in forms) == sorted(
            f"note {1 + i % 5}" for i in range(20)
        )


def test_autosaves_leave_the_data_version_alone_and_a_submit_moves_it(
    engine, org, settings, instrument
):
    from leadcoach.platform.models import DataVersion

    _start(engine, org, settings, instrument)
    token = _tokens(engine, settings)["peer0@rater.example"]

    def version() -> int:
        with session_scope(engine) as session:
            return session.get(DataVersion, 1).counter

    with session_scope(engine) as session:
        rater_pass = rater_forms.open_by_token(session=session, token=token, now=NOW)
    for item_id in ("COM1", "COM2"):  # the first answer starts the form
        with session_scope(engine) as session:
            rater_forms.save_rater_answer(
                session=session, rater_pass=rater_pass, item_id=item_id, value=4, now=NOW
            )
    before = version()
    for item_id, value in (("COM3", 2), ("COM1", 5)):
        with session_scope(engine) as session:
            rater_forms.save_rater_answer(
                session=session, rater_pass=rater_pass, item_id=item_id, value=value, now=NOW
            )
    with session_scope(engine) as session:
        rater_forms.save_comments(session=session, rater_pass=rater_pass, keep_doing="x", now=NOW)
    assert version() == before
    with session_scope(engine) as session:
        rater_forms.submit_rater_form(session=session, rater_pass=rater_pass, now=NOW)
    assert version() > before


def test_a_rater_scores_a_skill_with_half_its_statements_answered_not_fewer(instrument):
    """Issue 22, item 5: "a rater counts for a skill only when they answered at least half
    its items" (not the self-questionnaire's two thirds). Decisions has six statements, and
    without the vendor tag Delegation has four applicable; "could not observe" is no answer."""
    decisions = [item.id for item in instrument.skill("DEC").items]
    delegation = [i.id for i in instrument.skill("DEL").items if i.applies_to is None]
    assert (len(decisions), len(delegation)) == (6, 4)

    def scores(answers):
        rows = rater_forms.score_rows(instrument, 1, "peer", None, answers)
        return {row.skill_id: (row.score, row.answered, row.applicable) for row in rows}

    # 3 is the scale's middle, reverse-keyed or not: POMP 50.
    half = {**dict.fromkeys(decisions[:3], 3), decisions[3]: None,
            **dict.fromkeys(delegation[:2], 3)}  # fmt: skip
    got = scores(half)
    assert got["DEC"] == (50.0, 3, 6) and got["DEL"] == (50.0, 2, 4)
    fewer = {**dict.fromkeys(decisions[:2], 3), decisions[2]: None, delegation[0]: 3}
    got = scores(fewer)
    assert got["DEC"] == (None, 2, 6) and got["DEL"] == (None, 1, 4)
