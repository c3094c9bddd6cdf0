"""A phone's 390 px: key figures readable without sideways scrolling, the answer scale in one
row or one column (issue 19, point 8). Screenshots at 390 and 1366 px of the pages changed."""

from __future__ import annotations

import time

import pytest

from tests.e2e.conftest import PHONE, WIDE, _layout_problems, open_as, screenshot, settled, walk

SUPERVISOR_PATHS = ["home", "assessment", "results", "growth", "plan"]


def _within_width(page, header: str, width: int) -> dict:
    """The box of the first table header cell with this text; it must lie inside the window."""
    cell = page.locator("table.lc-table th", has_text=header).first
    cell.wait_for()
    box = cell.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (header, box)
    return box


def _sideways(page, settle_seconds: float = 5.0) -> list[str]:
    """Whether the page scrolls sideways, once its layout has had a few seconds to follow
    the window's width (charts redraw at a new width a moment after it changes)."""
    deadline = time.monotonic() + settle_seconds
    while True:
        problems = [problem for problem in _layout_problems(page) if "sideways" in problem]
        if not problems or time.monotonic() > deadline:
            return problems
        page.wait_for_timeout(250)


def test_results_on_a_phone_show_skill_score_and_percentile(browser, demo_server):
    page = open_as(browser, demo_server, "Ana Lima", "results", PHONE)
    page.get_by_role("heading", name="Compared with others").wait_for()
    settled(page)
    norms = page.locator("table.lc-table", has_text="Percentile").first
    for header in ("Skill", "Score", "Percentile"):
        cell = norms.locator("th", has_text=header).first
        box = cell.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1, (
            header,
            box,
        )
    profile = page.locator("table.lc-table", has_text="Previous").first
    for header in ("Skill", "Score", "Previous", "Change"):
        box = profile.locator("th", has_text=header).first.bounding_box()
        assert box and box["x"] + box["width"] <= PHONE["width"] + 1, (header, box)
    assert not _sideways(page)
    screenshot(page, "phone-results-390")
    page.set_viewport_size(WIDE)
    page.wait_for_timeout(500)
    screenshot(page, "phone-results-1366")
    page.close()


# Words of the tables' text cells that the browser split over two lines: each word's
# Range has one line box unless it was broken inside.
BROKEN_WORDS = """() => [...document.querySelectorAll("table.lc-table td:not(.num)")]
  .flatMap(cell => {
    const text = cell.firstChild;
    if (!text || text.nodeType !== Node.TEXT_NODE) return [];
    const broken = [];
    for (const match of text.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(text, match.index);
        range.setEnd(text, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(match[0]);
    }
    return broken;
})"""


def test_result_tables_on_a_phone_wrap_between_words(browser, demo_server):
    """Skill names wrap at their spaces, never inside a word ("Operati|onal")."""
    page = open_as(browser, demo_server, "Ana Lima", "results", PHONE)
    page.get_by_role("heading", name="Compared with others").wait_for()
    settled(page)
    assert page.locator("table.lc-table td", has_text="Operational").count() >= 2
    assert page.evaluate(BROKEN_WORDS) == []
    page.close()


def test_the_answer_scale_is_one_column_on_a_phone_and_one_row_on_a_laptop(browser, demo_server):
    page = open_as(browser, demo_server, "Rhea Domingo", "assessment", PHONE)
    scale = page.locator('[class*="st-key-answer_"] [role="radiogroup"]').first
    for viewport, name in ((PHONE, "390"), (WIDE, "1366")):
        page.set_viewport_size(viewport)  # the same page turned wide, as a tablet would be
        scale.wait_for()
        settled(page)
        page.wait_for_timeout(300)  # the layout follows the new width
        boxes = [
            option.bounding_box() for option in scale.locator("label").all() if option.is_visible()
        ]
        assert len(boxes) == 6, boxes
        xs = {round(box["x"]) for box in boxes}
        ys = {round(box["y"]) for box in boxes}
        assert len(xs) == 1 or len(ys) == 1, f"wrapped unevenly at {name} px: {boxes}"
        if viewport is PHONE:
            assert len(xs) == 1, "one column on a phone"
        assert not _sideways(page)
        screenshot(page, f"phone-assessment-{name}")
    page.close()


def test_no_supervisor_page_scrolls_sideways_on_a_phone(browser, demo_server):
    for page, path, _ in walk(browser, demo_server, "Ana Lima", SUPERVISOR_PATHS, (PHONE,)):
        assert not _sideways(page), path


def test_the_cohort_review_shows_its_key_figures_on_a_phone(browser, demo_server):
    page = open_as(browser, demo_server, "Helen Okafor", "review", PHONE)
    page.locator("table.lc-table", has_text="Real change").first.wait_for()
    settled(page)
    for header in ("Skill", "People", "Change", "Real change"):
        _within_width(page, header, PHONE["width"])
    assert not _sideways(page)
    screenshot(page, "phone-review-390")
    page.set_viewport_size(WIDE)
    page.wait_for_timeout(500)
    assert page.locator("table.lc-table th", has_text="Holm p-value").first.is_visible()
    screenshot(page, "phone-review-1366")
    page.close()


# The pages whose tables now come through the vocabulary; the coach's team and compare
# pages are walked at both widths by tests/e2e/test_coach_journey.py.
CHANGED_PAGES = [
    ("Helen Okafor", "organisation"),
    ("Helen Okafor", "cohorts"),
    ("Helen Okafor", "quality"),
    ("Alex Morgan", "accounts"),
    ("Alex Morgan", "audit"),
]


@pytest.mark.parametrize("name", sorted({name for name, _ in CHANGED_PAGES}))
def test_pages_of_coaches_hr_and_admins_do_not_scroll_sideways(browser, demo_server, name):
    paths = [path for who, path in CHANGED_PAGES if who == name]
    for page, path, viewport in walk(browser, demo_server, name, paths, (PHONE, WIDE)):
        assert not _sideways(page), (path, viewport)
        screenshot(page, f"vocab-{path}-{viewport['width']}")
