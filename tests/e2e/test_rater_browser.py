"""Issue 22 in Chromium at 390 px: a rater opens the invitation link received by a real SMTP
server on loopback, answers half, reloads, resumes where they stopped, and sends; the same
link again and a code typed wrongly five times get clear messages, never a traceback; the
supervisor's report shows only once the round has closed.

The rater answers each step as fast as the browser clicks (no wait between statements), then
the test waits for the page to say that many answers are saved: every answer a radio shows
must reach the database even when the next click cuts off the last one's save. The server
runs on a database of its own with just the people the round needs, not the whole demo."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlmodel import select

from leadcoach.instrument import bank
from leadcoach.messaging import scheduler
from leadcoach.people.access import load_viewer
from leadcoach.platform.config import Settings
from leadcoach.platform.db import make_engine, migrate, session_scope
from leadcoach.platform.models import FeedbackRound, Person, Role, Team, TeamCoach
from leadcoach.programmes import feedback_rounds
from tests.e2e.conftest import PHONE, screenshot, settled, sign_in, start_server, stop_server
from tests.factories import PASSWORD, add_person
from tests.mail import smtp_server

pytestmark = pytest.mark.e2e
# The server checks links against the real clock, so the round is open today.
NOW = datetime.now(UTC)
TODAY = NOW.date()
AGENT_EMAIL = "agent.zero@rater.example"


def _organisation(settings: Settings) -> None:
    """The people of the round, as in the demo: Sam Torres and three other supervisors of
    Manila Billing, their coach Daniel Reyes, and Helen Okafor of HR."""
    migrate(settings)
    engine = make_engine(settings)
    with session_scope(engine) as session:
        team = Team(name="Manila Billing", site="Manila", vendor="Horizon BPO")
        session.add(team)
        session.flush()
        for name in ("Sam Torres", "Nina Bautista", "Paolo Reyes", "Rhea Domingo"):
            add_person(session, name, Role.SUPERVISOR, team.id)
        coach = add_person(session, "Daniel Reyes", Role.COACH)
        session.add(TeamCoach(team_id=team.id, coach_id=coach))
        add_person(session, "Helen Okafor", Role.HR)
    engine.dispose()


def _open_round(settings: Settings, instrument: bank.Instrument) -> list[str]:
    """A round for Sam Torres: 3 peers, one agent with email, two with codes; approved by his
    coach. Returns the codes."""
    engine = make_engine(settings)
    with session_scope(engine) as session:
        people = {p.name: p.id for p in session.exec(select(Person))}
        hr = load_viewer(session=session, person_id=people["Helen Okafor"])
        round_id = feedback_rounds.start_round(
            session=session, viewer=hr, supervisor_id=people["Sam Torres"], opens_on=TODAY,
            closes_on=TODAY + timedelta(days=14), instrument=instrument, today=TODAY,
        )  # fmt: skip
        for peer in ("Nina Bautista", "Paolo Reyes", "Rhea Domingo"):
            feedback_rounds.nominate(
                session=session, viewer=hr, round_id=round_id, group="peer",
                settings=settings, person_id=people[peer],
            )  # fmt: skip
        for name, email in (("Agent Zero", AGENT_EMAIL), ("Agent One", None), ("Agent Two", None)):
            feedback_rounds.nominate(
                session=session, viewer=hr, round_id=round_id, group="direct_report",
                settings=settings, name=name, email=email,
            )  # fmt: skip
    with session_scope(engine) as session:
        coach = load_viewer(session=session, person_id=people["Daniel Reyes"])
        codes = feedback_rounds.approve_round(
            session=session, viewer=coach, round_id=round_id, settings=settings, now=NOW
        )
    engine.dispose()
    return [c.code for c in codes]


def _close_round(settings: Settings) -> None:
    """HR closes Sam Torres's round early."""
    engine = make_engine(settings)
    with session_scope(engine) as session:
        people = {p.name: p.id for p in session.exec(select(Person))}
        hr = load_viewer(session=session, person_id=people["Helen Okafor"])
        (round_id,) = session.exec(
            select(FeedbackRound.id).where(FeedbackRound.supervisor_id == people["Sam Torres"])
        ).all()
        feedback_rounds.close_round(session=session, viewer=hr, round_id=round_id)
    engine.dispose()


def _saved(page) -> tuple[int, int]:
    """(answers saved, statements) as the page's progress bar says."""
    text = page.locator("[data-testid='stProgress']").first.inner_text()
    saved, total = re.search(r"(\d+) of (\d+) answers saved", text).groups()
    return int(saved), int(total)


def _answer_step(page, answer: str = "Often") -> int:
    """Answer every statement on the step shown, one click after another as a quick person
    does, then wait until the page says they are all saved; returns how many."""
    saved, total = _saved(page)
    groups = page.locator("[data-testid='stRadio']:visible")
    count = groups.count()
    for index in range(count):
        groups.nth(index).get_by_text(answer, exact=True).click()
    page.wait_for_function(
        """wanted => document.querySelector("[data-testid='stProgress']")
            ?.innerText.includes(wanted)""",
        arg=f"{saved + count} of {total} answers saved",
    )
    settled(page)
    return count


