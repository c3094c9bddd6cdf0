"""Backup and restore of the embedded SQLite database; PostgreSQL gets pg_dump instructions.

A backup is taken with SQLite's online backup API, in one step, inside one read transaction:
in WAL mode writers carry on meanwhile, and the copy is a consistent snapshot
(https://www.sqlite.org/backup.html). A restore never writes into the live file: it builds
the new database in a temporary file beside the target and swaps it in with os.replace,
after removing the old database's -wal/-shm/-journal files, which SQLite would otherwise
replay onto the new file and corrupt it (https://www.sqlite.org/howtocorrupt.html, 1.3 and 1.4).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from leadcoach.platform.config import Settings
from leadcoach.platform.db import alembic_config, migrate
from leadcoach.platform.errors import LeadCoachError

SQLITE_MAGIC = b"SQLite format 3\x00"
# The files SQLite keeps beside a database; stale ones must never meet a different database.
SIDECARS = ("-wal", "-shm", "-journal")
# How long a restore waits for the app to let go of the database before saying it is in use.
IN_USE_TIMEOUT_S = 2.0


class BackupError(LeadCoachError):
    """A backup or restore was refused; the message says why and what to do."""


class PostgresNotSupported(BackupError):
    """The database is PostgreSQL: its own tools do backups (the message says how)."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    tables: int
    rows: int
    revision: str | None


@dataclass(frozen=True)
class RestoreResult:
    path: Path
    rows: int
    revision_before: str | None
    revision_after: str | None
    replaced: bool


def sqlite_path(settings: Settings) -> Path:
    """The SQLite file of the configured database (PostgreSQL: refused, with instructions)."""
    if not settings.is_sqlite:
        raise PostgresNotSupported(postgres_instructions(settings))
    database = make_url(settings.database_url).database
    if not database or database == ":memory:":
        raise BackupError("The configured SQLite database is in memory; there is no file.")
    return Path(database).resolve()


def postgres_instructions(settings: Settings) -> str:
    """How to back up and restore this PostgreSQL database with its own tools (no password)."""
    url = make_url(settings.database_url)
    target = (
        f"--host={url.host or 'localhost'} --port={url.port or 5432} "
        + (f"--username={url.username} " if url.username else "")
        + f"--dbname={url.database or '<database>'}"
    )
    return (
        "The database is PostgreSQL; LeadCoach backs up only its embedded SQLite file.\n"
        "Use PostgreSQL's own tools (they read the password from PGPASSWORD or ~/.pgpass):\n"
        f"  backup:  pg_dump --format=custom {target} --file=FILE\n"
        f"  restore: pg_restore --clean --if-exists --no-owner {target} FILE\n"
        "then run `python -m leadcoach init` to apply any migrations newer than the backup.\n"
        "Nothing was done."
    )


def backup(*, settings: Settings, target: Path) -> BackupResult:
    """Copy the live SQLite database to `target`; safe while the app runs."""
    source = sqlite_path(settings)
    target = Path(target).resolve()
    if not source.exists():
        raise BackupError(f"There is no database at {source}: nothing to back up.")
    if target == source or target.name.startswith(source.name + "-"):
        raise BackupError(f"{target} is the live database (or one of its files); choose another.")
    if target.is_dir():
        raise BackupError(f"{target} is a folder; give the backup's file name.")
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist.")
    _check_sqlite_file(source, "The configured database")
    temporary = _temporary_beside(target)
    try:
        _copy_database(source, temporary)
        tables, rows, revision = _summary(temporary)
        _durable_replace(temporary, target)
    finally:
        _remove_quietly(temporary)
    return BackupResult(path=target, tables=tables, rows=rows, revision=revision)


def restore(*, settings: Settings, source: Path, force: bool = False) -> RestoreResult:
    """Replace the configured SQLite database with a backup, then apply pending migrations.

    Refused when the database holds data, unless `force`; refused while another process has
    the database open (stop the app first).
    """
    target = sqlite_path(settings)
    source = Path(source).resolve()
    if not source.exists():
        raise BackupError(f"There is no backup file at {source}.")
    if source.is_dir():
        raise BackupError(f"{source} is a folder, not a backup file.")
    if source == target:
        raise BackupError(f"{source} is the configured database itself; nothing to restore.")
    _check_sqlite_file(source, "The backup")
    revision_before = _check_revision(source)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = _temporary_beside(target)
    try:
        _copy_database(source, temporary)
        rows = _summary(temporary)[1]
        replaced = _swap_in(temporary, target, force=force)
    finally:
        _remove_quietly(temporary)
    migrate(settings)
    return RestoreResult(
        path=target,
        rows=rows,
        revision_before=revision_before,
        revision_after=_summary(target)[2],
        replaced=replaced,
    )


