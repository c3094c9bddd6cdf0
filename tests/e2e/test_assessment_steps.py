"""In Chromium: moving between the assessment's steps lands at the new step's title, with
keyboard focus on it, however far down the Next button was."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import LAPTOP, PHONE, open_as, settled

pytestmark = pytest.mark.e2e

MAIN_SCROLL = "document.querySelector(\"[data-testid='stMain']\").scrollTop"
# The step's title is focused and the page is back at its top; a function so that the wait
# is on the condition itself, not on a fixed delay.
AT_TITLE = """title => {
    const focused = document.activeElement;
    const main = document.querySelector("[data-testid='stMain']");
    return focused && focused.tagName === "H2" && focused.textContent.trim() === title
        && main.scrollTop === 0;
}"""


def heading_titles(page) -> str:
    return page.locator("[data-testid='stMain'] h2").first.inner_text()


def open_the_assessment(page) -> None:
    """Wait for the assessment page; start the assessment when it has not been yet."""
    start = page.get_by_role("button", name="Start the assessment")
    start.or_(page.get_by_role("button", name="Next")).first.wait_for()
    if start.is_visible():
        start.click()
        page.get_by_role("heading", name="Before you start").wait_for()
    settled(page)


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_next_opens_the_new_step_at_its_title_with_focus_on_it(browser, private_server, viewport):
    page = open_as(browser, private_server, "Sam Torres", "assessment", viewport)
    open_the_assessment(page)

    # With the mouse, then with the keyboard (Enter on the focused Next button).
    for by_keyboard in (False, True, False):
        settled(page)
        before = heading_titles(page)
        forward = page.get_by_role("button", name="Next")
        forward.scroll_into_view_if_needed()
        if by_keyboard:
            forward.focus()
            page.keyboard.press("Enter")
        else:
            forward.click()
        page.wait_for_function(
            "before => document.querySelector(\"[data-testid='stMain'] h2\")"
            "?.textContent.trim() !== before",
            arg=before,
            timeout=60_000,
        )
        title = heading_titles(page)
        page.wait_for_function(AT_TITLE, arg=title, timeout=60_000)
        box = page.get_by_role("heading", name=title).bounding_box()
        assert 0 <= box["y"] < viewport["height"], f"{title!r} is out of view: {box}"
    page.context.close()


def test_answering_a_question_leaves_focus_and_scroll_where_they_are(browser, private_server):
    page = open_as(browser, private_server, "Sam Torres", "assessment")
    open_the_assessment(page)
    groups = page.get_by_role("radiogroup")
    if groups.count() == 0:  # still on the instructions: go to the first skill
        page.get_by_role("button", name="Next").click()
        groups.first.wait_for()
        settled(page)
    last = groups.last
    last.scroll_into_view_if_needed()
    scrolled = page.evaluate(MAIN_SCROLL)
    radio = last.get_by_role("radio").nth(2)
    last.get_by_text("Sometimes", exact=True).click()
    page.wait_for_function("radio => radio.checked", arg=radio.element_handle())
    settled(page)
    assert page.evaluate(MAIN_SCROLL) == scrolled
    assert page.evaluate("document.activeElement.tagName") != "H2"
    page.context.close()
