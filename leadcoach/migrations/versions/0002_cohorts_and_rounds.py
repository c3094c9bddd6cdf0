"""cohorts and rounds

Revision ID: 0002
Revises: 0001
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    
    op.create_table('cohort',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('cohortround',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.CheckConstraint('closes_on >= opens_on', name='ck_cohort_round_window'),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('cohort_id', 'name', name='uq_cohort_round_name')
    )
    op.create_table('cohortmember',
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('cohort_id', 'person_id')
    )
    with op.batch_alter_table('cohortmember', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cohortmember_person_id'), ['person_id'], unique=False)



def downgrade() -> None:
    
    with op.batch_alter_table('cohortmember', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cohortmember_person_id'))

    op.drop_table('cohortmember')
    op.drop_table('cohortround')
    op.drop_table('cohort')
