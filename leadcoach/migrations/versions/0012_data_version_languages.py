"""data version: a person's own settings (interface language, time zone) no longer move it;
a change of language moves a counter of its own, `languages`, which only the caches of
figures broken down by the members' language (cohort reviews) check (issue 25: switching
language in the app recomputed every organisation-wide figure, seconds at 10,000 people)

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

BUMP = "UPDATE dataversion SET counter = counter + 1 WHERE id = 1"
BUMP_LANGUAGES = "UPDATE dataversion SET languages = languages + 1 WHERE id = 1"
# Every column of `person` whose change may change a cached figure: all but the person's
# own settings. tests/test_storage.py fails when a column is added and not named here or in
# OWN_SETTINGS.
FIGURE_COLUMNS = ["id", "name", "email", "role", "team_id", "site", "vendor", "start_date",
                  "manages_remote", "oversees_vendor", "created_at"]  # fmt: skip
OWN_SETTINGS = ["language", "time_zone"]
# 0006's person triggers, restored by the downgrade.
PERSON_TRIGGER = {"sqlite": "dataversion_person_update", "postgresql": "dataversion_person"}
PERSON_EVENTS_0006 = {"sqlite": "UPDATE", "postgresql": "INSERT OR DELETE OR UPDATE"}
LANGUAGE_TRIGGER = "dataversion_person_language"


def _dialect() -> str:
    return "postgresql" if op.get_bind().dialect.name == "postgresql" else "sqlite"


def _person_trigger(events: str, body: str = BUMP, *, name: str | None = None) -> None:
    name = name or PERSON_TRIGGER[_dialect()]
    if _dialect() == "postgresql":
        function = "bump_data_version" if body == BUMP else "bump_language_version"
        op.execute(
            f"CREATE TRIGGER {name} AFTER {events} ON person "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )
    else:
        op.execute(f"CREATE TRIGGER {name} AFTER {events} ON person BEGIN {body}; END")


def _drop(name: str) -> None:
    op.execute(f"DROP TRIGGER {name}" + (" ON person" if _dialect() == "postgresql" else ""))


def upgrade() -> None:
    # A plain ADD COLUMN, not batch mode: rebuilding the table on SQLite is not needed.
    op.add_column(
        "dataversion",
        sa.Column("languages", sa.BigInteger(), nullable=False, server_default="0"),
    )
    columns = ", ".join(FIGURE_COLUMNS)
    _drop(PERSON_TRIGGER[_dialect()])
    if _dialect() == "postgresql":
        op.execute(
            "CREATE FUNCTION bump_language_version() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {BUMP_LANGUAGES}; RETURN NULL; END $$"
        )
        _person_trigger(f"INSERT OR DELETE OR UPDATE OF {columns}")
    else:  # 0005's insert and delete triggers stay
        _person_trigger(f"UPDATE OF {columns}")
    _person_trigger("UPDATE OF language", BUMP_LANGUAGES, name=LANGUAGE_TRIGGER)


def downgrade() -> None:
    _drop(LANGUAGE_TRIGGER)
    _drop(PERSON_TRIGGER[_dialect()])
    if _dialect() == "postgresql":
        op.execute("DROP FUNCTION bump_language_version()")
    _person_trigger(PERSON_EVENTS_0006[_dialect()])
    # In place (SQLite 3.35+): batch mode's copy and rename of the table fails on SQLite,
    # whose triggers name it.
    op.drop_column("dataversion", "languages")
