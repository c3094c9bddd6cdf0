"""In Chromium: reloading the browser keeps the person signed in, with no token in the
address; once the sign-in has ended, the sign-in form says the answers are saved."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import open_as, settled

pytestmark = pytest.mark.e2e

COOKIE = "leadcoach_sign_in"


def kept_cookie(page) -> dict:
    """The sign-in cookie, once the page has handed it to the browser."""
    page.wait_for_function(f"() => document.cookie.includes('{COOKIE}=')", timeout=60_000)
    return next(c for c in page.context.cookies() if c["name"] == COOKIE)


def test_a_reload_keeps_the_person_signed_in_on_the_same_step(browser, private_server):
    page = open_as(browser, private_server, "Rhea Domingo", "assessment")
    progress = page.get_by_text("answers saved").first
    progress.wait_for()
    step = page.locator("[data-testid='stMain'] h2").first.inner_text()
    cookie = kept_cookie(page)
    # A cookie of this site only, gone when the browser closes; the address holds nothing.
    assert cookie["sameSite"] == "Strict" and cookie["expires"] == -1
    assert cookie["value"] not in page.url and "?" not in page.url

    for _ in range(2):  # a reload, and a reload of the reloaded page
        page.reload()
        page.get_by_role("heading", name=step).wait_for(timeout=60_000)
        assert page.get_by_role("button", name="Sign in").count() == 0
        page.get_by_role("button", name="Sign out").wait_for()
    assert cookie["value"] not in page.url
    page.context.close()


def test_after_signing_out_a_reload_or_the_old_cookie_signs_no_one_in(browser, private_server):
    page = open_as(browser, private_server, "Rhea Domingo", "assessment")
    page.get_by_text("answers saved").first.wait_for()
    cookie = kept_cookie(page)
    settled(page)
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Sign in").wait_for()
    page.wait_for_function(f"() => !document.cookie.includes('{COOKIE}=')", timeout=60_000)
    page.reload()
    page.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
    assert page.get_by_text("answers saved").count() == 0

    # The old token, put back by hand (or copied earlier), was ended on the server.
    page.context.add_cookies([cookie])
    page.reload()
    page.get_by_text("Your answers are saved").wait_for(timeout=60_000)
    # The form may draw a moment after the message: wait for it rather than look at once.
    page.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
    assert page.get_by_role("button", name="Sign out").count() == 0
    page.context.close()
