"""In Chromium: an email read from a real SMTP server on loopback takes its reader to the
exact page after signing in, and its stop link works without signing in."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time

import pytest

from leadcoach.instrument import bank
from leadcoach.messaging import scheduler
from leadcoach.platform.config import Settings
from leadcoach.platform.db import make_engine
from tests.e2e.conftest import (
    PASSWORD,
    demo_database,
    screenshot,
    settled,
    sign_in,
    start_server,
    stop_server,
)
from tests.mail import smtp_server

pytestmark = pytest.mark.e2e
MONDAY = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)  # the demo's day; daytime in Leeds and Manila


def test_an_emailed_link_opens_its_page_after_sign_in_and_the_stop_link_works(tmp_path, browser):
    database_url = demo_database(tmp_path)
    server = start_server(database_url, tmp_path / "server.log")
    try:
        with smtp_server() as sink:
            settings = Settings(
                database_url=database_url, public_url=server.url, smtp_host="127.0.0.1",
                smtp_port=sink.port, smtp_security="none", quiet_hours_end=time(0),
                quiet_hours_start=time(0),
            )  # fmt: skip
            instrument = bank.load_bank(settings.assessments_dir).current(settings.instrument_id)
            report = scheduler.run_pass(make_engine(settings), settings, instrument, MONDAY)
        assert report.sent == len(sink.messages) > 0
        mail = next(
            m for m in sink.messages
            if m["X-LeadCoach-Kind"] == "plan_check_in" and "ben.carter@" in str(m["To"])
        )  # fmt: skip
        body = mail.get_content()
        link = re.search(r"Open LeadCoach: (\S+)", body).group(1)
        stop = re.search(r"To stop emails like this one, open (\S+)", body).group(1)
        assert link == f"{server.url}/plan"

        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.set_default_timeout(30_000)
        sign_in(page, link, "ben.carter@demo.leadcoach.example", PASSWORD)
        page.get_by_role("heading", name="Your development plan").wait_for()
        assert page.url.startswith(link)
        screenshot(page, "email-link-plan")
        context.close()

        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(stop)
        page.get_by_text("no more emails about this").wait_for()
        settled(page)
        assert page.get_by_role("button", name="Sign in").is_visible()
        context.close()
    finally:
        stop_server(server)
