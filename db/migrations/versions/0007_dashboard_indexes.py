"""indexes for the staff dashboard: enrollments by status and by request time

Revision ID: 0007_dashboard_indexes
Revises: 0006_enrollment_lifecycle
"""
from alembic import op


revision = '0007_dashboard_indexes'
down_revision = '0006_enrollment_lifecycle'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.create_index('ix_enrollments_status_cohort', ['status', 'cohort_id'], unique=False)
        batch_op.create_index('ix_enrollments_requested_at', ['requested_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.drop_index('ix_enrollments_requested_at')
        batch_op.drop_index('ix_enrollments_status_cohort')
