"""In Chromium: a coach reads their teams, opens a person, writes a note and compares;
every page fits a laptop and a 390-px phone."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import LAPTOP, PHONE, chart_fits, open_as, screenshot, settled, walk

pytestmark = pytest.mark.e2e


def test_a_coach_finds_where_to_coach_opens_a_person_and_writes_a_note(browser, private_server):
    page = open_as(browser, private_server, "Priya Shah", "team")
    page.get_by_role("heading", name="Where coaching is needed most").wait_for()
    chart_fits(page)
    assert page.get_by_text("Maria Santos").count() == 0, "another coach's person"
    settled(page)
    screenshot(page, "coach-1-team")
    # The heatmap's numbers as a table, one row per person of the coach's teams.
    page.get_by_text("The same numbers as a table").click()
    table = page.locator("[data-testid='stExpander'] table").first
    table.get_by_role("columnheader", name="Person").wait_for()
    assert table.get_by_role("cell", name="Ben Carter", exact=True).count() == 1
    assert table.get_by_role("cell", name="Maria Santos", exact=True).count() == 0
    screenshot(page, "coach-1-team-table")
    page.get_by_text("The same numbers as a table").click()

    # From the overview to one person, without reloading (the session stays signed in).
    # Picked with the keyboard in the person picker, then opened by its link.
    page.get_by_role("combobox", name="Open a person's results, growth, plan and notes").click()
    page.keyboard.type("Ben Carter")
    page.keyboard.press("Enter")
    settled(page)
    page.get_by_role("link", name="Open Ben Carter").click()
    settled(page)
    screenshot(page, "coach-2-opened")
    page.get_by_role("tab", name="Results").wait_for()
    page.get_by_role("heading", name="Skill profile").wait_for()
    screenshot(page, "coach-2-person")
    page.get_by_role("tab", name="Notes").click()
    page.get_by_label("New coaching note").fill("Calm in the outage; next: delegate the rota.")
    page.get_by_role("button", name="Save note").click()
    page.get_by_text("Note saved.").wait_for()
    page.get_by_text("Calm in the outage; next: delegate the rota.").wait_for()
    screenshot(page, "coach-3-notes")

    page.get_by_role("link", name="Compare").click()
    page.get_by_role("heading", name="Compare").wait_for()
    page.get_by_text("A team and the organisation").click()
    page.locator("[data-testid='stVegaLiteChart']").first.wait_for()
    chart_fits(page)
    screenshot(page, "coach-4-compare")
    page.close()


def test_coach_pages_fit_the_screen(browser, demo_server):
    """Each chart page of a coach, on a laptop and on a phone (the same page made narrow)."""
    pages = ["team", "person", "compare"]
    for page, path, viewport in walk(browser, demo_server, "Priya Shah", pages, (LAPTOP, PHONE)):
        if path == "compare" and viewport is LAPTOP:  # the choice stays as the page narrows
            page.get_by_text("A team and the organisation").click()
        chart_fits(page)
        screenshot(page, f"coach-{path}-{viewport['width']}")


def test_the_heatmap_names_every_person_of_the_coach(browser, demo_server):
    page = open_as(browser, demo_server, "Priya Shah", "team")
    heatmap = page.locator(".st-key-heatmap [data-testid='stVegaLiteChart'] svg").first
    heatmap.wait_for()
    settled(page)
    page.get_by_text("The same numbers as a table").click()
    table = page.locator("[data-testid='stExpander'] table").first
    table.get_by_role("columnheader", name="Person").wait_for()
    people = table.locator("tbody tr td:first-child").all_inner_texts()
    assert len(people) >= 8
    # The axis labels as drawn: Vega keeps a label it drops for overlapping, at opacity 0.
    named = heatmap.evaluate(
        "svg => [...svg.querySelectorAll('.role-axis-label text')]"
        ".filter(t => t.getAttribute('opacity') !== '0' && getComputedStyle(t).opacity !== '0')"
        ".map(t => t.textContent)"
    )
    assert [person for person in people if person not in named] == []
    page.close()