def _next(page) -> None:
    """To the next step, once its heading is drawn and the last step's elements are gone."""
    before = page.locator("h2").first.inner_text()
    page.get_by_role("button", name="Next").click()
    page.wait_for_function(
        "before => document.querySelector('h2')?.innerText !== before", arg=before
    )
    settled(page)
    page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')")


def test_a_rater_answers_by_emailed_link_on_a_phone_resumes_and_sends(tmp_path, browser):
    database_url = f"sqlite:///{tmp_path / 'rater.db'}"
    _organisation(Settings(database_url=database_url))
    server = start_server(database_url, tmp_path / "server.log")
    try:
        settings = Settings(
            database_url=database_url, public_url=server.url, quiet_hours_end=time(0),
            quiet_hours_start=time(0),
        )  # fmt: skip
        instrument = bank.load_bank(settings.assessments_dir).current(settings.instrument_id)
        codes = _open_round(settings, instrument)
        assert len(codes) == 2
        with smtp_server() as sink:
            configured = settings.model_copy(
                update={"smtp_host": "127.0.0.1", "smtp_port": sink.port, "smtp_security": "none"}
            )
            scheduler.run_pass(make_engine(configured), configured, instrument, NOW)
        mail = next(m for m in sink.messages if AGENT_EMAIL in str(m["To"]))
        assert "Sam Torres asks for your feedback" in mail["Subject"]
        link = re.search(r"Open the form: (\S+)", mail.get_content()).group(1)
        assert link.startswith(f"{server.url}/rater?token=")

        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(link)
        page.get_by_role("heading", name="Feedback on Sam Torres").wait_for()
        page.get_by_role("heading", name="Welcome").wait_for()
        settled(page)
        screenshot(page, "rater-welcome-390")
        steps = int(re.search(r"Step 1 of (\d+)", page.content()).group(1))
        skills = steps - 3  # welcome, one per skill, the open questions, send
        answered = 0
        _next(page)
        for _ in range(skills // 2):
            answered += _answer_step(page)
            _next(page)
        screenshot(page, "rater-half-390")
        heading_before = page.locator("h2").first.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        page.reload()
        page.get_by_text(f"{answered} of").first.wait_for()
        settled(page)
        # Resumed at the first step with an unanswered statement, every answer kept.
        assert page.locator("h2").first.inner_text() == heading_before
        assert f"{answered} of" in page.get_by_text("answers saved").first.inner_text()
        for _ in range(skills - skills // 2):
            _answer_step(page, "Sometimes")
            _next(page)
        page.get_by_label("What should this supervisor keep doing?").fill("Calm huddles")
        page.get_by_label("What should this supervisor keep doing?").press("Tab")
        settled(page)
        _next(page)
        page.get_by_text("Every statement has an answer").wait_for()
        page.get_by_role("button", name="Send my feedback").click()
        page.get_by_text("Your feedback is sent").wait_for()
        screenshot(page, "rater-sent-390")

        # The same link again: a clear page, none of the answers.
        page.goto(link)
        page.get_by_text("This feedback has already been sent").wait_for()
        assert page.locator("[data-testid='stRadio']").count() == 0
        assert "Traceback" not in page.content()
        context.close()

        # A code typed wrongly five times on a shared PC: a count-down, then locked.
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(f"{server.url}/rater")
        page.get_by_role("heading", name="Give feedback").wait_for()
        wrong = codes[0][:5] + ("A" if codes[0][5] != "A" else "B") + codes[0][6:]
        seen = [""]
        for _attempt in range(5):
            settled(page)
            page.get_by_label("Your code").fill(wrong)
            page.get_by_role("button", name="Open my form").click()
            # Each try's message differs from the last one's: wait for it, not for the run
            # state, which may still read "not running" just after the click.
            page.wait_for_function(
                """last => {
                    const alert = document.querySelector("[data-testid='stAlert']");
                    return alert && alert.innerText !== last;
                }""",
                arg=seen[-1],
            )
            seen.append(page.locator("[data-testid='stAlert']").first.inner_text())
        seen = seen[1:]
        assert "4 tries left" in seen[0]
        assert "locked" in seen[4] and "5 times" in seen[4]
        screenshot(page, "rater-code-locked-390")
        # The other agent's code still works, on the same PC.
        page.get_by_label("Your code").fill(codes[1].lower())
        page.get_by_role("button", name="Open my form").click()
        page.get_by_role("heading", name="Feedback on Sam Torres").wait_for()
        context.close()

        # Sam Torres sees no report while the round is open, and the report once it closes.
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        page.set_default_timeout(60_000)
        sign_in(page, f"{server.url}/feedback_report", "sam.torres@test.example", PASSWORD)
        page.get_by_text("No feedback round has closed yet").wait_for()
        assert page.get_by_text("People who answered").count() == 0
        _close_round(settings)
        page.wait_for_function("() => document.cookie.includes('leadcoach_sign_in=')")
        page.reload()
        page.get_by_text("Too few answers to show").first.wait_for()
        settled(page)
        # One agent answered: too few to show the group, and it says so (no empty table).
        assert page.get_by_text("No feedback round has closed yet").count() == 0
        page.get_by_text("Nothing can be shown from this round").wait_for()
        assert page.locator("table.lc-table").count() == 0
        screenshot(page, "rater-report-after-close-390")
        context.close()
    finally:
        stop_server(server)
