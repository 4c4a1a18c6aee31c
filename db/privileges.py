"""A least-privilege runtime role on PostgreSQL (`hrdbot db app-role NAME`): the bot's processes (web, worker, run)
connect as a role that owns nothing, so no statement they run can ALTER, DISABLE TRIGGER, DROP or TRUNCATE the
access record; migrations keep running as the owner.

The SQL is run by the migration owner (it owns the tables; `ALTER DEFAULT PRIVILEGES` without `FOR ROLE` covers the
tables that role creates later), in one transaction, and may be run again: GRANT and REVOKE are idempotent.
"""
from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncEngine

SCHEMA = "public"
TABLE_RIGHTS = "SELECT, INSERT, UPDATE, DELETE"
# Tables that get less than TABLE_RIGHTS. Append-only ones: their triggers refuse UPDATE anyway, but without the
# privilege no SQL of the role reaches the trigger at all; TRUNCATE, TRIGGER, REFERENCES are granted on no table.
APPEND_ONLY = {"audit_log": "SELECT, INSERT, DELETE"}  # DELETE: retention; the trigger refuses rows under two years
NARROWED = {**APPEND_ONLY, "alembic_version": "SELECT"}  # the schema-at-head check reads it; only migrate writes it

_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def valid_role_name(name: str) -> bool:
    """A plain lower-case identifier: the same name quoted or not, and safe inside a string literal."""
    return _NAME.fullmatch(name) is not None


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def app_role_sql(role: str, database: str) -> list[str]:
    """The statements, in order. `role` must pass `valid_role_name` (it is also used inside string literals)."""
    if not valid_role_name(role):
        raise ValueError(f"not a plain role name: {role!r}")
    r = _ident(role)
    narrowed = [s for table, rights in NARROWED.items()
                for s in (f"REVOKE ALL ON {table} FROM {r}", f"GRANT {rights} ON {table} TO {r}")]
    return [
        # No password here: the DBA sets one (psql's \password) or lets pg_hba.conf authenticate the role.
        f"""DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN
        CREATE ROLE {r} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
    END IF;
END $$""",
        # A role that is (or can act as) the owner, a superuser, or owns anything here would defeat the point.
        f"""DO $$ BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}' AND (rolsuper OR rolbypassrls))
       OR pg_has_role('{role}', (SELECT tableowner FROM pg_tables
                                 WHERE schemaname = '{SCHEMA}' AND tablename = 'audit_log'), 'MEMBER')
       OR EXISTS (SELECT FROM pg_class WHERE relowner = '{role}'::regrole)
       OR EXISTS (SELECT FROM pg_namespace WHERE nspowner = '{role}'::regrole)
       OR EXISTS (SELECT FROM pg_proc WHERE proowner = '{role}'::regrole) THEN
        RAISE EXCEPTION 'role {role} is a superuser, owns something in this database or can act as the owner of '
                        'audit_log: choose a role of its own for the bot';
    END IF;
END $$""",
        f"GRANT CONNECT ON DATABASE {_ident(database)} TO {r}",
        f"GRANT USAGE ON SCHEMA {SCHEMA} TO {r}",
        f"GRANT {TABLE_RIGHTS} ON ALL TABLES IN SCHEMA {SCHEMA} TO {r}",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {SCHEMA} TO {r}",
        *narrowed,
        # Tables and sequences later migrations create (as this same owner) get the same rights.
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {SCHEMA} GRANT {TABLE_RIGHTS} ON TABLES TO {r}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {SCHEMA} GRANT USAGE ON SEQUENCES TO {r}",
        _final_check(role),
    ]


async def grant_app_role(engine: AsyncEngine, role: str, database: str) -> None:
    """Run `app_role_sql` in one transaction as the engine's role (the migration owner)."""
    async with engine.begin() as conn:
        for statement in app_role_sql(role, database):
            await conn.exec_driver_sql(statement)


def _final_check(role: str) -> str:
    """Refuse (roll everything back) if the role could still rewrite the record or change the schema: a grant made by
    another role survives the owner's REVOKE, and before PostgreSQL 15 every role may CREATE in schema public."""
    kept = " OR ".join(f"has_table_privilege('{role}', '{t}', '{p}')" for t in APPEND_ONLY
                       for p in ("UPDATE", "TRUNCATE", "TRIGGER", "REFERENCES"))
    return f"""DO $$ BEGIN
    IF {kept} THEN
        RAISE EXCEPTION 'role {role} still may UPDATE, TRUNCATE or add triggers to {", ".join(APPEND_ONLY)} '
                        '(granted by another role or to PUBLIC): revoke that grant as its grantor, then run this again';
    END IF;
    IF has_schema_privilege('{role}', '{SCHEMA}', 'CREATE') THEN
        RAISE EXCEPTION 'role {role} may create tables in schema {SCHEMA} (granted to PUBLIC before PostgreSQL 15): '
                        'as the schema''s owner, REVOKE CREATE ON SCHEMA {SCHEMA} FROM PUBLIC, then run this again';
    END IF;
END $$"""
