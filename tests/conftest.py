"""Shared fixtures: a migrated database per test, on SQLite and on PostgreSQL."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from leadcoach.instrument import bank
from leadcoach.platform.config import PACKAGE_ROOT, Settings
from leadcoach.platform.db import make_engine, migrate

POSTGRES_URL = os.environ.get(
    "LEADCOACH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
# One template per test process: parallel workers (pytest-xdist) and other runs on the same
# server never drop each other's template.
_TEMPLATE = f"leadcoach_test_template_{os.getpid()}"
_template_ready = False


def _postgres_admin_engine():
    return create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")


def _unreachable(reason: str) -> None:
    # CI must prove the PostgreSQL path: there, an unreachable server fails the run.
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"PostgreSQL is required in CI but unreachable: {reason}")
    pytest.skip(f"PostgreSQL unreachable: {reason}")


def _fresh_postgres_database() -> str:
    """A new database cloned from a migrated template (much faster than migrating each)."""
    global _template_ready
    try:
        admin = _postgres_admin_engine()
        with admin.connect() as connection:
            if not _template_ready:
                connection.execute(text(f"DROP DATABASE IF EXISTS {_TEMPLATE} WITH (FORCE)"))
                connection.execute(text(f"CREATE DATABASE {_TEMPLATE}"))
                template_url = make_url(POSTGRES_URL).set(database=_TEMPLATE)
                migrate(Settings(database_url=template_url.render_as_string(False)))
                _template_ready = True
            name = f"leadcoach_test_{uuid.uuid4().hex[:12]}"
            connection.execute(text(f"CREATE DATABASE {name} TEMPLATE {_TEMPLATE}"))
    except Exception as error:
        _unreachable(str(error).splitlines()[0])
    return make_url(POSTGRES_URL).set(database=name).render_as_string(False)


@pytest.fixture(scope="session", autouse=True)
def _drop_postgres_template() -> Iterator[None]:
    yield
    if _template_ready:
        with _postgres_admin_engine().connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {_TEMPLATE} WITH (FORCE)"))


def _drop_postgres_database(url: str) -> None:
    name = make_url(url).database
    with _postgres_admin_engine().connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def settings(request, tmp_path) -> Iterator[Settings]:
    """Settings for a freshly migrated, empty database of each kind."""
    if request.param == "sqlite":
        configured = Settings(database_url=f"sqlite:///{tmp_path / 'leadcoach.db'}")
        migrate(configured)
        yield configured
        return
    url = _fresh_postgres_database()
    yield Settings(database_url=url)
    _drop_postgres_database(url)


@pytest.fixture
def sqlite_settings(tmp_path) -> Settings:
    """A migrated SQLite database only (for tests of the embedded default)."""
    configured = Settings(database_url=f"sqlite:///{tmp_path / 'leadcoach.db'}")
    migrate(configured)
    return configured


@pytest.fixture
def engine(settings):
    created = make_engine(settings)
    yield created
    created.dispose()


@pytest.fixture(scope="session")
def instrument() -> bank.Instrument:
    return bank.load_bank(PACKAGE_ROOT / "assessments").current("leadcoach-core")


# --- The demo organisation, built once per test run ------------------------------------
# Loading the demo (242 people, three rounds, KPIs, 360 rounds) takes seconds of CPU, and
# a dozen browser modules and the AppTest pages each want a database of their own to
# change. It is built once, by the command line as a person would (`leadcoach demo`), into
# a folder the run's workers share, and every caller gets a copy.
DEMO_TODAY = "2026-11-02"
_demo_cache: Path | None = None


@pytest.fixture(scope="session", autouse=True)
def _demo_cache_folder(tmp_path_factory) -> None:
    global _demo_cache
    base = tmp_path_factory.getbasetemp()
    # Under pytest-xdist each worker's folder sits in the run's own; that one is shared.
    _demo_cache = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "demo"
    _demo_cache.mkdir(exist_ok=True)


def demo_copy(folder: Path) -> str:
    """A SQLite database in `folder` holding the demo organisation; its URL."""
    assert _demo_cache is not None, "the session fixture sets the cache folder"
    built = _demo_cache / "demo.db"
    with open(_demo_cache / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one worker builds; the others wait for it
        if not built.exists():
            building = _demo_cache / "building.db"
            loaded = subprocess.run(
                [sys.executable, "-m", "leadcoach", "demo", "--today", DEMO_TODAY],
                cwd=Path(__file__).parent.parent,
                env={**os.environ, "LEADCOACH_DATABASE_URL": f"sqlite:///{building}"},
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert loaded.returncode == 0, loaded.stderr
            _backup(building, built)
    target = folder / "demo.db"
    _backup(built, target)
    return f"sqlite:///{target}"


def _backup(source: Path, target: Path) -> None:
    # SQLite's online backup copies what a WAL file holds too (a file copy might not).
    with sqlite3.connect(source) as read, sqlite3.connect(target) as write:
        read.backup(write)
    read.close()
    write.close()


# --- Slowest files first -------------------------------------------------------------------
# `make test` runs on two workers, a file at a time each (pytest-xdist --dist loadfile
# --no-loadscope-reorder, so files are handed out in this order). A long file handed out
# last runs alone at the end while the other worker idles; started first, the short files
# fill in around it. The order within a file is kept (sorting is stable), so module
# fixtures still serve their tests together. From the per-file times of a run on a quiet
# machine (`pytest -n 2 --junitxml`), slowest first.
SLOW_FIRST = (
    "tests/e2e/test_bench_browser.py",
    "tests/e2e/test_phone.py",
    "tests/e2e/test_arabic.py",
    "tests/e2e/test_accessibility.py",
    "tests/e2e/test_supervisor_journey.py",
    "tests/e2e/test_coach_journey.py",
    "tests/e2e/test_two_servers.py",
    "tests/e2e/test_rater_browser.py",
    "tests/ui/test_role_languages.py",
    "tests/e2e/test_kpi_journey.py",
    "tests/e2e/test_install.py",
    "tests/test_bench.py",
    "tests/e2e/test_keyboard.py",
    "tests/e2e/test_sso.py",
    "tests/e2e/test_sign_in.py",
    "tests/e2e/test_hr_journey.py",
    "tests/e2e/test_email_link.py",
    "tests/e2e/test_injection.py",
    "tests/test_small_groups.py",
    "tests/test_quality.py",
    "tests/test_roster.py",
)


def pytest_collection_modifyitems(items) -> None:
    rank = {path: position for position, path in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))
