"""AppTest fixtures: a demo database shared by a module, and signing in as a role."""

from __future__ import annotations

import time
from datetime import date
from html.parser import HTMLParser

import pandas as pd
import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from leadcoach.demo import email_for
from leadcoach.platform.config import PACKAGE_ROOT, Settings
from leadcoach.platform.db import make_engine, session_scope
from leadcoach.platform.models import Person
from tests.conftest import demo_copy

DEMO_TODAY = date(2026, 11, 2)
APP = str(PACKAGE_ROOT / "ui" / "app.py")


@pytest.fixture(scope="session")
def demo_url(tmp_path_factory) -> str:
    return demo_copy(tmp_path_factory.mktemp("demo"))


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


class _TableReader(HTMLParser):
    """Rows of cell texts of an HTML table, header row first."""

    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("th", "td"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table_cells(html: str) -> list[list[str]]:
    """An HTML table's cells as a browser shows them (entities resolved), header row first."""
    reader = _TableReader()
    reader.feed(html)
    return reader.rows


def shown_tables(at: AppTest) -> list[pd.DataFrame]:
    """Every table the page shows (leadcoach.ui.tables), in order, headed by its labels;
    numbers as floats and the missing mark as NaN, the rest as text."""
    from leadcoach.ui.tables import MISSING

    frames = []
    for element in at.html:
        if not element.value.startswith("<table"):
            continue
        header, *rows = table_cells(element.value)
        frame = pd.DataFrame(rows, columns=header).replace(MISSING, float("nan"))
        for column in frame:
            numbers = pd.to_numeric(frame[column], errors="coerce")
            if numbers.notna().sum() == frame[column].notna().sum():
                frame[column] = numbers
        frames.append(frame)
    return frames


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    """The first table on the page that has this column."""
    return next(frame for frame in shown_tables(at) if column in frame.columns)


# The tabs of a page that a walk over every page opens too (st.tabs bound to ?view=).
PAGE_TABS = {
    "pages/hr/review.py": [
        "Scores at each round",
        "Breakdowns",
        "Another cohort",
        "Who to chase",
        "Team numbers",
    ],
    "pages/coach/team.py": ["Against the organisation", "Who to remind", "Team growth"],
}


def walk_pages(at: AppTest, pages: list[str], tabs: dict | None = None):
    """The one page walk of the AppTest suites: open each page in this signed-in app (and each
    of its tabs in `tabs`), assert it drew a title without an error, and yield (where, at)
    for the caller's own checks of what it shows."""
    for page in pages:
        at.switch_page(page).run()
        assert not at.exception, f"{page}: {at.exception}"
        assert at.title, f"{page} shows no title"
        yield page, at
        for label in (tabs or {}).get(page, ()):
            open_tab(at, "view", label)
            assert not at.exception, f"{page} {label}: {at.exception}"
            yield f"{page} {label}", at


def open_tab(at: AppTest, key: str, label: str) -> AppTest:
    """Open a tab of a row of tabs bound to the address (st.tabs(key=..., bind=
    "query-params")) as a link to it would, and rerun."""
    # Setting st.session_state[key] instead is lost after a widget change and a page switch
    # under AppTest (Streamlit 1.67), though not in the browser.
    at.query_params[key] = label
    return at.run()
