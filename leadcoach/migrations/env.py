"""Alembic environment: the URL comes from the caller's config or from LeadCoach settings."""

from alembic import context
from sqlalchemy import create_engine, event, pool
from sqlmodel import SQLModel

import leadcoach.platform.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from leadcoach.platform.config import get_settings

config = context.config
target_metadata = SQLModel.metadata


def _url() -> str:
    return config.get_main_option("sqlalchemy.url") or get_settings().database_url


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    url = _url()
    engine = create_engine(url, poolclass=pool.NullPool)
    if url.startswith("sqlite"):
        # Batch mode copies a table and drops the old one: zero its pages, as the app's
        # connections do (platform/db.py), so no personal data stays in the free pages.
        @event.listens_for(engine, "connect")
        def _secure_delete(dbapi_connection, _record):
            dbapi_connection.execute("PRAGMA secure_delete=ON")

    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            compare_type=True,
            # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
            render_as_batch=url.startswith("sqlite"),
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
