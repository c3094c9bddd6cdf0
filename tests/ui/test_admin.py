"""AppTest: the admin's accounts and audit pages, and HR's erase page.

These tests change the data (passwords, roles, erasures), so they run on their own copy
of the demo database, never on the one the other UI tests share.
"""

from __future__ import annotations

import sqlite3
import time

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from leadcoach.demo import email_for
from leadcoach.people import accounts
from leadcoach.platform.config import PACKAGE_ROOT, Settings
from leadcoach.platform.db import make_engine, session_scope
from leadcoach.platform.errors import SignInFailed
from leadcoach.platform.models import AuditEvent, Person
from tests.ui.conftest import app_signed_in_as, person_id

ADMIN, HR, COACH, SUPERVISOR = "Alex Morgan", "Helen Okafor", "Priya Shah", "Ana Lima"


@pytest.fixture
def url(demo_url, tmp_path) -> str:
    """A private copy of the demo database for one test."""
    source = demo_url.removeprefix("sqlite:///")
    target = tmp_path / "admin.db"
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return f"sqlite:///{target}"


def page_as(url: str, name: str, page: str, monkeypatch) -> AppTest:
    """The app with this demo person signed in, switched to the page."""
    at = app_signed_in_as(url, name, monkeypatch).run()
    return at.switch_page(page).run()


def page_file_as(url: str, name: str, page: str, monkeypatch) -> AppTest:
    """One page file run directly, as if a navigation bug let this person reach it: the
    core must still refuse."""
    monkeypatch.setenv("LEADCOACH_DATABASE_URL", url)
    at = AppTest.from_file(str(PACKAGE_ROOT / "ui" / page), default_timeout=60)
    at.session_state["_auth_person_id"] = person_id(url, name)
    at.session_state["_auth_last_activity"] = time.time()
    return at.run()


def _texts(at: AppTest, kind: str) -> str:
    return "\n".join(str(element.value) for element in getattr(at, kind))


def _submit(at: AppTest, label: str) -> AppTest:
    return next(b for b in at.button if b.label == label).click().run()


def _session(url: str):
    return session_scope(make_engine(Settings(database_url=url)))


def _sign_in(url: str, name: str, password: str) -> None:
    with _session(url) as session:
        accounts.authenticate(session=session, email=email_for(name), password=password)


@pytest.mark.parametrize(
    ("page", "title"),
    [
        ("pages/admin/accounts.py", "Accounts"),
        ("pages/admin/audit.py", "Audit log"),
        ("pages/hr/erase.py", "Erase a person"),
    ],
)
def test_the_pages_open_for_an_admin(url, monkeypatch, page, title):
    at = page_as(url, ADMIN, page, monkeypatch)
    assert not at.exception, at.exception
    assert at.title[0].value == title


@pytest.mark.parametrize(
    ("name", "page"),
    [
        (SUPERVISOR, "pages/admin/accounts.py"),
        (HR, "pages/admin/accounts.py"),
        (COACH, "pages/admin/audit.py"),
        (HR, "pages/admin/audit.py"),
        (SUPERVISOR, "pages/hr/erase.py"),
        (COACH, "pages/hr/erase.py"),
    ],
)
def test_other_roles_are_refused_below_the_page(url, monkeypatch, name, page):
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        page_as(url, name, page, monkeypatch)
    at = page_file_as(url, name, page, monkeypatch)
    assert not at.exception, at.exception
    assert "do not have access" in _texts(at, "error")
    assert not at.dataframe


def test_an_admin_sets_a_password_with_clear_messages(url, monkeypatch):
    at = page_as(url, ADMIN, "pages/admin/accounts.py", monkeypatch)
    ana = person_id(url, SUPERVISOR)
    attempts = [
        ("a long new passphrase", "a different passphrase", "two passwords differ"),
        ("Password12345!", "Password12345!", "common password with digits"),
        ("ana lima is great", "ana lima is great", "name or email"),
    ]
    for password, repeat, message in attempts:
        at.selectbox(key="accounts_reset_person").set_value(ana)
        at.text_input(key="accounts_reset_pw").input(password)
        at.text_input(key="accounts_reset_pw2").input(repeat)
        at = _submit(at, "Set password")
        assert message in _texts(at, "error"), _texts(at, "error")
    at.selectbox(key="accounts_reset_person").set_value(ana)
    at.text_input(key="accounts_reset_pw").input("orange kettle on the moor")
    at.text_input(key="accounts_reset_pw2").input("orange kettle on the moor")
    at = _submit(at, "Set password")
    assert not at.exception
    assert "Password set for Ana Lima" in _texts(at, "success")
    _sign_in(url, SUPERVISOR, "orange kettle on the moor")


