"""AppTest: single sign-on through st.login when the secrets have an [auth] section.

AppTest cannot run the provider's redirects (tests/e2e/test_sso.py does, in Chromium);
here `at.user` stands for what Streamlit read from the provider's ID token, and
`at.secrets` holds the [auth] section the app looks for.
"""

from __future__ import annotations

import sqlite3
import time

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from leadcoach.demo import email_for
from leadcoach.platform.config import Settings
from leadcoach.platform.db import make_engine, session_scope
from leadcoach.platform.models import AuditEvent
from leadcoach.ui.sso import LOGIN_LABEL
from tests.ui.conftest import APP, person_id, walk_pages
from tests.ui.test_smoke import SUPERVISOR_PAGES

AUTH = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "a test cookie secret, long enough",
        "client_id": "leadcoach",
        "client_secret": "test secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    }
}
UNKNOWN = "new.starter@elsewhere.example"


@pytest.fixture
def url(demo_url, tmp_path) -> str:
    """A private copy of the demo database: these tests write audit events."""
    source = demo_url.removeprefix("sqlite:///")
    target = tmp_path / "sso.db"
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return f"sqlite:///{target}"


def sso_app(url: str, monkeypatch, **user) -> AppTest:
    """The app with an [auth] section; `user` is st.user (empty: not signed in)."""
    monkeypatch.setenv("LEADCOACH_DATABASE_URL", url)
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets = {key: dict(value) for key, value in AUTH.items()}
    at.user = {"is_logged_in": True, **user} if user else {"is_logged_in": False}
    return at


def _texts(at: AppTest) -> str:
    parts = [e.value for e in at.title] + [e.value for e in at.markdown]
    parts += [e.value for e in at.info] + [e.value for e in at.error]
    return "\n".join(str(p) for p in parts)


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def _events(url: str, action: str) -> list[tuple[int | None, str, str]]:
    with session_scope(make_engine(Settings(database_url=url))) as session:
        rows = session.exec(
            select(AuditEvent.actor_id, AuditEvent.subject, AuditEvent.detail).where(
                AuditEvent.action == action
            )
        ).all()
        return [tuple(row) for row in rows]


def test_signed_out_visitors_see_only_the_company_sign_in_button(url, monkeypatch):
    at = sso_app(url, monkeypatch).run()
    assert not at.exception, at.exception
    assert at.title[0].value == "LeadCoach"
    assert [b.label for b in at.button] == [LOGIN_LABEL]
    assert not at.text_input, "no password form when single sign-on is configured"
    assert "Signed in as" not in _texts(at)


def test_a_known_email_lands_signed_in_as_that_person_with_their_role_pages(url, monkeypatch):
    # Providers may send any case and stray spaces; the email is normalised first.
    at = sso_app(url, monkeypatch, email="  Ana.Lima@Demo.LeadCoach.EXAMPLE ", name="A L")
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Hello, Ana Lima"
    assert "Signed in as **Ana Lima** (Supervisor)" in _texts(at)
    for _ in walk_pages(at, SUPERVISOR_PAGES):
        pass
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/admin/accounts.py").run()
    # One sign-in event for the whole session, however many reruns.
    assert [e for e in _events(url, "sign_in") if e[1] == "sso"] == [
        (person_id(url, "Ana Lima"), "sso", "")
    ]


def test_an_admin_gets_the_admin_pages(url, monkeypatch):
    at = sso_app(url, monkeypatch, email=email_for("Alex Morgan")).run()
    assert "Signed in as **Alex Morgan** (Admin)" in _texts(at)
    at.switch_page("pages/admin/accounts.py").run()
    assert not at.exception, at.exception


def test_an_unknown_email_gets_a_clear_message_a_sign_out_button_and_no_pages(url, monkeypatch):
    at = sso_app(url, monkeypatch, email=UNKNOWN).run()
    assert not at.exception, at.exception
    # The email is escaped for Markdown, so it shows exactly as the provider sent it.
    assert at.error[0].value == (
        r"No LeadCoach account uses new\.starter@elsewhere\.example. Ask your HR team to add you."
    )
    assert "Signed in as" not in _texts(at)
    assert [b.label for b in at.button] == ["Sign out"]
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/supervisor/home.py").run()
    at.run()
    # Once for the session, however many reruns (the shared demo data may hold others).
    refused = [e for e in _events(url, "sign_in_failed") if e[1] == UNKNOWN]
    assert refused == [(None, UNKNOWN, '{"method": "sso"}')]
    _button(at, "Sign out").click().run()
    assert not at.exception, at.exception
    assert at.user == {"is_logged_in": False}  # st.logout ran
    assert [b.label for b in at.button] == [LOGIN_LABEL]


