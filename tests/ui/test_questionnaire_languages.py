"""AppTest (issue 25): the questionnaire in the person's language; the submission records it."""

from __future__ import annotations

from sqlmodel import select

from leadcoach.demo import email_for
from leadcoach.instrument import translations
from leadcoach.platform import i18n
from leadcoach.platform.config import PACKAGE_ROOT
from leadcoach.platform.models import Person, Submission
from tests.ui.conftest import app_signed_in_as
from tests.ui.test_supervisor import (
    ASSESSMENT,
    answer_the_rest,
    button,
    current_instrument,
    db_session,
    draft_of,
    go_to_step,
    open_page,
    own_demo,  # noqa: F401 (a fixture)
    texts,
)


def _set_language(url: str, name: str, language: str | None) -> None:
    with db_session(url) as session:
        person = session.exec(select(Person).where(Person.email == email_for(name))).one()
        person.language = language
        session.add(person)
        session.commit()


def _arabic(text: str) -> str:
    """The interface's Arabic for `text` (the buttons are shown in the person's language)."""
    with i18n.using("ar"):
        return i18n.gettext(text)


def _in(instrument, language: str):
    """The instrument with its texts in `language`, from the shipped translation files."""
    found = translations.load_translations(PACKAGE_ROOT / "assessments", instrument.id)
    return translations.translate(instrument, language, found)


def test_the_questionnaire_is_shown_and_recorded_in_the_persons_language(
    own_demo,  # noqa: F811
    monkeypatch,
):
    instrument = current_instrument()
    arabic = _in(instrument, "ar")
    _set_language(own_demo, "Sam Torres", "ar")
    at = open_page(own_demo, "Sam Torres", ASSESSMENT, monkeypatch)
    assert arabic.title in texts(at)
    # The translators' marking stays in the file: respondents never see it.
    assert "review" not in texts(at).lower() and "fluent" not in texts(at).lower()
    button(at, _arabic("Start the assessment")).click().run()
    assert all(point.label in texts(at) for point in arabic.scale.points)
    button(at, _arabic("Next")).click().run()
    first = arabic.skills[0]
    assert at.header[0].value == first.name
    assert [r.label for r in at.radio] == [item.text for item in first.items]
    assert at.radio[0].options[-1] == arabic.scale.not_applicable_label
    at.radio[0].set_value(4).run()
    # Answers are stored against the same ids as in English: scoring does not change.
    saved = draft_of(own_demo, "Sam Torres")
    assert saved.item_answers == {instrument.skills[0].items[0].id: 4}
    assert saved.instrument.item("DEC1").text == instrument.item("DEC1").text  # frozen: source

    answer_the_rest(own_demo, "Sam Torres")
    review = go_to_step(open_page(own_demo, "Sam Torres", ASSESSMENT, monkeypatch),
                        _arabic("Review and submit"))  # fmt: skip
    review.checkbox[0].check().run()
    button(review, _arabic("Submit assessment")).click().run()
    assert not review.exception, review.exception
    with db_session(own_demo) as session:
        language = session.exec(
            select(Submission.language).where(Submission.draft_id == saved.draft_id)
        ).one()
    assert language == "ar"


def test_norms_and_the_cohort_review_say_when_they_pool_languages(demo_url, monkeypatch):
    results = open_page(demo_url, "Ana Lima", "pages/supervisor/results.py", monkeypatch)
    assert "pool people who answered in different languages" in texts(results)
    review = open_page(demo_url, "Helen Okafor", "pages/hr/review.py", monkeypatch)
    assert "pool people who answered in different languages" in texts(review)


def test_without_a_profile_language_the_questionnaire_follows_the_apps_language(
    own_demo,  # noqa: F811
    monkeypatch,
):
    # Sam's profile names no language: the app is shown in the tab's (the browser's, here
    # chosen in the tab), and the questionnaire follows it rather than staying English.
    instrument = current_instrument()
    french = _in(instrument, "fr")
    _set_language(own_demo, "Sam Torres", None)
    at = app_signed_in_as(own_demo, "Sam Torres", monkeypatch)
    at.session_state["_language_choice"] = "fr"
    at.run()
    at.switch_page(ASSESSMENT).run()
    assert not at.exception, at.exception
    assert french.title in texts(at) and instrument.title not in texts(at)
