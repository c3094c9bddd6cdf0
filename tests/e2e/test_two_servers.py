"""Two app servers on one PostgreSQL database see each other's writes at once (issue 8)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests import REPO_ROOT
from tests.conftest import DEMO_TODAY, POSTGRES_URL
from tests.e2e.conftest import open_as, start_server, stop_server

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]


@pytest.fixture
def shared_postgres():
    """A fresh PostgreSQL database loaded with the demo by the command line."""
    name = f"leadcoach_two_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name}"))
    except Exception as error:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL is required in CI but unreachable: {error}")
        pytest.skip(f"PostgreSQL unreachable: {str(error).splitlines()[0]}")
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(False)
    loaded = subprocess.run(
        [sys.executable, "-m", "leadcoach", "demo", "--today", DEMO_TODAY],
        cwd=REPO_ROOT, env={**os.environ, "LEADCOACH_DATABASE_URL": url},
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert loaded.returncode == 0, loaded.stderr
    yield url
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def test_an_answer_saved_on_one_server_is_there_on_the_other_at_once(
    shared_postgres, browser, tmp_path
):
    first = start_server(shared_postgres, tmp_path / "first.log")
    second = start_server(shared_postgres, tmp_path / "second.log")
    try:
        assert first.url != second.url
        # A new supervisor starts the assessment and answers a statement on one server...
        writer = open_as(browser, first, "Sam Torres", "home")
        writer.get_by_role("link", name="Start the assessment").click()
        writer.get_by_role("button", name="Start the assessment").click()
        writer.get_by_role("button", name="Next").click()
        writer.get_by_role("heading", name="Decisive Judgement & Foresight").wait_for()
        writer.get_by_role("radiogroup").first.get_by_text("Often", exact=True).click()
        writer.get_by_text("1 of").first.wait_for()
        # ... and opens it on the other: the draft and its answer are there at once.
        reader = open_as(browser, second, "Sam Torres", "assessment")
        reader.get_by_text("answers saved").first.wait_for(timeout=10_000)
        assert _saved(reader) == 1
        writer.context.close()
        reader.context.close()
    finally:
        stop_server(first)
        stop_server(second)


def _saved(page) -> int:
    """The "N of M answers saved" count the assessment page shows."""
    shown = page.get_by_text(re.compile(r"\d+ of \d+ answers saved")).first.inner_text()
    return int(re.search(r"(\d+) of \d+ answers saved", shown).group(1))
