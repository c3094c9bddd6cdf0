"""development plans

Revision ID: 0003
Revises: 0002
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    
    op.create_table('developmentgoal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('specific', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('measure', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('target_date', sa.Date(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint("status IN ('active', 'achieved', 'dropped')", name='ck_goal_status'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('developmentgoal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_developmentgoal_person_id'), ['person_id'], unique=False)

    op.create_table('goalaction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('tip_title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('done', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['goal_id'], ['developmentgoal.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('goalaction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goalaction_goal_id'), ['goal_id'], unique=False)

    op.create_table('goalcheckin',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.CheckConstraint('progress >= 0 AND progress <= 100', name='ck_checkin_progress'),
    sa.ForeignKeyConstraint(['goal_id'], ['developmentgoal.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('goalcheckin', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goalcheckin_goal_id'), ['goal_id'], unique=False)

    op.create_table('plancomment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['goal_id'], ['developmentgoal.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('plancomment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plancomment_goal_id'), ['goal_id'], unique=False)



def downgrade() -> None:
    
    with op.batch_alter_table('plancomment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plancomment_goal_id'))

    op.drop_table('plancomment')
    with op.batch_alter_table('goalcheckin', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goalcheckin_goal_id'))

    op.drop_table('goalcheckin')
    with op.batch_alter_table('goalaction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goalaction_goal_id'))

    op.drop_table('goalaction')
    with op.batch_alter_table('developmentgoal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_developmentgoal_person_id'))

    op.drop_table('developmentgoal')
