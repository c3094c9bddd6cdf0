"""In Chromium: a new supervisor takes the assessment across two sessions, submits, and
reads results, growth and plan; the charts fit a laptop and a 390-px phone."""

from __future__ import annotations

import pytest
from sqlmodel import select

from leadcoach.assessment import responses
from leadcoach.demo import email_for
from leadcoach.people.access import load_viewer
from leadcoach.platform.config import Settings
from leadcoach.platform.db import make_engine, session_scope
from leadcoach.platform.models import Person
from tests.e2e.conftest import LAPTOP, PHONE, chart_fits, open_as, screenshot

pytestmark = pytest.mark.e2e


def answer_the_rest_elsewhere(database_url: str, name: str) -> None:
    """What another device does meanwhile: answer every open question of the draft."""
    with session_scope(make_engine(Settings(database_url=database_url))) as session:
        person = session.exec(select(Person).where(Person.email == email_for(name))).one()
        viewer = load_viewer(session=session, person_id=person.id)
        draft_id = responses.current_draft_id(session=session, viewer=viewer, person_id=person.id)
        state = responses.load_draft(session=session, viewer=viewer, draft_id=draft_id)
        for number, (_, item) in enumerate(state.instrument.items_for(state.tags)):
            if item.id not in state.item_answers:
                responses.save_answer(
                    session=session, viewer=viewer, draft_id=draft_id, item_id=item.id,
                    option_id="", value=2 + number % 4,
                )  # fmt: skip
        for _, scenario in state.instrument.scenarios_for(state.tags):
            for number, option in enumerate(scenario.options, 1):
                responses.save_answer(
                    session=session, viewer=viewer, draft_id=draft_id, item_id=scenario.id,
                    option_id=option.id, value=number,
                )  # fmt: skip


def test_a_new_supervisor_takes_the_assessment_and_follows_up(browser, private_server):
    page = open_as(browser, private_server, "Sam Torres", "home")
    page.get_by_text("Take your first self-assessment").wait_for()
    screenshot(page, "journey-1-home-new")

    page.get_by_role("link", name="Start the assessment").click()
    page.get_by_role("button", name="Start the assessment").click()
    page.get_by_role("heading", name="Before you start").wait_for()
    screenshot(page, "journey-2-instructions")
    page.get_by_role("button", name="Next").click()
    page.get_by_role("heading", name="Decisive Judgement & Foresight").wait_for()

    # Answer the first three statements with the keyboard-free path a phone user takes.
    groups = page.get_by_role("radiogroup")
    for index, answer in enumerate(["Often", "Sometimes", "Not applicable / no opportunity"]):
        groups.nth(index).get_by_text(answer, exact=True).click()
        page.get_by_text(f"{index + 1} of").first.wait_for()
    screenshot(page, "journey-3-first-skill")
    page.close()

    # A new session (another tab or device): the same answers, on the same step.
    page = open_as(browser, private_server, "Sam Torres", "assessment")
    page.get_by_role("heading", name="Decisive Judgement & Foresight").wait_for()
    groups = page.get_by_role("radiogroup")
    for index, answer in enumerate(["Often", "Sometimes", "Not applicable / no opportunity"]):
        assert groups.nth(index).get_by_role("radio", name=answer, exact=True).is_checked()
    assert groups.nth(3).get_by_role("radio", checked=True).count() == 0
    page.close()

    answer_the_rest_elsewhere(private_server.database_url, "Sam Torres")
    page = open_as(browser, private_server, "Sam Torres", "assessment")
    page.get_by_role("heading", name="Review and submit").wait_for()
    page.get_by_text("Every question has an answer").wait_for()
    submit = page.get_by_role("button", name="Submit assessment")
    assert submit.is_disabled()
    page.get_by_text("I have reviewed my answers").click()
    submit.click()
    page.get_by_role("heading", name="Your results").wait_for()
    page.get_by_text("Your assessment is submitted").wait_for()
    chart_fits(page)
    screenshot(page, "journey-4-results-new")

    page.get_by_role("link", name="Turn these into your development plan").click()
    page.get_by_role("heading", name="Your development plan").wait_for()
    page.get_by_label("Specific: what will you do differently?").fill(
        "Hold a 10-minute coaching huddle with each agent every week."
    )
    page.get_by_label("Measurable: how will you and your coach see progress?").fill(
        "4 huddles a month in the coaching log"
    )
    page.get_by_role("button", name="Add goal").click()
    page.get_by_text("Goal added for").wait_for()
    screenshot(page, "journey-5-plan")
    page.close()


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
@pytest.mark.parametrize("path", ["results", "growth", "home", "plan"])
def test_pages_of_a_supervisor_with_history_fit_the_screen(browser, demo_server, viewport, path):
    page = open_as(browser, demo_server, "Ana Lima", path, viewport)
    page.get_by_role("heading").first.wait_for()
    if path in {"results", "growth"}:
        chart_fits(page)
    else:
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, f"ana-{path}-{viewport['width']}")
    page.close()
