"""AppTest fixtures: a demo database shared by a module, and signing in as a role."""

from __future__ import annotations

import time
from datetime import date

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from leadcoach import bank
from leadcoach.config import PROJECT_ROOT, Settings
from leadcoach.db import make_engine, migrate, session_scope
from leadcoach.demo import email_for, load_demo
from leadcoach.models import Person

DEMO_TODAY = date(2026, 11, 2)
APP = str(PROJECT_ROOT / "app.py")


@pytest.fixture(scope="session")
def demo_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    settings = Settings(database_url=url)
    migrate(settings)
    instrument = bank.load_bank(settings.assessments_dir).current(settings.instrument_id)
    with session_scope(make_engine(settings)) as session:
        load_demo(
            session=session, instrument=instrument, password=settings.demo_password,
            today=DEMO_TODAY,
        )  # fmt: skip
    return url


def person_id(url: str, name: str) -> int:
    with session_scope(make_engine(Settings(database_url=url))) as session:
        return session.exec(select(Person.id).where(Person.email == email_for(name))).one()


def app_signed_in_as(url: str, name: str, monkeypatch) -> AppTest:
    """An AppTest of the app with this demo person signed in (as the sign-in form does)."""
    monkeypatch.setenv("LEADCOACH_DATABASE_URL", url)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["_auth_person_id"] = person_id(url, name)
    at.session_state["_auth_last_activity"] = time.time()
    return at
