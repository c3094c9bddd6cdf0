"""data version: one row that triggers bump when submissions or people change

Revision ID: 0005
Revises: 0004
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

BUMP = "UPDATE dataversion SET counter = counter + 1 WHERE id = 1"
# (trigger name, table, events): what the organisation-wide figures are computed from.
# Scores are written and erased together with their submission, so its triggers cover them.
SQLITE_TRIGGERS = [
    ("dataversion_submission_insert", "submission", "INSERT"),
    ("dataversion_submission_delete", "submission", "DELETE"),
    ("dataversion_person_insert", "person", "INSERT"),
    ("dataversion_person_delete", "person", "DELETE"),
    ("dataversion_person_update", "person", "UPDATE OF role, team_id"),
]
POSTGRES_TRIGGERS = [
    ("dataversion_submission", "submission", "INSERT OR DELETE"),
    ("dataversion_person", "person", "INSERT OR DELETE OR UPDATE OF role, team_id"),
]


def upgrade() -> None:
    op.create_table(
        "dataversion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lineage", sa.BigInteger(), nullable=False),
        sa.Column("counter", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute(
        sa.text("INSERT INTO dataversion (id, lineage, counter) VALUES (1, :lineage, 0)").bindparams(
            lineage=secrets.randbits(62)
        )
    )
    if op.get_bind().dialect.name == "postgresql":
        # Statement-level: a bulk COPY or a cascade of deletes bumps it once, not per row.
        op.execute(
            "CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {BUMP}; RETURN NULL; END $$"
        )
        for name, table, events in POSTGRES_TRIGGERS:
            op.execute(
                f"CREATE TRIGGER {name} AFTER {events} ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()"
            )
    else:
        # SQLite has row-level triggers only; one in-place update per row is cheap.
        for name, table, events in SQLITE_TRIGGERS:
            op.execute(f"CREATE TRIGGER {name} AFTER {events} ON {table} BEGIN {BUMP}; END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, table, _ in POSTGRES_TRIGGERS:
            op.execute(f"DROP TRIGGER {name} ON {table}")
        op.execute("DROP FUNCTION bump_data_version()")
    else:
        for name, _, _ in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    op.drop_table("dataversion")
