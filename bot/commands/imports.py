"""`hrdbot import KIND FILE [--dry-run]`: one sub-command shared by the features that import staff files.

A tiny registry: each feature's command module registers its kinds with `register(kind, fn, help)` when it is
imported (bot/cli.py imports every module of bot/commands before parsing). An importer is
`fn(path: Path, dry_run: bool) -> int` (or a coroutine function), returning the exit code; it prints its own report
(row-numbered errors, counts) and must change nothing when it returns non-zero or when dry_run is set (a dry run
that reads people's stored data still leaves its access record).
"""
from __future__ import annotations

import argparse
import importlib
import inspect
import pkgutil
import sys
from collections.abc import Callable
from pathlib import Path

Importer = Callable[[Path, bool], object]
IMPORTERS: dict[str, Importer] = {}
HELPS: dict[str, str] = {}


def register(kind: str, fn: Importer, help: str = "") -> None:
    IMPORTERS[kind] = fn
    HELPS[kind] = help


def _load_all() -> None:
    import bot.commands

    for info in pkgutil.iter_modules(bot.commands.__path__):
        importlib.import_module(f"bot.commands.{info.name}")


def add_commands(sub: argparse._SubParsersAction) -> None:
    _load_all()
    kinds = ", ".join(f"{k} ({HELPS[k]})" if HELPS.get(k) else k for k in sorted(IMPORTERS)) or "none yet"
    p = sub.add_parser("import", help="import a staff file (CSV/XLSX): " + ", ".join(sorted(IMPORTERS)),
                       description=f"Kinds: {kinds}. All or nothing: a file with any bad row changes nothing.")
    p.add_argument("kind", metavar="KIND")
    p.add_argument("file", metavar="FILE", type=Path)
    p.add_argument("--dry-run", action="store_true", help="validate and report, change nothing")
    p.set_defaults(func=cmd_import)


async def cmd_import(args) -> int:
    _load_all()
    fn = IMPORTERS.get(args.kind)
    if fn is None:
        print(f"hrdbot import: unknown kind {args.kind!r} (known: {', '.join(sorted(IMPORTERS)) or 'none'})",
              file=sys.stderr)
        return 2
    if not args.file.is_file():
        print(f"hrdbot import: no such file: {args.file}", file=sys.stderr)
        return 2
    result = fn(args.file, args.dry_run)
    if inspect.isawaitable(result):
        result = await result
    return int(result or 0)


# -- `hrdbot export WHAT …` (shared the same way; bot/commands/enrollment.py builds the same structure) ----------
Exporter = Callable[[argparse.Namespace], object]
EXPORTERS: dict[str, Exporter] = {}


def export_subparsers(sub: argparse._SubParsersAction) -> argparse._SubParsersAction:
    """The nested sub-parsers of `hrdbot export`, created by whichever feature module comes first."""
    export = sub.choices.get("export") if sub.choices else None
    if export is None:
        export = sub.add_parser("export", help="export data for staff as XLSX or CSV")
    nested = next((a for a in export._actions if isinstance(a, argparse._SubParsersAction)), None)
    if nested is None:
        nested = export.add_subparsers(dest="what", required=True, metavar="WHAT")
    return nested


def register_exporter(sub: argparse._SubParsersAction, what: str, fn: Exporter, help: str = "",
                      *, course: bool = False) -> argparse.ArgumentParser:
    """Add `hrdbot export WHAT (--xlsx FILE | --csv FILE) [--course ID]` calling `fn(args)`."""
    EXPORTERS[what] = fn
    p = export_subparsers(sub).add_parser(what, help=help, description=help)
    out = p.add_mutually_exclusive_group(required=True)
    out.add_argument("--xlsx", metavar="FILE", type=Path, help="write an Excel workbook")
    out.add_argument("--csv", metavar="FILE", type=Path, help="write CSV (UTF-8 with BOM, opens in Excel)")
    if course:
        p.add_argument("--course", metavar="ID", help="only this course")
    p.set_defaults(func=fn)
    return p
