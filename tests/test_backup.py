"""Backups and restores: a restored database holds exactly the backed-up rows, nothing else."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlmodel import select

from leadcoach import cli
from leadcoach.demo import load_demo
from leadcoach.platform import backup
from leadcoach.platform.config import Settings
from leadcoach.platform.db import alembic_config, make_engine, migrate, session_scope
from leadcoach.platform.models import AuditEvent, Person
from tests import REPO_ROOT

DEMO_TODAY = date(2026, 11, 2)
HEAD = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def _url(path: Path) -> str:
    return f"sqlite:///{path}"


def _demo_database(path: Path, instrument) -> Settings:
    settings = Settings(database_url=_url(path))
    migrate(settings)
    engine = make_engine(settings)
    with session_scope(engine) as session:
        load_demo(
            session=session, instrument=instrument, password="demo password 1", today=DEMO_TODAY
        )
    engine.dispose()
    return settings


def _rows(path: Path, tables: list[str] | None = None) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as connection:
        names = tables or [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            name: sorted(connection.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
            for name in names
        }


def _sidecars(path: Path) -> list[str]:
    return [s for s in backup.SIDECARS if Path(f"{path}{s}").exists()]


@pytest.fixture(scope="module")
def demo_backup(tmp_path_factory, instrument) -> tuple[Path, Path]:
    """(live demo database, a backup of it), made once for the module."""
    folder = tmp_path_factory.mktemp("demo")
    settings = _demo_database(folder / "live.db", instrument)
    assert cli.main(["backup", str(folder / "demo.backup")], settings=settings) == 0
    return folder / "live.db", folder / "demo.backup"


def test_restore_into_an_empty_database_reproduces_every_row(demo_backup, sqlite_settings, capsys):
    live, saved = demo_backup
    assert cli.main(["restore", str(saved)], settings=sqlite_settings) == 0
    assert "Restored" in capsys.readouterr().out
    target = backup.sqlite_path(sqlite_settings)
    source_rows, restored_rows = _rows(live), _rows(target)
    assert set(restored_rows) == set(source_rows)
    assert restored_rows == source_rows
    assert sum(len(rows) for rows in source_rows.values()) > 4000  # the demo, not a stub
    assert _sidecars(saved) == []  # a backup is one self-contained file
    # The restored database works through the app's own engine (WAL is switched back on).
    engine = make_engine(sqlite_settings)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("SELECT COUNT(*) FROM submission").scalar() > 20
    engine.dispose()


def test_restore_creates_a_missing_database(demo_backup, tmp_path):
    live, saved = demo_backup
    settings = Settings(database_url=_url(tmp_path / "new" / "fresh.db"))
    result = backup.restore(settings=settings, source=saved)
    assert result.replaced is False and result.revision_after == HEAD
    assert _rows(result.path) == _rows(live)


def test_restore_refuses_a_database_with_data_unless_forced(demo_backup, tmp_path, capsys):
    _live, saved = demo_backup
    target = tmp_path / "busy.db"
    # An app killed mid-run: committed rows still only in its -wal, never checkpointed.
    script = (
        "import os, sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1])\n"
        "c.execute('PRAGMA journal_mode=WAL'); c.execute('PRAGMA wal_autocheckpoint=0')\n"
        "c.execute('CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT)')\n"
        "c.executemany('INSERT INTO person (name) VALUES (?)', [('old',)] * 500)\n"
        "c.commit(); os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(target)], check=True)
    assert _sidecars(target) == ["-wal", "-shm"]
    settings = Settings(database_url=_url(target))

    assert cli.main(["restore", str(saved)], settings=settings) == 1
    error = capsys.readouterr().err
    assert "not empty (500 rows)" in error and "--force" in error
    assert sorted(_rows(target, ["person"])["person"]) == [(i, "old") for i in range(1, 501)]

    assert cli.main(["restore", str(saved), "--force"], settings=settings) == 0
    assert "replacing the previous database" in capsys.readouterr().out
    assert _sidecars(target) == []
    assert _rows(target) == _rows(saved)
    with contextlib.closing(sqlite3.connect(target)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert not list(tmp_path.glob(".*.tmp"))


def test_restore_refuses_while_the_database_is_open(demo_backup, sqlite_settings, monkeypatch):
    monkeypatch.setattr(backup, "IN_USE_TIMEOUT_S", 0.2)
    engine = make_engine(sqlite_settings)  # the running app: an open WAL connection
    with engine.connect() as connection:
        connection.exec_driver_sql("SELECT COUNT(*) FROM person").scalar()
        with pytest.raises(backup.BackupError, match=r"in use \(is the app running\?\)"):
            backup.restore(settings=sqlite_settings, source=demo_backup[1], force=True)
    engine.dispose()
    assert _rows(backup.sqlite_path(sqlite_settings), ["person"])["person"] == []


def test_an_older_backup_is_upgraded_on_restore(tmp_path):
    # A database of LeadCoach as it was at migration 0002, with rows written in its schema.
    old = Settings(database_url=_url(tmp_path / "old.db"))
    command.upgrade(alembic_config(old.database_url), "0002")
    with contextlib.closing(sqlite3.connect(tmp_path / "old.db")) as connection, connection:
        connection.execute("INSERT INTO team (id, name, site) VALUES (1, 'Leeds Billing', 'Leeds')")
        connection.execute(
            "INSERT INTO person (name, email, role, team_id, manages_remote, oversees_vendor, "
            "created_at) VALUES ('Ana Lima', 'ana@example.com', 'supervisor', 1, 0, 0, "
            "'2026-01-05 09:00:00.000000')"
        )
    saved = tmp_path / "old.backup"
    assert backup.backup(settings=old, target=saved).revision == "0002"
    settings = Settings(database_url=_url(tmp_path / "restored.db"))
    result = backup.restore(settings=settings, source=saved)
    assert (result.revision_before, result.revision_after) == ("0002", HEAD)
    shared = [name for name in _rows(saved) if name != "alembic_version"]
    # Every row kept, column for column; later migrations may add columns after them.
    restored = _rows(result.path, shared)
    for name, rows in _rows(saved, shared).items():
        assert [row[: len(old)] for row, old in zip(restored[name], rows, strict=True)] == rows
    assert "coachingnote" in _rows(result.path)  # a table that 0002 did not have
    engine = make_engine(settings)  # today's models read the upgraded database
    with session_scope(engine) as session:
        assert session.exec(select(Person.email)).all() == ["ana@example.com"]
    engine.dispose()


def test_backup_while_the_app_writes(sqlite_settings, tmp_path):
    engine = make_engine(sqlite_settings)
    stop = threading.Event()
    errors: list[BaseException] = []

    def write() -> None:
        try:
            while not stop.is_set():
                with session_scope(engine) as session:
                    session.add(AuditEvent(action="test.write", detail="x" * 200))
        except BaseException as error:  # reported below, never swallowed
            errors.append(error)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        counts = []
        for n in range(3):
            result = backup.backup(settings=sqlite_settings, target=tmp_path / f"b{n}.db")
            with contextlib.closing(sqlite3.connect(result.path)) as connection:
                assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
                counts.append(connection.execute("SELECT COUNT(*) FROM auditevent").fetchone()[0])
    finally:
        stop.set()
        writer.join()
        engine.dispose()
    assert errors == []
    assert counts == sorted(counts) and counts[-1] > 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["restore", "{tmp}/missing.db"], "There is no backup file at"),
        (["restore", "{readme}"], "is not a SQLite database"),
        (["restore", "{tmp}/other.db"], "is a SQLite database but not a LeadCoach backup"),
        (["restore", "{tmp}"], "is a folder"),
        (["backup", "{tmp}/nowhere/b.db"], "does not exist"),
        (["backup", "{live}"], "is the live database"),
    ],
)
def test_clear_messages(argv, message, sqlite_settings, tmp_path, capsys):
    with contextlib.closing(sqlite3.connect(tmp_path / "other.db")) as other:
        other.execute("CREATE TABLE notes (text)")
    live = backup.sqlite_path(sqlite_settings)
    places = {"tmp": tmp_path, "readme": REPO_ROOT / "README.md", "live": live}
    before = live.read_bytes()
    assert cli.main([a.format(**places) for a in argv], settings=sqlite_settings) == 1
    error = capsys.readouterr().err
    assert message in error and "Traceback" not in error
    assert live.read_bytes() == before


def test_backup_of_a_missing_database_is_refused(tmp_path, capsys):
    settings = Settings(database_url=_url(tmp_path / "none.db"))
    assert cli.main(["backup", str(tmp_path / "b.db")], settings=settings) == 1
    assert "There is no database at" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists() and not (tmp_path / "b.db").exists()


@pytest.mark.parametrize("command_name", ["backup", "restore"])
def test_postgres_gets_instructions_and_nothing_is_done(command_name, tmp_path, capsys):
    settings = Settings(database_url="postgresql+psycopg://lead:s3cret-pw@db.internal:6543/coach")
    file = tmp_path / "pg.dump"
    assert cli.main([command_name, str(file)], settings=settings) == 1
    error = capsys.readouterr().err
    assert "pg_dump --format=custom --host=db.internal --port=6543" in error
    assert "pg_restore" in error and "--dbname=coach" in error
    assert "s3cret-pw" not in error
    assert not file.exists()


def test_backup_and_restore_from_the_command_line(demo_backup, tmp_path):
    _live, saved = demo_backup
    env = dict(os.environ, LEADCOACH_DATABASE_URL=_url(tmp_path / "cli.db"))

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "leadcoach", *args],
            cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    restored = run("restore", str(saved))
    assert restored.returncode == 0, restored.stderr
    again = run("restore", str(saved))
    assert again.returncode == 1 and "--force" in again.stderr
    copied = run("backup", str(tmp_path / "copy.db"))
    assert copied.returncode == 0, copied.stderr
    assert _rows(tmp_path / "copy.db") == _rows(saved)
