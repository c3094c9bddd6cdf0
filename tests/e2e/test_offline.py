"""In Chromium: a page loads from the LeadCoach server alone; nothing (the favicon included)
is fetched from another host, so a self-hosted install works offline."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from leadcoach.demo import email_for
from tests.e2e.conftest import LAPTOP, PASSWORD, settled, sign_in

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("path", ["home", "growth"])
def test_no_request_leaves_the_server_while_a_page_loads(browser, demo_server, path):
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    page.set_default_timeout(30_000)
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    sign_in(page, f"{demo_server.url}/{path}", email_for("Ana Lima"), PASSWORD)
    page.get_by_role("button", name="Sign out").wait_for(state="attached")
    settled(page)
    page.reload()  # a first load of the signed-in page, as a new tab would
    page.wait_for_load_state("networkidle")
    settled(page)
    outside = [
        url
        for url in requested
        if urlsplit(url).scheme in ("http", "https", "ws", "wss")
        and urlsplit(url).hostname != "127.0.0.1"
    ]
    assert outside == []
    icon = page.evaluate("document.querySelector('link[rel~=icon]')?.href")
    assert icon and urlsplit(icon).hostname in ("127.0.0.1", None), icon
    context.close()
