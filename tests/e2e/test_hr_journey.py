"""In Chromium: HR imports a roster, creates a cohort and reviews one."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, chart_fits, open_as, screenshot, settled

pytestmark = pytest.mark.e2e
ROSTER = (
    "name;email;role;team;site;language;start_date;cohort\n"
    "Zoe New;zoe.new@demo.leadcoach.example;supervisor;Leeds Billing;Leeds;English;"
    "2026-11-01;2027 Winter intake\n"
    "Yan Broken;yan.broken@;supervisor;Leeds Billing;Leeds;English;2026-11-01;\n"
)


def test_hr_imports_a_roster_creates_a_cohort_and_reviews_one(browser, private_server, tmp_path):
    roster = tmp_path / "intake.csv"
    roster.write_text(ROSTER, encoding="utf-8-sig")  # semicolons and a BOM, as Excel saves
    page = open_as(browser, private_server, "Helen Okafor", "roster")
    page.locator("input[type=file]").set_input_files(str(roster))
    page.get_by_text('Row 3, column "email"').first.wait_for()
    assert page.get_by_role("button", name="Import").is_disabled()
    page.get_by_text("Import the clean rows").click()
    page.get_by_role("button", name="Import").click()
    page.get_by_text("Rejected rows (CSV)").wait_for()
    screenshot(page, "hr-1-roster")

    page.get_by_role("link", name="Cohorts").click()
    page.get_by_role("heading", name="Cohorts").wait_for()
    settled(page)
    page.get_by_text("Create a cohort").click()
    name = page.get_by_label("Cohort name")
    name.fill("2027 Summer intake")
    expect(name).to_have_value("2027 Summer intake")
    # Enter submits the form from the field, as a keyboard user does. (A mouse click right
    # after typing was lost now and then on a loaded machine: the name stayed in the field
    # and no cohort was created; the click path is covered by the AppTest of this page.)
    name.press("Enter")
    page.get_by_text("Cohort 2027 Summer intake created.").wait_for()
    screenshot(page, "hr-2-cohorts")

    page.get_by_role("link", name="Cohort review").click()
    page.get_by_role("heading", name="Cohort review").wait_for()
    page.get_by_label("Cohort", exact=True).click()
    page.get_by_role("option", name="2026 Spring intake").click()
    page.get_by_role("tab", name="Change per skill", selected=True).wait_for()
    page.get_by_text("Real change").first.wait_for()
    chart_fits(page)
    screenshot(page, "hr-3-review")
    # Each view is drawn when its tab is opened, and the address says which is open.
    page.get_by_role("tab", name="Breakdowns").click()
    page.get_by_label("By", exact=True).wait_for()
    settled(page)
    assert "view=Breakdowns" in page.url
    assert page.get_by_text("Real change").count() == 0
    chart_fits(page)
    screenshot(page, "hr-4-review-breakdowns")
    page.close()


def test_the_cohort_review_fits_a_phone(browser, demo_server):
    page = open_as(browser, demo_server, "Helen Okafor", "review", PHONE)
    page.get_by_role("heading", name="Completion").wait_for()
    chart_fits(page)
    screenshot(page, "hr-review-390")
    page.close()
