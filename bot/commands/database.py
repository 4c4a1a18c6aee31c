"""db upgrade | seed | app-role NAME [--apply]."""
from __future__ import annotations

import argparse
import sys

from sqlalchemy.exc import SQLAlchemyError

from bot.commands.core import prepared, unreachable
from bot.settings import Settings


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("db", help="database: upgrade (migrate), seed, or the bot's least-privilege role (PostgreSQL)")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("upgrade", help="migrate the schema to this version").set_defaults(func=cmd_upgrade)
    actions.add_parser("seed", help="an empty database: the seeded plan year's catalog and exam calendar"
                       ).set_defaults(func=cmd_seed)
    role = actions.add_parser(
        "app-role", help="print (or --apply) the SQL that makes a role for web, worker and run that owns nothing",
        description="PostgreSQL: a runtime role that reads and writes the application tables but only SELECT, INSERT "
                    "and DELETE (retention) on audit_log, owns nothing, and gets the same grants on tables later "
                    "migrations add. Run by the migration owner (HRDBOT_DATABASE_URL as for `hrdbot migrate`), "
                    "after it; safe to run again. The role's password is the DBA's to set, never printed.")
    role.add_argument("name", metavar="NAME", help="the role's name (lower-case letters, digits, _), e.g. hrdbot_app")
    role.add_argument("--apply", action="store_true", help="run the SQL now, as HRDBOT_DATABASE_URL's role")
    role.set_defaults(func=cmd_app_role)


async def cmd_upgrade(_args) -> int:
    from db.migrate import upgrade
    from db.session import make_engine

    engine = make_engine(Settings.from_env().database_url)
    try:
        await upgrade(engine)
    except (OSError, SQLAlchemyError) as exc:
        raise unreachable(exc) from None
    finally:
        await engine.dispose()
    print("database is up to date")
    return 0


async def cmd_seed(_args) -> int:
    from db.session import make_engine

    settings = Settings.from_env()
    engine = make_engine(settings.database_url)
    try:
        added = await prepared(engine, settings)
    finally:
        await engine.dispose()
    print(f"seeded: {added} new rows")
    return 0


async def cmd_app_role(args) -> int:
    from sqlalchemy.engine import URL, make_url

    from db.privileges import app_role_sql, valid_role_name

    url = make_url(Settings.from_env().database_url)
    if url.get_backend_name() != "postgresql":
        print("hrdbot db app-role: SQLite has no roles: protect the database file instead (docs/security.md)",
              file=sys.stderr)
        return 2
    if not valid_role_name(args.name):
        print(f"hrdbot db app-role: {args.name!r} is not a plain role name (lower-case letters, digits, _)",
              file=sys.stderr)
        return 2
    if not url.database:
        print("hrdbot db app-role: HRDBOT_DATABASE_URL names no database", file=sys.stderr)
        return 2
    statements = app_role_sql(args.name, url.database)
    app_url = URL.create(url.drivername, username=args.name, host=url.host, port=url.port, database=url.database,
                         query=url.query).render_as_string()  # the owner's password stays out of sight
    if not args.apply:
        print(f"-- hrdbot: the runtime role {args.name} of database {url.database}, for web, worker and run.\n"
              f"-- Run as the role `hrdbot migrate` connects as (the tables' owner), after it; safe to run again.\n"
              f"-- No password is set here: the DBA sets one (\\password {args.name} in psql) or authenticates the\n"
              f"-- role in pg_hba.conf (peer, cert); then HRDBOT_DATABASE_URL={app_url} (plus its password) for\n"
              f"-- web, worker and run, while `hrdbot migrate` keeps the owner's URL.\nBEGIN;")
        for statement in statements:
            print(f"{statement};")
        print("COMMIT;")
        return 0
    problem = await _apply(args.name, url.database)
    if problem:
        print(f"hrdbot db app-role: {problem}", file=sys.stderr)
        return 2
    print(f"role {args.name}: SELECT, INSERT, UPDATE, DELETE on the application tables (also on tables later "
          f"migrations add); on audit_log only SELECT, INSERT, DELETE; owns nothing.\n"
          f"Its password is not set here: as the DBA, \\password {args.name} in psql (or authenticate it in "
          f"pg_hba.conf).\nThen web, worker and run: HRDBOT_DATABASE_URL={app_url} (plus its password); "
          f"`hrdbot migrate` keeps the owner's URL.")
    return 0


async def _apply(role: str, database: str) -> str | None:
    """Grant as HRDBOT_DATABASE_URL's role, on a migrated database; None, or the one line to print."""
    from sqlalchemy.exc import DBAPIError

    from bot.app import SchemaNotAtHead, require_schema_at_head
    from db.privileges import grant_app_role
    from db.session import make_engine

    engine = make_engine(Settings.from_env().database_url)
    try:
        await require_schema_at_head(engine)
        await grant_app_role(engine, role, database)
    except SchemaNotAtHead as exc:
        return str(exc)
    except DBAPIError as exc:  # not allowed to create roles, a refusal of ours: the server's own sentence
        reason = exc.orig.__cause__ or exc.orig
        return f"{type(reason).__name__}: {str(reason).splitlines()[0]}"
    except OSError as exc:
        return str(unreachable(exc))
    finally:
        await engine.dispose()
    return None
