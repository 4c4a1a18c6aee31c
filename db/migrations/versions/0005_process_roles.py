"""several processes on PostgreSQL: a shared send rate, idempotent broadcast creation

Revision ID: 0005_process_roles
Revises: 0004_plan_years
"""
from alembic import op
import sqlalchemy as sa

revision = '0005_process_roles'
down_revision = '0004_plan_years'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('send_rate',
                    sa.Column('name', sa.String(length=32), nullable=False),
                    sa.Column('next_slot', sa.Double(), nullable=False),
                    sa.Column('paused_until', sa.Double(), nullable=False),
                    sa.PrimaryKeyConstraint('name', name=op.f('pk_send_rate')))
    with op.batch_alter_table('broadcasts') as batch:
        batch.add_column(sa.Column('compose_key', sa.String(length=64), nullable=True))
        batch.create_unique_constraint(batch.f('uq_broadcasts_compose_key'), ['compose_key'])


def downgrade() -> None:
    with op.batch_alter_table('broadcasts') as batch:
        batch.drop_constraint(batch.f('uq_broadcasts_compose_key'), type_='unique')
        batch.drop_column('compose_key')
    op.drop_table('send_rate')
