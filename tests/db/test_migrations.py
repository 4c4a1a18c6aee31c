"""The schema people get from `hrdbot db upgrade` is the schema the code expects, on both databases."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from db.migrate import alembic_config
from db.models import Base


def _diff(connection) -> list:
    context = MigrationContext.configure(connection, opts={"compare_type": False})
    diffs = compare_metadata(context, Base.metadata)
    # SQLite reflects no server defaults or comments; only structural differences count.
    return [d for d in diffs if not (isinstance(d, tuple) and d[0] in ("modify_default", "modify_comment"))]


async def test_migrations_build_exactly_the_models(db):
    async with db.engine.connect() as conn:
        diffs = await conn.run_sync(_diff)
    assert diffs == [], f"models and migrations disagree (add an Alembic migration): {diffs}"


def test_every_migration_branch_starts_from_the_initial_schema():
    script = ScriptDirectory.from_config(alembic_config())
    bases = script.get_bases()
    assert bases == ["0001"], f"one root revision expected, found {bases}"


def test_the_migrations_form_one_line():
    """Parallel branches must rebase their migration onto the current head: two heads would leave a database
    upgraded by one branch's order and not the other's."""
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert len(heads) == 1, f"one head expected, found {heads}: set your migration's down_revision to main's head"
