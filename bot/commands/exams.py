"""`hrdbot exams [--json]` (the calendar) and the importers `hrdbot import exams FILE`,
`hrdbot import interview-slots FILE` (formats: notifications/exams/imports.py)."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from bot.commands.core import _open
from bot.commands.imports import register
from bot.settings import Settings


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("exams", help="the exam calendar (rounds and their events)")
    p.add_argument("--json", action="store_true", help="print JSON: rounds with events (kind, start, end as ISO dates)")
    p.add_argument("--year", type=int, help="plan year, drafts included (default: the current plan year)")
    p.set_defaults(func=cmd_exams)


def round_json(info) -> dict:
    return {"id": info.id, "year": info.year, "kind": info.kind, "title": info.title, "title_en": info.title_en,
            "selection": info.selection, "selection_note": info.selection_note,
            "events": [{"kind": e.kind, "start": e.start_on.isoformat(), "end": e.end_on.isoformat(),
                        "precision": e.precision} for e in info.events]}


async def cmd_exams(args) -> int:
    from catalog.plan import current_year, is_published
    from db.session import session_scope
    from notifications.exams.calendar import rounds

    settings = Settings.from_env()
    engine, sessionmaker = await _open(settings)
    try:
        async with session_scope(sessionmaker) as session:
            year = args.year if args.year is not None else await current_year(session, settings.clock().now().date())
            found = await rounds(session, year=year, published_only=False)
            published = await is_published(session, year)
    finally:
        await engine.dispose()
    try:
        if args.json:
            print(json.dumps({"year": year, "published": published, "rounds": [round_json(r) for r in found]},
                             ensure_ascii=False, indent=1))
            return 0
        print(f"{year} exam calendar" + ("" if published else " (draft: not visible to applicants)"))
        for r in found:
            print(f"{r.id:22} {r.title}" + (f"  [{r.selection}명 {r.selection_note}]" if r.selection else ""))
            for e in r.events:
                when = e.start_on.isoformat() + (f" – {e.end_on.isoformat()}" if e.end_on != e.start_on else "")
                mark = "" if e.precision == "day" else f"  ({e.precision} precision: exact dates to be announced)"
                print(f"{'':22}   {e.kind:10} {when}{mark}")
        sys.stdout.flush()
    except BrokenPipeError:  # `hrdbot exams --json | head`: the reader has had enough; no traceback
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return 0


async def _run_import(kind: str, path: Path, dry_run: bool) -> int:
    from bot.cli import CliError
    from db.access import Actor
    from notifications.exams.imports import ImportFileError, check_or_import

    try:
        content = path.read_bytes()
    except OSError as exc:
        raise CliError(f"import {kind}: {exc}") from exc
    settings = Settings.from_env()
    engine, sessionmaker = await _open(settings)
    try:
        async with sessionmaker() as session:
            try:  # the dashboard's exams page imports through the same function
                result = await check_or_import(session, kind, path.name, content, settings.clock().now(),
                                               actor=Actor.operator(), dry_run=dry_run,
                                               slot_keep_days=settings.retention.slot_days)
            except (ImportFileError, UnicodeDecodeError) as exc:
                raise CliError(f"import {kind}: {exc}") from exc
            await session.commit()
    finally:
        await engine.dispose()
    if result.errors:
        for err in result.errors:
            print(f"{path.name}: {err}", file=sys.stderr)
        print(f"import {kind}: {len(result.errors)} error(s) in {result.rows} row(s); nothing was changed",
              file=sys.stderr)
        return 1
    verb = "would import" if dry_run else "imported"
    if kind == "exams":
        print(f"import exams: {verb} {result.rows} row(s): {result.rounds_added} new round(s), {result.events_added} "
              f"new event(s), {result.events_changed} changed event(s); {result.notices} change notice(s) queued")
    else:
        print(f"import interview-slots: {verb} {result.rows} row(s): {result.slots} slot(s); "
              f"{result.notices} notice(s) queued")
    return 0


def import_exams_file(path: Path, dry_run: bool):
    return _run_import("exams", path, dry_run)


def import_slots_file(path: Path, dry_run: bool):
    return _run_import("interview-slots", path, dry_run)


register("exams", import_exams_file, "exam calendar: one row per event")
register("interview-slots", import_slots_file, "applicants' interview date, time and place")
