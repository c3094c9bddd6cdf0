"""In Chromium: a new supervisor signs in and takes the whole self-assessment with the keyboard
alone (Tab, Shift+Tab, arrows, Space and Enter; no mouse click), through to submitting it."""

from __future__ import annotations

import re

import pytest

from leadcoach.demo import email_for
from tests.e2e.conftest import LAPTOP, PASSWORD, settled

pytestmark = pytest.mark.e2e

# What has keyboard focus: enough to decide the next key.
FOCUSED = """() => {
    const e = document.activeElement;
    if (!e || e === document.body) return {kind: "none"};
    const label = e.getAttribute("aria-label") || e.labels?.[0]?.innerText
        || e.innerText || "";
    const out = {kind: e.tagName.toLowerCase(), type: e.type || "", label: label.trim()};
    if (e.type === "radio") {
        const group = e.closest("[role=radiogroup]");
        out.answered = !!group?.querySelector("input[type=radio]:checked");
        const box = e.closest("label");
        out.ring = box ? getComputedStyle(box).outlineStyle : "none";
    }
    return out;
}"""
UNANSWERED = """() => [...document.querySelectorAll("[data-testid='stMain'] [role=radiogroup]")]
    .filter(group => !group.querySelector("input[type=radio]:checked")).length"""

TITLE = """() => document.querySelector("[data-testid='stMain'] h2")?.innerText || '-'"""


def focused(page) -> dict:
    return page.evaluate(FOCUSED)


def tab_to(page, wanted, presses: int = 400, key: str = "Tab") -> dict:
    """Press Tab (or Shift+Tab) until the focused element is the one wanted; return it."""
    for _ in range(presses):
        page.keyboard.press(key)
        now = focused(page)
        if wanted(now):
            return now
    raise AssertionError(f"{presses} presses of {key} never reached it; last focus: {now}")


def test_the_whole_assessment_by_keyboard_alone(browser, private_server):
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{private_server.url}/assessment")
    page.get_by_label("Email").wait_for()
    settled(page)
    tab_to(page, lambda f: f["kind"] == "input" and f["label"].startswith("Email"))
    page.keyboard.type(email_for("Sam Torres"))
    tab_to(page, lambda f: f["kind"] == "input" and f["label"].startswith("Password"))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Sign out").wait_for(state="attached")
    settled(page)

    tab_to(page, lambda f: f["kind"] == "button" and f["label"].endswith("Start the assessment"))
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Before you start").wait_for()
    settled(page)
    titles = [page.evaluate(TITLE)]

    rings, answered, steps = set(), 0, 0
    while not page.get_by_role("heading", name="Review and submit").is_visible():
        steps += 1
        assert steps < 40, "the assessment never reached its review"
        # Answer every open question of the step: Tab to it, Space picks the first option,
        # and every other time an arrow moves the choice on (arrows choose in a radio group).
        while page.evaluate(UNANSWERED):
            tab_to(page, lambda f: f["kind"] == "input" and f["type"] == "radio"
                   and not f["answered"])  # fmt: skip
            rings.add(focused(page)["ring"])
            page.keyboard.press("Space")
            if answered % 2:
                page.keyboard.press("ArrowRight")
            answered += 1
            settled(page)
        title = page.evaluate(TITLE)
        tab_to(page, lambda f: f["kind"] == "button" and f["label"].endswith("Next"))
        page.keyboard.press("Enter")
        # The next step is drawn over the old one: wait for its title before reading it.
        page.wait_for_function(f"() => ({TITLE})() !== {title!r}")
        settled(page)
        titles.append(page.evaluate(TITLE))

    assert len(titles) == len(set(titles)), f"a step seen twice: {titles}"
    assert answered > 40
    assert rings == {"solid"}, "a focused answer shows a focus ring"
    # Every answer the radios show reached the server (a save cut off by the next key's
    # rerun once left 1 to 4 of them out on a busy machine).
    shown = page.locator("[data-testid='stMain']").inner_text()
    saved, total = re.search(r"(\d+) of (\d+) answers saved", shown).groups()
    assert saved == total, f"{saved} of {total} answers saved: {shown}"
    page.get_by_text("Every question has an answer").wait_for()
    tab_to(page, lambda f: f["type"] == "checkbox")
    page.keyboard.press("Space")
    settled(page)
    tab_to(page, lambda f: f["kind"] == "button" and f["label"].endswith("Submit assessment"))
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Your results").wait_for()
    page.get_by_text("Your assessment is submitted").wait_for()
    context.close()
