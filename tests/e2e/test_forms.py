"""In Chromium: forms keep what was typed when they refuse it and say what is wrong next to
the field; the sign-in page puts the keyboard in the Email field."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import open_as, settled

pytestmark = pytest.mark.e2e

EMAIL_FOCUSED = "() => document.activeElement?.getAttribute('aria-label') === 'Email'"


def test_the_sign_in_page_opens_with_the_keyboard_in_the_email_field(demo_server, page):
    page.goto(demo_server.url)
    page.get_by_label("Email").wait_for()
    page.wait_for_function(EMAIL_FOCUSED, timeout=60_000)
    page.keyboard.type("ana")  # typing goes straight into it
    assert page.get_by_label("Email").input_value() == "ana"


def test_an_empty_goal_is_refused_next_to_its_field_keeping_what_was_typed(browser, private_server):
    page = open_as(browser, private_server, "Ana Lima", "plan")
    specific = page.get_by_label("Specific: what will you do differently?")
    measurable = page.get_by_label("Measurable: how will you and your coach see progress?")
    measurable.fill("4 huddles a month in the coaching log")
    settled(page)
    page.get_by_role("button", name="Add goal").click()
    error = page.locator("[data-testid='stForm'] [data-testid='stAlertContentError']")
    error.wait_for(timeout=60_000)
    text = error.inner_text()
    assert text.startswith("Specific: what will you do differently?"), text
    assert "Goal:" not in text
    # Right under the goal's own field, above the next one.
    below, field, next_field = (
        error.bounding_box(), specific.bounding_box(), measurable.bounding_box()
    )  # fmt: skip
    assert field["y"] + field["height"] <= below["y"] < next_field["y"], (field, below)
    assert measurable.input_value() == "4 huddles a month in the coaching log"
    assert page.get_by_text("Goal added for").count() == 0

    # Once the goal is added, the form starts empty for the next one.
    specific.fill("Hold a 10-minute coaching huddle with each agent every week.")
    settled(page)
    page.get_by_role("button", name="Add goal").click()
    page.get_by_text("Goal added for").wait_for(timeout=60_000)
    settled(page)
    assert specific.input_value() == "" and measurable.input_value() == ""
    page.context.close()


def test_a_mistyped_name_on_erase_keeps_the_person_and_the_name(browser, private_server):
    page = open_as(browser, private_server, "Helen Okafor", "erase")
    page.get_by_role("heading", name="Erase a person").wait_for()
    settled(page)
    picker = page.get_by_role("combobox", name="Person")
    picker.click()
    picker.fill("Sam Torres")
    page.get_by_role("option", name="Sam Torres").first.click()
    confirm = page.get_by_label("Type their full name to confirm")
    confirm.fill("Sam Torre")
    settled(page)
    page.get_by_role("button", name="Erase permanently").click()
    page.get_by_text("does not match").wait_for(timeout=60_000)
    settled(page)
    assert confirm.input_value() == "Sam Torre"
    assert picker.input_value().startswith("Sam Torres (")

    # Corrected, the erasure goes through, and the form starts empty.
    confirm.fill("Sam Torres")
    settled(page)
    page.get_by_role("button", name="Erase permanently").click()
    page.get_by_text("Erased Sam Torres and their data").wait_for(timeout=60_000)
    settled(page)
    assert picker.input_value() == "" and confirm.input_value() == ""
    page.context.close()
