"""AppTest (issue 22): the 360 rater page, opened with a one-time code and no account, keeps
every answer and comment it shows, even when Streamlit cuts off the callback that saves it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select
from streamlit.runtime.scriptrunner_utils.exceptions import StopException
from streamlit.testing.v1 import AppTest

from leadcoach.assessment import rater_forms
from leadcoach.instrument import bank
from leadcoach.platform.config import PACKAGE_ROOT, Settings
from leadcoach.platform.db import make_engine, migrate, session_scope
from leadcoach.platform.models import RaterAnswer, RaterForm
from leadcoach.programmes import feedback_rounds
from leadcoach.ui import rater_view
from tests.factories import build_org

RATER_PAGE = str(PACKAGE_ROOT / "ui" / "pages" / "rater.py")


@pytest.fixture
def rater_code(tmp_path, monkeypatch) -> tuple[str, str]:
    """A small organisation with a round open today (the page checks the real clock) for
    Sup A One: three peers with email, three agents with codes. Returns (database URL, one
    agent's code); the app reads that database."""
    url = f"sqlite:///{tmp_path / 'rater.db'}"
    settings = Settings(database_url=url)
    migrate(settings)
    instrument = bank.load_bank(settings.assessments_dir).current(settings.instrument_id)
    now = datetime.now(UTC)
    engine = make_engine(settings)
    with session_scope(engine) as session:
        org = build_org(session)
    with session_scope(engine) as session:
        hr = org.viewer(session, org.hr)
        round_id = feedback_rounds.start_round(
            session=session, viewer=hr, supervisor_id=org.sup_a1, opens_on=now.date(),
            closes_on=now.date() + timedelta(days=14), instrument=instrument, today=now.date(),
        )  # fmt: skip
        for group, email in [("peer", "peer{n}@rater.example"), ("direct_report", None)]:
            for n in range(3):
                feedback_rounds.nominate(
                    session=session, viewer=hr, round_id=round_id, group=group,
                    settings=settings, name=f"{group} {n}", email=email and email.format(n=n),
                )  # fmt: skip
    with session_scope(engine) as session:
        codes = feedback_rounds.approve_round(
            session=session, viewer=org.viewer(session, org.coach_a), round_id=round_id,
            settings=settings, now=now,
        )  # fmt: skip
    engine.dispose()
    monkeypatch.setenv("LEADCOACH_DATABASE_URL", url)
    return url, codes[0].code


def _stored(url: str) -> tuple[dict[str, int | None], str | None]:
    """The answers and the "keep doing" comment of the one form that has any."""
    with session_scope(make_engine(Settings(database_url=url))) as session:
        answers = {a.item_id: a.value for a in session.exec(select(RaterAnswer))}
        kept = [f.keep_doing for f in session.exec(select(RaterForm)) if f.keep_doing]
    return answers, (kept[0] if kept else None)


def _cut_off_once(monkeypatch, name: str) -> list[bool]:
    """The next call of rater_forms.<name> stops the run before it stores anything, as a
    newer interaction does at the callback's first session-state access."""
    real, cut = getattr(rater_forms, name), []

    def cut_off(**kwargs):
        if not cut:
            cut.append(True)
            raise StopException()
        return real(**kwargs)

    monkeypatch.setattr(rater_forms, name, cut_off)
    return cut


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def test_a_rater_answer_or_comment_whose_callback_was_cut_off_still_reaches_the_database(
    rater_code, monkeypatch
):
    """Streamlit runs a widget's on_change callback inside the script run, where a newer
    interaction (the next answer, or Next, given while this run was going) stops it with a
    script-control exception, and never calls the callback again. The answer the radio shows
    must be stored all the same (the rater's browser test lost one of its answers this way
    on a busy machine, so its review never said every statement had an answer)."""
    url, code = rater_code
    at = AppTest.from_file(RATER_PAGE, default_timeout=60).run()
    at.text_input[0].input(code)
    _button(at, "Open my form").click().run()
    assert not at.exception, at.exception
    assert at.header[0].value == "Welcome"
    _button(at, "Next").click().run()
    first, second = at.radio[0], at.radio[1]
    # Keys are rater_answer_<form>_<statement>.
    first_item, second_item = (radio.key.split("_", 3)[3] for radio in (first, second))

    cut = _cut_off_once(monkeypatch, "save_rater_answer")
    first.set_value(4).run()  # its callback is cut off before storing
    assert cut and _stored(url)[0] == {}
    at.run()  # the newer interaction's run
    assert not at.exception, at.exception
    assert _stored(url)[0] == {first_item: 4}
    at.radio[1].set_value(rater_view.NOT_OBSERVED).run()  # could not observe
    assert _stored(url)[0] == {first_item: 4, second_item: None}
    assert "2 of" in at.get("progress")[0].proto.text

    # The open questions: a comment typed, its save cut off by Next (the step left, its text
    # box no longer drawn), then the review.
    while at.header[0].value != "In your own words":
        _button(at, "Next").click().run()
    cut = _cut_off_once(monkeypatch, "save_comments")
    at.text_area[0].input("Calm huddles").run()
    assert cut and _stored(url)[1] is None
    at.session_state[rater_view.STEP_KEY] += 1  # what the Next button's callback does
    at.run()
    assert not at.exception, at.exception
    assert at.header[0].value == "Send"
    assert _stored(url)[1] == "Calm huddles"


def test_the_rater_page_reads_in_the_forms_language_not_the_browsers(rater_code):
    """Issue 25: a form sent in French opens in French in an English browser (the page's
    words from the catalog, the form's own texts and statements from the questionnaire's
    French translation); the rater may still choose another language."""
    url, code = rater_code
    with session_scope(make_engine(Settings(database_url=url))) as session:
        for form in session.exec(select(RaterForm)):
            form.language = "fr"
            session.add(form)
    at = AppTest.from_file(RATER_PAGE, default_timeout=60)
    at.context = {"locale": "en-GB"}
    at.run()
    assert at.title[0].value == "Give feedback"  # no form yet: the browser's language
    at.text_input[0].input(code)
    _button(at, "Open my form").click().run()
    assert not at.exception, at.exception
    assert at.header[0].value == "Bienvenue"
    assert at.title[0].value.startswith("Retour sur")
    text = " ".join(m.value for m in at.markdown)
    assert "Pensez aux 3 derniers mois" in text and "Pas pu observer" in text
    chooser = at.selectbox(key="language_chooser")
    assert chooser.value == "fr"
    _button(at, "Suivant").click().run()
    assert "Pas pu observer" in at.radio[0].options
    assert at.radio[0].label.startswith("Quand ")  # the statement's French observer wording
    chooser.select("en").run()  # the rater's own choice wins, and the form records it
    assert not at.exception, at.exception
    assert "Could not observe" in at.radio[0].options
    assert at.radio[0].label.startswith("When ")
    with session_scope(make_engine(Settings(database_url=url))) as session:
        assert "en" in {form.language for form in session.exec(select(RaterForm))}