def _check_sqlite_file(path: Path, what: str) -> None:
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_MAGIC))
    if header != SQLITE_MAGIC:
        raise BackupError(f"{what} {path} is not a SQLite database.")
    try:
        with contextlib.closing(_connect_read_only(path)) as connection:
            result = connection.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{what} {path} is not a readable SQLite database ({error}).") from None
    if result != "ok":
        raise BackupError(f"{what} {path} is damaged: {result}")


def _check_revision(path: Path) -> str | None:
    """The backup's migration revision; refuses a non-LeadCoach file or one from a newer app."""
    with contextlib.closing(_connect_read_only(path)) as connection:
        tables = _tables(connection)
        if "alembic_version" not in tables or "person" not in tables:
            raise BackupError(f"{path} is a SQLite database but not a LeadCoach backup.")
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    revision = revision[0] if revision else None
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    known = {r.revision for r in script.walk_revisions()}
    if revision is not None and revision not in known:
        raise BackupError(
            f"{path} was made by a newer LeadCoach (schema revision {revision}); "
            "upgrade LeadCoach before restoring it."
        )
    return revision


def _connect_read_only(path: Path) -> sqlite3.Connection:
    # mode=ro: a read never creates or changes the file it checks.
    return sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)


def _copy_database(source: Path, destination: Path) -> None:
    """Online backup of source into a fresh, self-contained destination file (no -wal)."""
    _remove_quietly(destination)
    with (
        contextlib.closing(sqlite3.connect(source, timeout=30)) as src,
        contextlib.closing(sqlite3.connect(destination)) as dst,
    ):
        # pages=-1 copies everything in one step, in one read transaction: a consistent
        # snapshot that concurrent writers (WAL) cannot force to restart.
        src.backup(dst, pages=-1)
        # The copy inherits WAL mode from the header; switch it back so the backup is one file.
        dst.execute("PRAGMA journal_mode=DELETE")
        result = dst.execute("PRAGMA quick_check").fetchone()[0]
    if result != "ok":
        raise BackupError(f"The copy failed its integrity check: {result}")
    for suffix in SIDECARS:
        _remove_quietly(Path(f"{destination}{suffix}"))


def _swap_in(temporary: Path, target: Path, *, force: bool) -> bool:
    """Put the new database in place; True when an existing database was replaced."""
    existed = target.exists() and target.stat().st_size > 0
    if existed:
        _check_sqlite_file(target, "The configured database")
        with contextlib.closing(sqlite3.connect(target, timeout=IN_USE_TIMEOUT_S)) as connection:
            rows = _row_count(connection)
            if rows and not force:
                raise BackupError(
                    f"The database {target} is not empty ({rows} rows). Back it up first "
                    "if you need it, then restore with --force to replace it."
                )
            # Leaving WAL needs the only connection: this checkpoints the old -wal into the old
            # file and deletes it, and fails while the app (or anyone) has the database open.
            try:
                mode = connection.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
            except sqlite3.OperationalError:
                mode = None
            if mode != "delete":
                raise BackupError(
                    f"The database {target} is in use (is the app running?). "
                    "Stop the app, then restore."
                )
    # Whatever is left beside the old file belongs to it and must not meet the new one.
    for suffix in SIDECARS:
        _remove_quietly(Path(f"{target}{suffix}"))
    _durable_replace(temporary, target)
    return existed


def _durable_replace(temporary: Path, target: Path) -> None:
    with temporary.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, target)
    # Make the rename itself durable (POSIX: fsync the folder).
    with contextlib.suppress(OSError):
        folder = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def _summary(path: Path) -> tuple[int, int, str | None]:
    """(tables, rows, migration revision) of a SQLite file."""
    with contextlib.closing(_connect_read_only(path)) as connection:
        tables = _tables(connection)
        revision = None
        if "alembic_version" in tables:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
        return len(tables), _row_count(connection), revision


def _tables(connection: sqlite3.Connection) -> list[str]:
    return [
        name
        for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]


# Bookkeeping a migration writes into every database, empty or not.
BOOKKEEPING_TABLES = {"alembic_version", "dataversion"}


def _row_count(connection: sqlite3.Connection) -> int:
    """Rows of data (bookkeeping tables do not count)."""
    total = 0
    for name in _tables(connection):
        if name not in BOOKKEEPING_TABLES:
            quoted = name.replace('"', '""')
            total += connection.execute(f'SELECT COUNT(*) FROM "{quoted}"').fetchone()[0]
    return total


def _temporary_beside(path: Path) -> Path:
    # Same folder, so os.replace is an atomic rename on the same file system.
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def _remove_quietly(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
