"""indexes for the dashboard's lists: the pending queue in request order, the access record by action and by actor

Revision ID: 0008_dashboard_list_indexes
Revises: 0007_dashboard_indexes
"""
from alembic import op


revision = '0008_dashboard_list_indexes'
down_revision = '0007_dashboard_indexes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain CREATE INDEX (no batch mode): audit_log's append-only triggers must never see the table rebuilt.
    op.create_index('ix_enrollments_status_requested', 'enrollments', ['status', 'requested_at', 'id'])
    op.create_index('ix_audit_log_action_id', 'audit_log', ['action', 'id'])
    op.create_index('ix_audit_log_actor_id', 'audit_log', ['actor', 'id'])


def downgrade() -> None:
    op.drop_index('ix_audit_log_actor_id', table_name='audit_log')
    op.drop_index('ix_audit_log_action_id', table_name='audit_log')
    op.drop_index('ix_enrollments_status_requested', table_name='enrollments')
