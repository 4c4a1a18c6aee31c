"""enrollment lifecycle: course-start settings, course-start reminders, notification choices, pending moves

Revision ID: 0006_enrollment_lifecycle
Revises: 0005_process_roles
Create Date: 2026-11-29

Columns added in place with defaults (no table is rebuilt, so nothing cascades on SQLite).
"""
from alembic import op
import sqlalchemy as sa

import db.models.base

revision = '0006_enrollment_lifecycle'
down_revision = '0005_process_roles'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('courses', sa.Column('venue', sa.String(length=200), nullable=False, server_default=''))
    op.add_column('courses', sa.Column('online_link', sa.String(length=300), nullable=False, server_default=''))
    op.add_column('courses', sa.Column('bring', sa.Text(), nullable=False, server_default=''))
    op.add_column('enrollments', sa.Column('moving_from', sa.BigInteger(), nullable=True))
    op.create_table('course_reminders',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('enrollment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('offset_key', sa.String(length=8), nullable=False),
    sa.Column('due_at', db.models.base.Moment(), nullable=False),
    sa.Column('starts_at', db.models.base.Moment(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('processed_at', db.models.base.Moment(), nullable=True),
    sa.Column('created_at', db.models.base.Moment(), nullable=False),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollments.id'], name=op.f('fk_course_reminders_enrollment_id_enrollments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_reminders')),
    sa.UniqueConstraint('enrollment_id', 'offset_key', name=op.f('uq_course_reminders_enrollment_id_offset_key'))
    )
    op.create_index('ix_course_reminders_status_due', 'course_reminders', ['status', 'due_at'], unique=False)
    op.create_table('notification_choices',
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('since', db.models.base.Moment(), nullable=True),
    sa.Column('updated_at', db.models.base.Moment(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_choices_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'key', name=op.f('pk_notification_choices'))
    )
    op.create_index(op.f('ix_notification_choices_key'), 'notification_choices', ['key'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_notification_choices_key'), table_name='notification_choices')
    op.drop_table('notification_choices')
    op.drop_index('ix_course_reminders_status_due', table_name='course_reminders')
    op.drop_table('course_reminders')
    with op.batch_alter_table('enrollments') as batch_op:
        batch_op.drop_column('moving_from')
    with op.batch_alter_table('courses') as batch_op:
        batch_op.drop_column('bring')
        batch_op.drop_column('online_link')
        batch_op.drop_column('venue')
