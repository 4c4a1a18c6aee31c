"""`hrdbot …`: the command line. Each module in bot/commands adds its sub-commands with `add_commands(sub)`."""
from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import pkgutil
import sys

import bot.commands
from bot.logs import configure as configure_logging
from bot.settings import SettingsError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hrdbot", description="Telegram assistant of the Seoul HRD Center (서울시 인재개발원)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(bot.commands.__path__), key=lambda m: m.name):
        importlib.import_module(f"bot.commands.{info.name}").add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # Servers (web, worker) log one JSON object per line; HRDBOT_LOG_FORMAT=json|text overrides.
    fmt = os.environ.get("HRDBOT_LOG_FORMAT") or ("json" if getattr(args, "json_logs", False) else "text")
    configure_logging(json_lines=fmt == "json", verbose=args.verbose)
    try:
        from bot.settings import Settings

        Settings.from_env().apply_limits()
        result = args.func(args)
        if asyncio.iscoroutine(result):
            result = asyncio.run(result)
        return int(result or 0)
    except KeyboardInterrupt:
        return 130
    except (CliError, SettingsError) as exc:
        print(f"hrdbot: {exc}", file=sys.stderr)
        return 2


class CliError(Exception):
    """A problem to report in one line (bad token, unreadable file…), never a traceback."""


if __name__ == "__main__":
    sys.exit(main())
