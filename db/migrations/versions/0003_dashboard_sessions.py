"""dashboard sign-in links and sessions

Revision ID: 0003_dashboard_sessions
Revises: 0002_audit_log
"""
from alembic import op
import sqlalchemy as sa
import db.models.base


revision = '0003_dashboard_sessions'
down_revision = '0002_audit_log'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('dashboard_links',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('created_at', db.models.base.Moment(), nullable=False),
    sa.Column('expires_at', db.models.base.Moment(), nullable=False),
    sa.Column('used_at', db.models.base.Moment(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_dashboard_links_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_dashboard_links'))
    )
    with op.batch_alter_table('dashboard_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dashboard_links_user_id'), ['user_id'], unique=False)

    op.create_table('dashboard_sessions',
    sa.Column('id_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('csrf_token', sa.String(length=64), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('created_at', db.models.base.Moment(), nullable=False),
    sa.Column('last_seen_at', db.models.base.Moment(), nullable=False),
    sa.Column('expires_at', db.models.base.Moment(), nullable=False),
    sa.Column('ended_at', db.models.base.Moment(), nullable=True),
    sa.Column('user_agent', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_dashboard_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id_hash', name=op.f('pk_dashboard_sessions'))
    )
    with op.batch_alter_table('dashboard_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dashboard_sessions_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_table('dashboard_sessions')
    op.drop_table('dashboard_links')
