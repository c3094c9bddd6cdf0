"""AppTest fixtures: a demo database shared by a module, and signing in as a role."""

from __future__ import annotations

import re
import time
from datetime import date

import pandas as pd
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


def markdown_cells(markdown: str) -> list[list[str]]:
    """A Markdown table's cells as GitHub-flavoured Markdown reads them: rows split on pipes
    that are not escaped, backslash escapes resolved; header row first, no delimiter row."""
    lines = markdown.splitlines()
    assert all(line.startswith("| ") and line.endswith(" |") for line in lines), markdown
    rows = []
    for line in [lines[0], *lines[2:]]:
        cells = re.split(r"(?<!\\)\|", line[1:-1])
        rows.append([re.sub(r"\\(.)", r"\1", cell.strip()) for cell in cells])
    return rows


def markdown_tables(at: AppTest) -> list[pd.DataFrame]:
    """Every table the page shows as Markdown, in order, headed by its labels; numbers as
    floats and the missing mark as NaN, the rest as text."""
    from leadcoach.ui.text import MISSING

    frames = []
    for element in at.markdown:
        if not element.value.startswith("| "):
            continue
        header, *rows = markdown_cells(element.value)
        frame = pd.DataFrame(rows, columns=header).replace(MISSING, float("nan"))
        for column in frame:
            numbers = pd.to_numeric(frame[column], errors="coerce")
            if numbers.notna().sum() == frame[column].notna().sum():
                frame[column] = numbers
        frames.append(frame)
    return frames


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    """The first Markdown table on the page that has this column."""
    return next(frame for frame in markdown_tables(at) if column in frame.columns)


def open_tab(at: AppTest, key: str, label: str) -> AppTest:
    """Open a tab of a row of tabs bound to the address (st.tabs(key=..., bind=
    "query-params")) as a link to it would, and rerun."""
    # Setting st.session_state[key] instead is lost after a widget change and a page switch
    # under AppTest (Streamlit 1.67), though not in the browser.
    at.query_params[key] = label
    return at.run()
