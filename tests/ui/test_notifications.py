"""AppTest: a person's notifications page (own choices, a stop link, HR's switches) and the
admin's outbox (filters, a link to copy, sending a failed email again). Each test runs on
its own copy of the demo database."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from leadcoach.instrument import bank
from leadcoach.messaging import preferences, scheduler
from leadcoach.platform.config import Settings
from leadcoach.platform.db import make_engine, session_scope
from leadcoach.platform.models import (
    AuditEvent,
    NotificationPreference,
    OutboxMessage,
    OutboxState,
    Person,
)
from tests.ui.conftest import person_id
from tests.ui.test_admin import _submit, page_as, page_file_as

NOW = datetime(2026, 11, 4, 10, 0, tzinfo=UTC)


@pytest.fixture
def url(demo_url, tmp_path) -> str:
    """A private copy of the demo database for one test."""
    target = tmp_path / "notifications.db"
    with (
        sqlite3.connect(demo_url.removeprefix("sqlite:///")) as src,
        sqlite3.connect(target) as dst,
    ):
        src.backup(dst)
    return f"sqlite:///{target}"


def _engine(url: str):
    return make_engine(Settings(database_url=url))


def test_a_supervisor_turns_a_kind_off_and_sets_a_time_zone(url, monkeypatch):
    at = page_as(url, "Ana Lima", "pages/notifications.py", monkeypatch)
    assert not at.exception
    assert at.title[0].value == "Notifications"
    toggle = next(t for t in at.toggle if t.label == "My self-assessment is overdue")
    assert toggle.value is True
    toggle.set_value(False)
    at.selectbox(key="notify_zone").set_value("America/Bogota")
    at = _submit(at, "Save my choices")
    assert not at.exception
    assert "Saved." in [s.value for s in at.success]
    ana = person_id(url, "Ana Lima")
    with session_scope(_engine(url)) as session:
        choice = session.get(NotificationPreference, (ana, "reassessment_overdue"))
        assert choice is not None and choice.enabled is False
        assert session.get(Person, ana).time_zone == "America/Bogota"
        actions = session.exec(select(AuditEvent.action).where(AuditEvent.actor_id == ana)).all()
    assert actions.count("email_choice_changed") == 2
    # Supervisors do not see the organisation's switches.
    assert not [t for t in at.toggle if t.key and t.key.startswith("notify_all_")]


def test_a_stop_link_turns_its_kind_off_once(url, monkeypatch):
    ana = person_id(url, "Ana Lima")
    engine = _engine(url)
    with session_scope(engine) as session:
        key = preferences.link_key(session, Settings(database_url=url))
        email = session.get(Person, ana).email
    token = preferences.stop_token(key, ana, "plan_comment", email)
    at = page_as(url, "Ana Lima", "pages/supervisor/home.py", monkeypatch)
    at.query_params["stop"] = token
    at = at.switch_page("pages/notifications.py").run()
    assert not at.exception
    assert "no more emails about this" in at.success[0].value
    assert next(t for t in at.toggle if t.label.startswith("My coach commented")).value is False
    at.query_params["stop"] = token[:-3] + "abc"
    at = at.run()
    assert "broken or out of date" in at.error[0].value


def test_hr_switches_a_kind_off_for_everyone(url, monkeypatch):
    at = page_as(url, "Helen Okafor", "pages/notifications.py", monkeypatch)
    next(t for t in at.toggle if t.key == "notify_all_coach_digest").set_value(False)
    at = _submit(at, "Save for everyone")
    assert "Saved for everyone." in [s.value for s in at.success]
    with session_scope(_engine(url)) as session:
        assert not preferences.switches(session)[preferences.Kind.COACH_DIGEST]


def test_the_outbox_lists_filters_gives_links_and_sends_a_failed_email_again(url, monkeypatch):
    settings = Settings(database_url=url)
    engine = _engine(url)
    instrument = bank.load_bank(settings.assessments_dir).current(settings.instrument_id)
    scheduler.queue_due(engine, settings, instrument, NOW)
    with session_scope(engine) as session:
        first = session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).first()
        first.state = OutboxState.FAILED.value
        first.last_error = "the mail server refused the address (550 No such user)"
        session.add(first)
        total = len(session.exec(select(OutboxMessage.id)).all())
    at = page_as(url, "Alex Morgan", "pages/admin/outbox.py", monkeypatch)
    assert not at.exception
    assert "No mail server is set" in at.warning[0].value
    assert len(at.dataframe[0].value) == total
    at.multiselect(key="outbox_states").set_value(["failed"])
    at = at.run()
    assert list(at.dataframe[0].value["state"]) == ["failed"]
    at.selectbox(key="outbox_link_pick").set_value(first.id)
    at = at.run()
    assert at.code[0].value == first.link
    at = _submit(at, "Send again")
    assert "Queued again" in at.success[0].value
    with session_scope(engine) as session:
        assert session.get(OutboxMessage, first.id).state == "queued"


def test_only_admins_open_the_outbox(url, monkeypatch):
    at = page_file_as(url, "Helen Okafor", "pages/admin/outbox.py", monkeypatch)
    assert "You do not have access" in at.error[0].value
