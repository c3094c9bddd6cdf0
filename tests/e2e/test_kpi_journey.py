"""In Chromium (issue 23): a supervisor's KPI chart with the work plan's targets, a coach's
teams with XmR limits, and HR's 'did the programme help the teams?' section."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import PHONE, chart_fits, open_as, screenshot, settled

pytestmark = pytest.mark.e2e
LINES = "[data-testid='stVegaLiteChart'] g.mark-line.role-mark path"


def test_supervisor_sees_the_kpi_chart_with_targets(browser, demo_server):
    for viewport, suffix in ((None, ""), (PHONE, "-phone")):
        kwargs = {"viewport": viewport} if viewport else {}
        page = open_as(browser, demo_server, "Maria Santos", "team_numbers", **kwargs)
        page.get_by_role("heading", name="Team numbers").wait_for()
        page.get_by_role("heading", name="Service level").wait_for()
        page.locator(LINES).first.wait_for()
        settled(page)
        # Per KPI chart: the values' line and the plan's dashed target line.
        # The plan's targets: orange (#E69F00) dashed rules on the Service level chart.
        dashed = page.locator("[data-testid='stVegaLiteChart'] g.mark-rule.role-mark line")
        dashed = dashed.and_(page.locator("[stroke='#E69F00']"))
        assert dashed.count() >= 1
        assert page.get_by_text("Plan target").count() >= 1  # the table beside the chart
        chart_fits(page)
        screenshot(page, f"kpi-1-supervisor{suffix}")
        page.context.close()


def test_coach_sees_the_teams_with_limits(browser, demo_server):
    page = open_as(browser, demo_server, "Daniel Reyes", "teams_numbers")
    page.get_by_role("heading", name="Teams' numbers").wait_for()
    page.locator(LINES).first.wait_for()
    page.get_by_text("2.66 times the average").wait_for()
    screenshot(page, "kpi-2-coach")
    page.context.close()


def test_the_coachs_tables_beside_the_charts_fit_without_scrolling_sideways(browser, demo_server):
    # Issue 19: at 1366 px the months' tables beside the charts scrolled sideways.
    for viewport in ({"width": 1366, "height": 844}, PHONE):
        page = open_as(browser, demo_server, "Priya Shah", "teams_numbers", viewport=viewport)
        page.get_by_text("Latest month").wait_for()
        page.locator(LINES).first.wait_for()
        settled(page)
        tables = page.locator("table.lc-table")
        assert tables.count() >= 2
        wider = tables.evaluate_all(
            "tables => tables.filter(t => t.scrollWidth > t.clientWidth + 1)"
            ".map(t => [t.scrollWidth, t.clientWidth])"
        )
        assert wider == [], (viewport, wider)
        page.context.close()


def test_hr_sees_did_it_help_with_its_caveats(browser, demo_server):
    for viewport, suffix in ((None, ""), (PHONE, "-phone")):
        kwargs = {"viewport": viewport} if viewport else {}
        page = open_as(browser, demo_server, "Helen Okafor", "review", **kwargs)
        page.get_by_role("heading", name="Cohort review").wait_for()
        page.get_by_label("Cohort", exact=True).click()
        page.get_by_role("option", name="2026 Spring intake").click()
        # Its own view of the review, drawn only when opened.
        page.get_by_role("tab", name="Change per skill", selected=True).wait_for()
        assert page.get_by_role("heading", name="Did the programme help the teams?").count() == 0
        page.get_by_role("tab", name="Team numbers").click()
        heading = page.get_by_role("heading", name="Did the programme help the teams?")
        heading.wait_for()
        heading.scroll_into_view_if_needed()
        page.get_by_text("not proof that the programme caused").wait_for()
        page.get_by_text("Comparison teams").first.wait_for()
        page.locator(LINES).first.wait_for()  # the chart, with its months' table beside it
        assert page.get_by_role("columnheader", name="Teams").count() >= 1
        settled(page)
        screenshot(page, f"kpi-3-hr{suffix}")
        page.context.close()
