"""In Chromium, with axe-core (axe-playwright-python): every page of every role, at a laptop's
1366 px and a phone's 390 px, has no critical or serious WCAG 2.1 A/AA violation."""

from __future__ import annotations

import re

import pytest

from leadcoach.reporting.charts import TABLE_BESIDE
from tests.e2e.conftest import open_as, settled

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1366, "height": 800}
PHONE_WIDTH = 390
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"critical", "serious"}
# Each role's pages (leadcoach/ui/app.py, ROLE_PAGES): (person, first page, the others as
# sidebar link and address); the admin's HR pages are the HR person's.
ROLES = {
    "supervisor": ("Ana Lima", "home", [("Self-assessment", "assessment"), ("Results", "results"),
                                        ("Growth", "growth"), ("Development plan", "plan")]),
    "coach": ("Priya Shah", "team", [("Compare", "compare"), ("Person", "person")]),
    "hr": ("Helen Okafor", "organisation", [("Cohort review", "review"), ("Cohorts", "cohorts"),
                                            ("Import roster", "roster"),
                                            ("Instrument quality", "quality"),
                                            ("Erase a person", "erase")]),
    "admin": ("Alex Morgan", "accounts", [("Audit log", "audit")]),
}  # fmt: skip
CHART_NAMES = """() => [...document.querySelectorAll("[data-testid='stVegaLiteChart']")]
    .filter(chart => chart.checkVisibility())  // not those on a hidden tab
    .map(chart => chart.getAttribute("aria-label") || "")"""


@pytest.fixture(scope="module")
def axe():
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        pytest.fail("axe-playwright-python is missing: `make test` installs requirements-dev.txt")
    return Axe()


def violations(axe, page, where: str) -> list[str]:
    """The page's critical and serious WCAG 2.1 A/AA violations, one line each."""
    settled(page)
    page.locator("[data-testid='stAppViewContainer']").wait_for()
    result = axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]},
    )
    return [
        f"{where}: {v['impact']} {v['id']} ({v['help']}) at "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:4])
        + (f" and {len(v['nodes']) - 4} more" if len(v["nodes"]) > 4 else "")
        for v in result.response["violations"]
        if v["impact"] in BLOCKING
    ]


def both_widths(axe, page, where: str) -> list[str]:
    """Violations at 1366 px, then at 390 px (the same page narrowed, as a phone shows it);
    and any chart without a text alternative that points to its table."""
    found = violations(axe, page, f"{where} at 1366")
    found += [
        f"{where}: a chart without its text alternative ({name!r})"
        for name in page.evaluate(CHART_NAMES)
        if not name.endswith(TABLE_BESIDE)
    ]
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
    page.wait_for_timeout(300)  # the layout follows the new width
    found += violations(axe, page, f"{where} at 390")
    page.set_viewport_size(DESKTOP)
    return found


def test_the_sign_in_page_has_no_serious_violation(browser, demo_server, axe):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(demo_server.url)
    page.get_by_label("Email").wait_for()
    found = both_widths(axe, page, "sign-in")
    context.close()
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_of_a_role_has_no_serious_violation(browser, demo_server, axe, role):
    name, first, others = ROLES[role]
    # One signed-in session per role; the other pages are opened from the sidebar.
    page = open_as(browser, demo_server, name, first, DESKTOP)
    page.get_by_role("heading").first.wait_for()
    found = both_widths(axe, page, f"{role} {first}")
    for title, address in others:
        page.get_by_role("link", name=title, exact=True).click()
        page.wait_for_url(re.compile(rf"/{address}(\?|$)"))
        page.get_by_role("heading").first.wait_for()
        found += both_widths(axe, page, f"{role} {address}")
    page.context.close()
    assert found == [], "\n".join(found)
