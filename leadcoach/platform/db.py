"""Engine factory, session scope and schema migrations (Alembic is the only schema source)."""

from __future__ import annotations

import logging
import random
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, event
from sqlmodel import Session, create_engine

from leadcoach.platform.config import PACKAGE_ROOT, Settings
from leadcoach.platform.write_queue import WriteQueue

MIGRATIONS_DIR = PACKAGE_ROOT / "migrations"


def make_engine(settings: Settings) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys, secure delete, a busy timeout and
    write transactions that wait their turn (see _queue_sqlite_writes)."""
    url = settings.database_url
    if settings.is_sqlite:
        _ensure_sqlite_folder(url)
        # Pool: SQLAlchemy's default (5 + 10 overflow) made the 16th to 20th of twenty raters
        # saving at once wait for a connection, and under CPU load the threads handing
        # connections back took them again first (the pool does not queue its waiters fairly)
        # until the waiters' 30 s ran out: TimeoutError, answers lost (issue 22, "20 raters
        # submitting at once lose nothing"; seen 1 run in 2 beside two CPU burners). A
        # SQLite connection is only a file handle and a lazily filled page cache, and the
        # writes queue in _queue_sqlite_writes whatever the pool, so room for 30 people at
        # once, as on PostgreSQL.
        engine = create_engine(
            url, connect_args={"check_same_thread": False}, pool_size=10, max_overflow=20
        )
        timeout = settings.sqlite_busy_timeout_ms

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            # WAL lets readers proceed while one writer commits; NORMAL is durable in WAL
            # mode except for the last transactions on power loss, never corrupting.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(timeout)}")
            # Deleted rows are overwritten with zeros, not just unlinked, so an erased
            # person's data cannot be read from the file (https://sqlite.org/pragma.html
            # #pragma_secure_delete); see scrub_after_commit for the -wal file.
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.close()
            # LeadCoach, not the sqlite3 module, begins transactions (_queue_sqlite_writes).
            dbapi_connection.isolation_level = None

        _queue_sqlite_writes(engine, timeout / 1000)
        return engine
    # 30 connections at most per process (of PostgreSQL's 100 by default): twenty raters at
    # once, with room, never wait for a connection (the pool's 20 were exactly the test's 20).
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


# Statements that only read: they run on their own, outside any transaction, until the
# unit of work first writes. BEGIN/COMMIT/ROLLBACK/RELEASE are transaction control.
_READS = frozenset({"SELECT", "PRAGMA", "EXPLAIN", "VALUES", "BEGIN", "COMMIT", "ROLLBACK",
                    "END", "RELEASE"})  # fmt: skip
_TURN = "leadcoach_write_turn"  # in a pooled connection's info while it holds the queue


def _writes(statement: str, context) -> bool:
    """True unless the statement surely only reads (unknown counts as a write: safe)."""
    words = statement.lstrip().split(None, 1)
    keyword = words[0].upper() if words else ""
    if keyword == "WITH" and context is not None and not context.is_text:
        # A compiled common table expression: SQLAlchemy knows whether it writes.
        return bool(context.isinsert or context.isupdate or context.isdelete)
    return keyword not in _READS


def _queue_sqlite_writes(engine: Engine, timeout_s: float) -> None:
    """Begin each write transaction with BEGIN IMMEDIATE once it is this writer's turn;
    reads before a unit of work's first write run outside a transaction, as before.

    Why IMMEDIATE: a deferred transaction that has read and then writes must upgrade its
    read lock, and in WAL mode SQLite fails that upgrade at once (SQLITE_BUSY, or
    SQLITE_BUSY_SNAPSHOT when another writer committed since the read) without calling the
    busy handler (https://sqlite.org/lang_transaction.html, https://sqlite.org/wal.html).
    BEGIN IMMEDIATE takes the write lock before anything else, so it can wait for it.
    (The sqlite3 module, which began transactions before, also began them just before the
    first write, with no read in between; and it let a SAVEPOINT open the transaction, so
    releasing that SAVEPOINT committed. Now a SAVEPOINT is counted as a write and nests.)

    Why at the first write and not when the session opens: pages open one session for a
    whole page and mostly only read; taking the write lock there would hold it while a page
    is drawn, so every page view and every autosave would wait for each other. Nothing has
    to be declared, so no caller can forget to, and a page that only reads never waits.

    Why the waiting is ours: SQLite's busy handler backs off to 100 ms between tries
    (sqliteDefaultBusyCallback in SQLite's main.c), so under a steady stream of saves a
    writer that has waited long tries least often and newcomers keep getting in first,
    until its busy timeout runs out: "database is locked" on a busy machine, though no
    single save was slow. So the writers of one process (the app server is one process)
    queue first come, first served (WriteQueue), and the first in line of each process
    tries BEGIN IMMEDIATE at an even pace, so a process that has waited long tries as often
    as one that just wrote. Between processes (in practice the server and a command) this
    is not a strict queue: a process can keep the lock for a few of its own queued writers.
    The whole wait is bounded by LEADCOACH_SQLITE_BUSY_TIMEOUT_MS.

    Alembic migrations use their own engine (migrations/env.py) and are not affected.
    """
    queue = WriteQueue()
    busy_timeout_ms = int(timeout_s * 1000)

    def _end_turn(info) -> None:
        if info.pop(_TURN, False):
            queue.release()

    @event.listens_for(engine, "before_cursor_execute")
    def _begin_immediate(conn, cursor, statement, _parameters, context, _executemany):
        if conn.connection.dbapi_connection.in_transaction or not _writes(statement, context):
            return
        deadline = time.monotonic() + timeout_s
        if not conn.info.get(_TURN):
            if not queue.acquire(timeout_s):
                raise sqlite3.OperationalError(
                    "database is locked (the writes queued before this one took longer "
                    "than LEADCOACH_SQLITE_BUSY_TIMEOUT_MS)"
                )
            conn.info[_TURN] = True
        try:
            _begin_when_free(cursor, deadline)
        except BaseException:
            _end_turn(conn.info)
            raise

    def _begin_when_free(cursor, deadline: float) -> None:
        cursor.execute("PRAGMA busy_timeout=0")
        try:
            while True:
                try:
                    cursor.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as error:
                    busy = getattr(error, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_BUSY
                    if not busy or time.monotonic() >= deadline:
                        raise
                # Jittered, so the processes' writers do not retry in lockstep.
                time.sleep(random.uniform(0.0005, 0.002))
        finally:
            cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")

    # The turn ends with the transaction. COMMIT and ROLLBACK are sent right after these
    # events; the next writer's BEGIN IMMEDIATE retries through that last moment. A
    # connection closed, invalidated or returned to the pool without either ends it too.
    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _transaction_end(conn):
        _end_turn(conn.info)

    def _end_turn_of_record(_dbapi_connection, record, *_exception) -> None:
        _end_turn(record.info)

    for pool_event in ("checkin", "close", "detach", "invalidate", "soft_invalidate"):
        event.listen(engine.pool, pool_event, _end_turn_of_record)


def _ensure_sqlite_folder(url: str) -> None:
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


_SCRUB = "leadcoach_scrub_files"  # in a session's info: checkpoint once it commits
_CHECKPOINT_ATTEMPTS = 3
log = logging.getLogger(__name__)


def scrub_after_commit(session: Session) -> None:
    """Once this session commits, leave nothing it deleted readable in SQLite's files.

    Secure delete (see make_engine) zeroes deleted rows in the pages written, but those
    pages go to the -wal file first, and earlier versions of them, holding the rows, stay in
    it and in the main file until a checkpoint. PRAGMA wal_checkpoint(TRUNCATE) copies every
    page into the main file and empties the -wal file (https://sqlite.org/pragma.html
    #pragma_wal_checkpoint). Nothing to do on PostgreSQL: there the space of deleted rows is
    reclaimed by VACUUM, which the database's administrator runs (autovacuum by default).
    """
    session.info[_SCRUB] = True


@event.listens_for(Session, "after_commit")
def _scrub_committed(session: Session) -> None:
    if session.info.pop(_SCRUB, False):
        engine = session.get_bind()
        if engine.dialect.name == "sqlite":
            checkpoint_wal(engine)


@event.listens_for(Session, "after_rollback")
def _nothing_to_scrub(session: Session) -> None:
    session.info.pop(_SCRUB, None)


def checkpoint_wal(engine: Engine) -> bool:
    """Copy SQLite's -wal file into the main file and truncate it; False if readers kept it.

    The checkpoint waits (up to the busy timeout) for transactions still reading older pages
    from the -wal file; LeadCoach's reads are single statements outside transactions, so
    this wait is short. If readers still hold it after a few tries, the deleted rows are
    gone from the database, but older page versions stay readable in the -wal file until a
    truncating checkpoint completes (the next erasure's) or the last connection closes (the
    server stops), when SQLite deletes the file; this is logged as a warning.
    """
    with engine.connect() as connection:
        for attempt in range(_CHECKPOINT_ATTEMPTS):
            busy, _frames, _copied = connection.exec_driver_sql(
                "PRAGMA wal_checkpoint(TRUNCATE)"
            ).one()
            if not busy:
                return True
            time.sleep(0.05 * (attempt + 1))
    log.warning(
        "Readers kept the SQLite -wal file from being emptied after an erasure; the erased "
        "rows are deleted, but older copies stay in the -wal file until the next checkpoint."
    )
    return False


def alembic_config(database_url: str) -> Config:
    """Alembic configuration pointing at this project's migrations and the given database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def migrate(settings: Settings) -> None:
    """Apply every pending migration (idempotent; the app calls this on start)."""
    if settings.is_sqlite:
        _ensure_sqlite_folder(settings.database_url)
    command.upgrade(alembic_config(settings.database_url), "head")


def pending_migrations(engine: Engine) -> bool:
    """True when the database is behind the newest migration."""
    script = ScriptDirectory.from_config(alembic_config(str(engine.url)))
    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    return current != set(script.get_heads())
