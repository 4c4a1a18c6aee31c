"""`hrdbot import courses|cohorts FILE [--dry-run]`, `hrdbot export subscribers|broadcasts (--xlsx|--csv) FILE`.

An import validates every row (errors with row numbers), changes nothing when any row is wrong or with
--dry-run, and queues course news for new courses/cohorts (the running bot sends them; its search index is
rebuilt by the bot on its next catalog change or restart).
"""
from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from bot.commands.imports import register, register_exporter
from bot.settings import Settings
from locales import N_


def add_commands(sub: argparse._SubParsersAction) -> None:
    register_exporter(sub, "subscribers", export_subscribers, "course-news subscribers: who follows which topic")
    register_exporter(sub, "broadcasts", export_broadcasts, "every broadcast with its delivery counts")


async def _open(settings: Settings):
    from bot.commands.core import _open as open_db

    return await open_db(settings)


async def _import(kind: str, path: Path, dry_run: bool) -> int:
    from catalog.imports import FileProblem
    from db.access import Actor
    from db.session import session_scope
    from handlers.broadcasts.files import render_plan, render_problem
    from locales import translator
    from notifications.news import import_and_announce

    settings = Settings.from_env()
    tr = translator(settings.locale)
    try:
        content = path.read_bytes()
    except OSError as exc:
        print(f"hrdbot import: cannot read {path}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    engine, sessionmaker = await _open(settings)
    try:
        async with session_scope(sessionmaker) as session:
            try:
                outcome = await import_and_announce(session, path.name, content, settings.clock().now(),
                                                    actor=Actor.operator(), kind=kind, dry_run=dry_run)
            except FileProblem as exc:
                print(render_problem(exc.problem, tr, path.name), file=sys.stderr)
                return 1
    finally:
        await engine.dispose()
    plan = outcome.result.plan
    report = render_plan(plan, tr, filename=path.name, applied=outcome.result.applied, notified=outcome.notified)
    print(report, file=sys.stdout if plan.ok else sys.stderr)
    return 0 if plan.ok else 1


def import_courses(path: Path, dry_run: bool):
    return _import("courses", path, dry_run)


def import_cohorts(path: Path, dry_run: bool):
    return _import("cohorts", path, dry_run)


register("courses", import_courses, "courses: id, title, category, topic, delivery (+ optional columns)")
register("cohorts", import_cohorts, "cohorts: course_id, no, start (+ end, capacity, precision, track…)")


def _write(args, header: list[str], rows: list[list]) -> int:
    from catalog.roster_files import write_csv
    from bot.files import write_private

    target: Path = args.xlsx or args.csv
    if target.is_dir():
        print(f"hrdbot export: {target} is a directory; give a file name", file=sys.stderr)
        return 2
    if not target.parent.exists():
        print(f"hrdbot export: cannot write {target}: no such directory {target.parent}", file=sys.stderr)
        return 2
    try:
        if args.xlsx:
            from openpyxl import Workbook

            from catalog.cells import neutralise_row

            wb = Workbook()
            ws = wb.active
            ws.append(header)
            for row in rows:
                ws.append(neutralise_row(row))
            buf = io.BytesIO()
            wb.save(buf)
            write_private(target, buf.getvalue())
        else:
            write_private(target, write_csv([header, *rows]))
    except OSError as exc:
        print(f"hrdbot export: cannot write {target}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"{target}: {len(rows)} rows")
    return 0


def _naive(moment):
    """Excel has no time zones: Seoul wall time."""
    return moment.replace(tzinfo=None) if moment is not None else None


async def export_subscribers(args) -> int:
    from db.access import Actor
    from db.session import session_scope
    from notifications.news import subscriber_rows

    settings = Settings.from_env()
    engine, sessionmaker = await _open(settings)
    try:
        async with session_scope(sessionmaker) as session:
            rows = await subscriber_rows(session, Actor.operator(), now=settings.clock().now())
    finally:
        await engine.dispose()
    # No Telegram names: sending course news needs the id, the language and the topic, nothing more.
    return _write(args, ["user_id", "language", "topic", "subscribed_at", "unreachable"],
                  [[r.user_id, r.language, r.topic, _naive(r.subscribed_at), "yes" if r.unreachable else ""]
                   for r in rows])


BROADCAST_COLUMNS = [N_("No."), N_("Status"), N_("Created by (Telegram id)"), N_("Created at"), N_("Scheduled for"),
                     N_("Started at"), N_("Finished at"), N_("Audience"), N_("Attached course"), N_("Recipients"),
                     N_("Sent"), N_("Failed"), N_("Unreachable"), N_("Pending"), N_("Cancelled"), N_("Text")]


async def export_broadcasts(args) -> int:
    """One row per broadcast, for a person reading it in Excel: headers, statuses and audiences in words
    (HRDBOT_LOCALE, Korean by default), not codes or JSON."""
    from db.access import Actor
    from db.session import session_scope
    from handlers.broadcasts.formatting import plain
    from locales import translator
    from locales.labels import BROADCAST_STATUS
    from notifications.broadcasts.audiences import BadAudience, describe, describe_audience
    from notifications.broadcasts.service import all_broadcasts

    settings = Settings.from_env()
    tr = translator(settings.locale)
    engine, sessionmaker = await _open(settings)
    rows = []
    try:
        async with session_scope(sessionmaker) as session:
            items = await all_broadcasts(session, Actor.operator(), now=settings.clock().now())
            for p in items:
                try:
                    info = await describe(session, p.audience)
                    audience = describe_audience(info.label, p.total or info.count, tr)
                except BadAudience:
                    audience = str(p.audience.get("kind", ""))
                rows.append([p.id, tr(BROADCAST_STATUS.get(p.status, p.status)), p.created_by, _naive(p.created_at),
                             _naive(p.scheduled_at), _naive(p.started_at), _naive(p.finished_at), audience,
                             p.course_id or "", p.total, p.sent, p.failed, p.unreachable, p.pending, p.cancelled,
                             plain(p.text)])
    finally:
        await engine.dispose()
    return _write(args, [tr(c) for c in BROADCAST_COLUMNS], rows)
