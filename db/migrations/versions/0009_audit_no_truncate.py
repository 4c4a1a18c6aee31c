"""audit log: TRUNCATE refused on PostgreSQL (UPDATE and DELETE already are, by 0002's row triggers)

Revision ID: 0009_audit_no_truncate
Revises: 0008_dashboard_list_indexes

TRUNCATE fires no row trigger, so 0002's guard never saw it: one statement emptied the access record. A BEFORE
TRUNCATE statement trigger refuses it. SQLite has no TRUNCATE: its `DELETE FROM audit_log` without WHERE fires the
row trigger of 0002 for every row (a table with triggers is never emptied by SQLite's truncate shortcut), so nothing
changes there.
"""
from alembic import op


revision = '0009_audit_no_truncate'
down_revision = '0008_dashboard_list_indexes'
branch_labels = None
depends_on = None

PG_FUNCTION = """
CREATE FUNCTION audit_log_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only (TRUNCATE refused)' USING ERRCODE = 'insufficient_privilege';
END
$$
"""
PG_TRIGGER = """CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
                FOR EACH STATEMENT EXECUTE FUNCTION audit_log_no_truncate()"""


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(PG_FUNCTION)
        op.execute(PG_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER audit_log_no_truncate ON audit_log')
        op.execute('DROP FUNCTION audit_log_no_truncate()')
