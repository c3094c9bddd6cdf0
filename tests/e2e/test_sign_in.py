"""In Chromium: a demo supervisor signs in and sees their home page."""

from __future__ import annotations

import pytest

from leadcoach.demo import email_for
from leadcoach.people import accounts
from leadcoach.platform.config import Settings
from tests.e2e.conftest import screenshot, sign_in, start_server, stop_server

pytestmark = pytest.mark.e2e


def test_a_demo_supervisor_signs_in_and_sees_their_home(demo_server, page):
    sign_in(page, demo_server.url, email_for("Ana Lima"), Settings().demo_password)
    page.get_by_role("heading", name="Hello, Ana Lima").wait_for()
    page.get_by_text("Assessments submitted").wait_for()
    page.get_by_text("Signed in as").wait_for()
    screenshot(page, "supervisor-home")


def test_a_wrong_password_shows_a_message_not_a_page(demo_server, page):
    sign_in(page, demo_server.url, email_for("Ana Lima"), "wrong password!")
    page.get_by_text(accounts.SIGN_IN_REFUSED).wait_for()
    assert page.get_by_role("heading", name="Hello, Ana Lima").count() == 0


def test_a_fresh_database_shows_the_first_run_screen(tmp_path, page):
    server = start_server(f"sqlite:///{tmp_path / 'fresh.db'}", tmp_path / "server.log")
    try:
        page.goto(server.url)
        page.get_by_role("heading", name="Welcome to LeadCoach").wait_for()
        page.get_by_role("button", name="Load demo data").wait_for()
        screenshot(page, "first-run")
    finally:
        stop_server(server)


def test_a_bookmarked_page_right_after_a_restart_asks_to_sign_in_without_an_error(
    demo_server, tmp_path, page
):
    server = start_server(demo_server.database_url, tmp_path / "server.log")
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    try:
        page.goto(f"{server.url}/results")
        page.get_by_role("button", name="Sign in").wait_for()
        assert page.get_by_text("Page not found").count() == 0
        # The page found its server at once, not after a 404 at /results/_stcore/health
        # and 100 ms of waiting (leadcoach.ui.serve.connect_from_any_page).
        assert f"{server.url}/_stcore/health" in asked
        assert not [url for url in asked if "/results/_stcore/" in url]
        page.get_by_label("Email").fill(email_for("Ana Lima"))
        page.get_by_role("textbox", name="Password").fill(Settings().demo_password)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="Your results").wait_for()
    finally:
        stop_server(server)
