"""audit log (append-only, enforced by triggers) and role-only user rows

Revision ID: 0002_audit_log
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa
import db.models.base


revision = '0002_audit_log'
down_revision = '0001'
branch_labels = None
depends_on = None

# The legal minimum (개인정보 접속기록: at least two years). The database measures it with its own clock, so a
# wrong application clock cannot shorten it; the retention job may keep rows longer (HRDBOT_AUDIT_KEEP_DAYS).
SQLITE_TRIGGERS = (
    """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
    """CREATE TRIGGER audit_log_no_early_delete BEFORE DELETE ON audit_log
       WHEN old."at" > datetime('now', '-2 years')
       BEGIN SELECT RAISE(ABORT, 'audit_log rows are kept for at least two years'); END""",
)
PG_GUARD = """
CREATE FUNCTION audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD."at" < (now() AT TIME ZONE 'UTC') - interval '2 years' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$
"""
PG_TRIGGER = """CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
                FOR EACH ROW EXECUTE FUNCTION audit_log_guard()"""


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', db.models.base.Moment(), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('actor_id', sa.BigInteger(), nullable=True),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('action', sa.String(length=48), nullable=False),
    sa.Column('target', sa.String(length=80), nullable=True),
    sa.Column('subjects', sa.Integer(), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role_only', sa.Boolean(), nullable=False, server_default=sa.false()))
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(PG_GUARD)
        op.execute(PG_TRIGGER)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER audit_log_append_only ON audit_log')
        op.execute('DROP FUNCTION audit_log_guard()')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('role_only')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))
    op.drop_table('audit_log')
