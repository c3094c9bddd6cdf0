"""AppTest: a local sign-in is kept across reloads by a cookie the page hands the browser;
signing out and the idle timeout end it, and the sign-in form then says answers are saved."""

from __future__ import annotations

import hashlib
import json
import re

from streamlit.testing.v1 import AppTest

from leadcoach.demo import email_for
from leadcoach.platform.config import Settings
from leadcoach.ui import context
from tests.ui.conftest import APP, person_id

COOKIE = "leadcoach_sign_in"


def signed_in_through_the_form(url: str, name: str, monkeypatch) -> AppTest:
    monkeypatch.setenv("LEADCOACH_DATABASE_URL", url)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input[0].input(email_for(name))
    at.text_input[1].input(Settings().demo_password)
    at.form_submit_button[0].click().run()
    # Once more, as the browser's next message would: AppTest (1.67) sends no click of a
    # widget drawn by the run that followed an st.rerun() inside the form's handler.
    at.run()
    assert not at.exception
    assert any(m.value.startswith("Signed in as") for m in at.sidebar.markdown)
    return at


def scripts(at: AppTest) -> list[str]:
    """The scripts the page hands the browser (leadcoach.ui.browser)."""
    return [e.value for e in at.html if "<script>" in e.value]


def cookie_token(at: AppTest) -> str:
    """The token the page asks the browser to keep in its sign-in cookie."""
    (script,) = [s for s in scripts(at) if COOKIE in s and "encodeURIComponent" in s]
    return json.loads(re.search(r"encodeURIComponent\((\"[^\"]*\")\)", script).group(1))


def test_signing_in_hands_the_browser_a_session_cookie_the_server_knows_only_by_hash(
    demo_url, monkeypatch
):
    at = signed_in_through_the_form(demo_url, "Ana Lima", monkeypatch)
    token = cookie_token(at)
    (script,) = [s for s in scripts(at) if COOKIE in s]
    assert "SameSite=Strict" in script and "Max-Age" not in script and "Expires" not in script
    assert token not in at.query_params.values() and not at.query_params
    kept = context._sign_ins_for(demo_url)
    assert hashlib.sha256(token.encode()).hexdigest() in kept._records
    assert token not in kept._records
    # What a reload does with the cookie: the same person, within the idle time.
    ana = person_id(demo_url, "Ana Lima")
    assert kept.resume(token, now=at.session_state["_auth_last_activity"], idle_seconds=60) == ana


def test_signing_out_ends_the_kept_sign_in_and_deletes_the_cookie(demo_url, monkeypatch):
    at = signed_in_through_the_form(demo_url, "Ana Lima", monkeypatch)
    token = cookie_token(at)
    next(b for b in at.button if b.label == "Sign out").click().run()
    assert at.title[0].value == "LeadCoach"
    assert any(COOKIE in s and "Max-Age=0" in s for s in scripts(at))
    kept = context._sign_ins_for(demo_url)
    assert kept.resume(token, now=1e12, idle_seconds=1e13) is None


def test_an_idle_timeout_ends_the_kept_sign_in_and_says_answers_are_saved(demo_url, monkeypatch):
    at = signed_in_through_the_form(demo_url, "Rhea Domingo", monkeypatch)
    token = cookie_token(at)
    at.session_state["_auth_last_activity"] = 0.0  # long ago
    at.run()
    assert at.title[0].value == "LeadCoach"
    notice = at.info[0].value
    assert "inactivity" in notice and "Your answers are saved" in notice
    assert context._sign_ins_for(demo_url).resume(token, now=1e12, idle_seconds=1e13) is None
    assert any(COOKIE in s and "Max-Age=0" in s for s in scripts(at))
