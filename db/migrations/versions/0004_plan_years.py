"""plan years: a cohort is (course, year, number), exam rounds belong to a year, published per year

Revision ID: 0004_plan_years
Revises: 0003_dashboard_sessions
Create Date: 2026-11-29

Nothing is lost: every cohort gets the year of its start date (undated and year-round cohorts are stored with the
first day of their period, which lies in the plan year they were made for), every exam round the year of its first
event (a round without events: the latest year known), and every year found is published (it was live before).
On SQLite the cohorts table has to be rebuilt to change its unique key; dropping the old table would cascade to
enrollments (foreign keys are on, and cannot be switched off inside the migration's transaction), so the
enrollments are copied aside and put back unchanged, ids included.
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

import db.models.base

revision = '0004_plan_years'
down_revision = '0003_dashboard_sessions'
branch_labels = None
depends_on = None


def _year_of(column: str) -> str:
    if op.get_bind().dialect.name == "sqlite":
        return f"CAST(strftime('%Y', {column}) AS INTEGER)"
    return f"CAST(EXTRACT(YEAR FROM {column}) AS INTEGER)"


def _rebuild_cohorts_sqlite() -> None:
    op.execute("CREATE TEMPORARY TABLE _enrollments_aside AS SELECT * FROM enrollments")
    with op.batch_alter_table('cohorts', recreate='always') as batch_op:
        batch_op.drop_constraint('uq_cohorts_course_id_number', type_='unique')
        batch_op.alter_column('year', existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_cohorts_course_id_year_number'), ['course_id', 'year', 'number'])
    columns = ", ".join(c["name"] for c in sa.inspect(op.get_bind()).get_columns("enrollments"))
    op.execute(f"INSERT INTO enrollments ({columns}) SELECT {columns} FROM _enrollments_aside "
               "WHERE id NOT IN (SELECT id FROM enrollments)")
    op.execute("DROP TABLE _enrollments_aside")


def upgrade() -> None:
    op.create_table('plan_years',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('published_at', db.models.base.Moment(), nullable=True),
    sa.Column('created_at', db.models.base.Moment(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_plan_years'))
    )
    # Cohorts: year from the start date, then the new unique key.
    op.add_column('cohorts', sa.Column('year', sa.Integer(), nullable=True))
    op.add_column('cohorts', sa.Column('apply_until', sa.Date(), nullable=True))
    op.execute(f"UPDATE cohorts SET year = {_year_of('start_on')}")
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_cohorts_sqlite()
    else:
        op.alter_column('cohorts', 'year', existing_type=sa.Integer(), nullable=False)
        op.drop_constraint('uq_cohorts_course_id_number', 'cohorts', type_='unique')
        op.create_unique_constraint(op.f('uq_cohorts_course_id_year_number'), 'cohorts', ['course_id', 'year', 'number'])
    op.create_index(op.f('ix_cohorts_year'), 'cohorts', ['year'], unique=False)

    # Exam rounds: the year of the first event. A NOT NULL column with a default is added in place on SQLite too
    # (rebuilding exam_rounds would cascade to events, subscriptions, slots and reminders).
    op.add_column('exam_rounds', sa.Column('year', sa.Integer(), nullable=False, server_default='0'))
    op.execute(f"UPDATE exam_rounds SET year = COALESCE((SELECT MIN({_year_of('e.start_on')}) FROM exam_events e "
               "WHERE e.round_id = exam_rounds.id), (SELECT MAX(year) FROM cohorts), 0)")
    op.execute("UPDATE exam_rounds SET year = (SELECT MAX(year) FROM exam_rounds) WHERE year = 0")
    op.create_index(op.f('ix_exam_rounds_year'), 'exam_rounds', ['year'], unique=False)

    # Every year that had data was live: published. created_at/published_at: the moment of the upgrade.
    now = datetime.now(timezone.utc).replace(tzinfo=None)  # Moment columns hold naive UTC
    op.get_bind().execute(sa.text(
        "INSERT INTO plan_years (year, published, published_at, created_at) SELECT y, :yes, :now, :now FROM "
        "(SELECT year AS y FROM cohorts UNION SELECT year FROM exam_rounds) AS years WHERE y > 0"
    ), {"yes": True, "now": now})


def downgrade() -> None:
    op.drop_index(op.f('ix_exam_rounds_year'), table_name='exam_rounds')
    with op.batch_alter_table('exam_rounds') as batch_op:
        batch_op.drop_column('year')
    op.drop_index(op.f('ix_cohorts_year'), table_name='cohorts')
    with op.batch_alter_table('cohorts') as batch_op:
        batch_op.drop_constraint('uq_cohorts_course_id_year_number', type_='unique')
        batch_op.create_unique_constraint('uq_cohorts_course_id_number', ['course_id', 'number'])
        batch_op.drop_column('apply_until')
        batch_op.drop_column('year')
    op.drop_table('plan_years')
