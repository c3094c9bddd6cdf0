"""In Chromium: a name full of HTML and Markdown shows as the text it is, on every page
that shows it, and runs nothing."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from leadcoach.people import accounts
from leadcoach.platform.config import Settings
from leadcoach.platform.db import make_engine, session_scope
from leadcoach.platform.models import Role, Team
from tests.e2e.conftest import PASSWORD, open_as, screenshot, sign_in

pytestmark = pytest.mark.e2e
NAME = "<img src=x onerror=alert(1)> **bold**"
EMAIL = "mallory@demo.leadcoach.example"


@pytest.fixture(scope="module")
def mallory(private_server):
    """A supervisor on Priya's team whose name is an injection attempt."""
    with session_scope(make_engine(Settings(database_url=private_server.database_url))) as s:
        team = s.exec(select(Team).where(Team.name == "Leeds Billing")).one()
        accounts.create_person_with_account(
            session=s,
            name=NAME,
            email=EMAIL,
            role=Role.SUPERVISOR,
            password=PASSWORD,
            team_id=team.id,
        )
    return private_server


def shows_the_name_as_text(page) -> None:
    alerts = []
    page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
    page.get_by_text(NAME, exact=False).first.wait_for()
    assert page.locator("img[src='x']").count() == 0
    # Only whole names are ever bold; "**bold**" inside the name must stay literal.
    assert page.locator("strong", has_text=re.compile(r"^bold$")).count() == 0
    assert page.get_by_text("**bold**", exact=False).count() > 0
    assert alerts == []


def test_a_name_with_html_and_markdown_shows_as_text_to_its_owner(browser, mallory):
    page = browser.new_page()
    page.set_default_timeout(30_000)
    sign_in(page, f"{mallory.url}/home", EMAIL, PASSWORD)
    page.get_by_role("button", name="Sign out").wait_for(state="attached")
    shows_the_name_as_text(page)
    screenshot(page, "injection-supervisor")
    page.close()


def test_a_name_with_html_and_markdown_shows_as_text_to_the_coach(browser, mallory):
    page = browser.new_page()
    page.set_default_timeout(30_000)
    sign_in(page, f"{mallory.url}/team", "priya.shah@demo.leadcoach.example", PASSWORD)
    page.get_by_role("heading", name="Where coaching is needed most").wait_for()
    shows_the_name_as_text(page)
    screenshot(page, "injection-coach")
    page.close()


def test_tables_offer_no_download_that_skips_neutralising(browser, demo_server):
    """Streamlit's own "Download as CSV" writes cells as they are, formulas included."""
    page = open_as(browser, demo_server, "Helen Okafor", "review?view=Who+to+chase")
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.wait_for()
    grid.hover()
    page.get_by_role("button", name="Search").first.wait_for()  # the table's toolbar is up
    assert page.get_by_role("button", name="Download as CSV").count() == 0
    assert page.get_by_role("button", name="Chase list (CSV)").count() == 1
    page.context.close()
