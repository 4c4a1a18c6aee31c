"""`hrdbot import KIND FILE [--dry-run]`: one sub-command shared by the features that import staff files.

A tiny registry: each feature's command module registers its kinds with `register(kind, fn, help)` when it is
imported (bot/cli.py imports every module of bot/commands before parsing). An importer is
`fn(path: Path, dry_run: bool) -> int` (or a coroutine function), returning the exit code; it prints its own report
(row-numbered errors, counts) and must change nothing when it returns non-zero or when dry_run is set.
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
