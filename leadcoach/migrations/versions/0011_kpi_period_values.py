"""kpi values: the month index also holds the team, measure, value and contacts, so a
cohort review's before and after windows are aggregated from the index alone (issue 23's
cohort KPI section: 60,000 values of 400 teams read twice per review)

Revision ID: 0011
Revises: 0010
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

COVERING = ["period", "team_id", "kpi_id", "value", "contacts"]


def upgrade() -> None:
    # A plain drop and create, not batch mode: rebuilding `kpivalue` on SQLite is not needed
    # for an index, and a covering index in place of the month index keeps one index to
    # maintain per insert (the month queries use its first column as before).
    op.drop_index("ix_kpivalue_period", table_name="kpivalue")
    op.create_index("ix_kpivalue_period_values", "kpivalue", COVERING, unique=False)


def downgrade() -> None:
    op.drop_index("ix_kpivalue_period_values", table_name="kpivalue")
    op.create_index("ix_kpivalue_period", "kpivalue", ["period"], unique=False)