def test_an_email_the_provider_has_not_verified_is_refused(url, monkeypatch):
    at = sso_app(url, monkeypatch, email=email_for("Ana Lima"), email_verified=False).run()
    assert "has not verified the email" in at.error[0].value
    assert "Signed in as" not in _texts(at)


def test_a_company_account_without_an_email_is_refused(url, monkeypatch):
    at = sso_app(url, monkeypatch, sub="12345").run()
    assert "did not tell LeadCoach your email address" in at.error[0].value


def test_the_sidebar_sign_out_ends_the_company_sign_in(url, monkeypatch):
    at = sso_app(url, monkeypatch, email=email_for("Ana Lima")).run()
    _button(at, "Sign out").click().run()
    assert not at.exception, at.exception
    assert at.user == {"is_logged_in": False}  # st.logout ran; the browser leaves next
    at.run()
    assert [b.label for b in at.button] == [LOGIN_LABEL]


def test_an_idle_sso_session_expires_and_signs_out_of_the_company_account(url, monkeypatch):
    at = sso_app(url, monkeypatch, email=email_for("Ana Lima")).run()
    assert at.title[0].value == "Hello, Ana Lima"
    at.session_state["_auth_last_activity"] = 0.0  # long ago
    at.run()
    assert at.user == {"is_logged_in": False}
    assert "inactivity" in _texts(at)
    assert [b.label for b in at.button] == [LOGIN_LABEL]


def test_identity_never_comes_from_page_parameters_or_a_stale_local_sign_in(url, monkeypatch):
    at = sso_app(url, monkeypatch)
    at.query_params["email"] = email_for("Alex Morgan")
    at.query_params["person"] = str(person_id(url, "Alex Morgan"))
    # A person id left in the session (say by a local sign-in) is not an SSO identity.
    at.session_state["_auth_person_id"] = person_id(url, "Alex Morgan")
    at.session_state["_auth_last_activity"] = time.time()
    at.run()
    assert "Signed in as" not in _texts(at)
    assert [b.label for b in at.button] == [LOGIN_LABEL]


def test_a_broken_auth_section_shows_a_message_instead_of_a_traceback(url, monkeypatch):
    # at.secrets does not reach st.login's own check, so it finds no usable [auth].
    at = sso_app(url, monkeypatch).run()
    _button(at, LOGIN_LABEL).click().run()
    assert not at.exception, at.exception
    assert "Single sign-on is not set up correctly" in at.error[0].value


def test_the_first_admin_of_an_empty_database_then_signs_in_with_sso(tmp_path, monkeypatch):
    at = sso_app(f"sqlite:///{tmp_path / 'new.db'}", monkeypatch, email="ada@example.com")
    at.run()
    assert at.title[0].value == "Welcome to LeadCoach"
    at.text_input[0].input("Ada Admin")
    at.text_input[1].input("Ada@Example.com")
    at.text_input[2].input("tea kettle mountain river")
    at.text_input[3].input("tea kettle mountain river")
    at.form_submit_button[0].click().run()
    assert not at.exception, at.exception
    assert "Signed in as **Ada Admin** (Admin)" in _texts(at)


def test_without_an_auth_section_local_accounts_are_used_and_st_user_is_ignored(
    demo_url, monkeypatch
):
    monkeypatch.setenv("LEADCOACH_DATABASE_URL", demo_url)
    at = AppTest.from_file(APP, default_timeout=60)
    at.user = {"is_logged_in": True, "email": email_for("Alex Morgan")}
    at.run()
    assert not at.exception, at.exception
    assert "Signed in as" not in _texts(at)
    assert all(b.label != LOGIN_LABEL for b in at.button)
    at.text_input[0].input(email_for("Ana Lima"))
    at.text_input[1].input(Settings().demo_password)
    at.form_submit_button[0].click().run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Hello, Ana Lima"
    assert "Signed in as **Ana Lima** (Supervisor)" in _texts(at)