def test_an_admin_changes_a_role_but_not_the_last_admins(url, monkeypatch):
    at = page_as(url, ADMIN, "pages/admin/accounts.py", monkeypatch)
    at.selectbox(key="accounts_role_person").set_value(person_id(url, ADMIN))
    at.selectbox(key="accounts_role_role").set_value("hr")
    at = _submit(at, "Change role")
    assert "last admin" in _texts(at, "error")
    at.selectbox(key="accounts_role_person").set_value(person_id(url, HR))
    at.selectbox(key="accounts_role_role").set_value("coach")
    at = _submit(at, "Change role")
    assert "Helen Okafor is now Coach (was HR)." in _texts(at, "success")
    with _session(url) as session:
        assert session.get(Person, person_id(url, HR)).role == "coach"


def test_an_admin_unlocks_a_locked_account(url, monkeypatch):
    for _ in range(accounts.MAX_FAILED_ATTEMPTS):
        with pytest.raises(SignInFailed):
            _sign_in(url, SUPERVISOR, "not the password")
    at = page_as(url, ADMIN, "pages/admin/accounts.py", monkeypatch)
    assert at.selectbox(key="accounts_unlock_person").options == [
        f"Ana Lima ({email_for(SUPERVISOR)}, Supervisor)"
    ]
    at.selectbox(key="accounts_unlock_person").set_value(person_id(url, SUPERVISOR))
    at = _submit(at, "Unlock")
    assert "can sign in again" in _texts(at, "success")
    _sign_in(url, SUPERVISOR, Settings().demo_password)


def test_the_audit_log_filters_and_downloads(url, monkeypatch):
    _sign_in(url, SUPERVISOR, Settings().demo_password)
    with pytest.raises(SignInFailed):
        _sign_in(url, COACH, "not the password")
    at = page_as(url, ADMIN, "pages/admin/audit.py", monkeypatch)
    assert not at.exception
    assert {"Signed in", "Sign-in refused"} <= set(at.selectbox(key="audit_action").options)
    at.selectbox(key="audit_action").set_value("sign_in_failed").run()
    shown = at.dataframe[0].value
    assert set(shown["Event"]) == {"Sign-in refused"}, "events by name, not code"
    # Other UI tests share the demo database this copy came from and may have left their own
    # refusals in it: the coach's refusal, the newest, is the first row.
    assert shown["Done by"].iloc[0] == COACH
    at.selectbox(key="audit_action").set_value(None)
    at.selectbox(key="audit_actor").set_value(person_id(url, SUPERVISOR)).run()
    assert set(at.dataframe[0].value["Done by"]) == {SUPERVISOR}
    assert any(b.label == "Download (CSV)" for b in at.get("download_button"))


def test_hr_erases_a_person_after_typing_their_name(url, monkeypatch):
    at = page_as(url, HR, "pages/hr/erase.py", monkeypatch)
    sam = person_id(url, "Sam Torres")
    at.selectbox[0].set_value(sam)
    at.text_input[0].input("Sam Torre")
    at = _submit(at, "Erase permanently")
    assert "does not match" in _texts(at, "error")
    with _session(url) as session:
        assert session.get(Person, sam) is not None
    # The choice and the typed name are kept, to be corrected rather than typed again.
    assert at.selectbox[0].value == sam
    assert at.text_input[0].value == "Sam Torre"
    at.text_input[0].input("Sam Torres")
    at = _submit(at, "Erase permanently")
    assert not at.exception, at.exception
    # What went, counted in plain words; kinds with nothing are not named.
    notice = _texts(at, "success")
    assert notice.startswith("Erased Sam Torres and their data: 1 sign-in account")
    assert " 0 " not in notice and "records" not in notice
    assert at.selectbox[0].value is None
    assert at.text_input[0].value == ""
    assert not any("Sam Torres" in o for o in at.selectbox[0].options)
    with _session(url) as session:
        assert session.get(Person, sam) is None
        last = session.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert last.action == "person_erased" and "Sam" not in last.subject + last.detail


def test_nobody_is_offered_themselves_to_erase(url, monkeypatch):
    at = page_as(url, HR, "pages/hr/erase.py", monkeypatch)
    assert not any("Helen Okafor" in option for option in at.selectbox[0].options)
