"""data version: also bumped by cohorts, their members and rounds, teams and any change of a
person (names, sites and vendors show in cohort reviews and decide norm groups)

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BUMP = "UPDATE dataversion SET counter = counter + 1 WHERE id = 1"
# Every table a cached cohort review is computed from, beyond 0005's submissions and people.
TABLES = ["team", "cohort", "cohortmember", "cohortround"]
EVENTS = ["INSERT", "UPDATE", "DELETE"]
# The person trigger, per dialect: its name, 0005's events (role and team only) and the
# events from now on (any column: people change rarely).
PERSON_TRIGGER = {"sqlite": "dataversion_person_update", "postgresql": "dataversion_person"}
PERSON_EVENTS_0005 = {
    "sqlite": "UPDATE OF role, team_id",
    "postgresql": "INSERT OR DELETE OR UPDATE OF role, team_id",
}
PERSON_EVENTS = {"sqlite": "UPDATE", "postgresql": "INSERT OR DELETE OR UPDATE"}


def _dialect() -> str:
    return "postgresql" if op.get_bind().dialect.name == "postgresql" else "sqlite"


def _create_trigger(name: str, table: str, events: str) -> None:
    if _dialect() == "postgresql":
        # Statement-level, as in 0005: a bulk change bumps once. The function is 0005's.
        op.execute(
            f"CREATE TRIGGER {name} AFTER {events} ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()"
        )
    else:
        op.execute(f"CREATE TRIGGER {name} AFTER {events} ON {table} BEGIN {BUMP}; END")


def _drop_trigger(name: str, table: str) -> None:
    op.execute(f"DROP TRIGGER {name}" + (f" ON {table}" if _dialect() == "postgresql" else ""))


def _triggers() -> list[tuple[str, str, str]]:
    """(name, table, events) of the triggers this revision adds."""
    if _dialect() == "postgresql":  # one per table, for all three events
        return [(f"dataversion_{table}", table, " OR ".join(EVENTS)) for table in TABLES]
    return [  # SQLite: one per table and event
        (f"dataversion_{table}_{event.lower()}", table, event)
        for table in TABLES
        for event in EVENTS
    ]


def upgrade() -> None:
    name = PERSON_TRIGGER[_dialect()]
    _drop_trigger(name, "person")
    _create_trigger(name, "person", PERSON_EVENTS[_dialect()])
    for name, table, events in _triggers():
        _create_trigger(name, table, events)


def downgrade() -> None:
    for name, table, _ in _triggers():
        _drop_trigger(name, table)
    name = PERSON_TRIGGER[_dialect()]
    _drop_trigger(name, "person")
    _create_trigger(name, "person", PERSON_EVENTS_0005[_dialect()])
