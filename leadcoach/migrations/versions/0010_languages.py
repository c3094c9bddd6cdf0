"""languages: the language a submission was answered in, and the statements HR leaves out
of cross-language comparisons (issue 25)

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN, not batch mode: rebuilding `submission` on SQLite would drop the
    # data-version triggers of 0005.
    op.add_column(
        "submission",
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True),
    )
    op.create_table(
        "itemcomparisonexclusion",
        sa.Column("instrument_key", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("item_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("chosen_by", sa.Integer(), nullable=True),
        sa.Column("chosen_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["chosen_by"], ["person.id"]),
        sa.PrimaryKeyConstraint("instrument_key", "item_id"),
    )


def downgrade() -> None:
    op.drop_table("itemcomparisonexclusion")
    with op.batch_alter_table("submission") as batch:
        batch.drop_column("language")
