"""Years are data, never code: no year literal (a number like 2022, or a date in a string) in the bot's code.

The seeded plan's year lives in catalog/data/; the current plan comes from the clock and the published years.
Docstrings and comments may talk about years. The only strings allowed to hold one are format examples shown to
people (`e.g. 2032.6.30`), listed here by file so that a new one is a decision, not an accident.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "handlers", "notifications", "catalog", "db", "locales", "web")
SKIP = ("catalog/data/", "db/migrations/")
YEAR = re.compile(r"(?<![\d.])20[1-9]\d(?![\d])")
EXAMPLES = {  # file -> the format examples in it (prompts that show how to type a date)
    "handlers/broadcasts/compose.py": ("2022-03-02 09:00",),
    "handlers/enrollment/profile.py": ("2021.3.2", "2032.6.30", "2032년 6월", "2032-06-30"),
    "handlers/enrollment/retirement.py": ("2032.6.30", "2032년 6월"),
    "bot/settings.py": ("2022-02-20",),
}


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                ids.add(id(first.value))
    return ids


def year_literals(path: Path, rel: str) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or id(node) in skip:
            continue
        value = node.value
        # Years this bot could name (2048 elsewhere is a buffer size, not a year).
        if isinstance(value, int) and not isinstance(value, bool) and 2015 <= value <= 2039:
            found.append(f"{rel}:{node.lineno}: {value}")
        elif isinstance(value, str) and YEAR.search(value):
            text = value
            for example in EXAMPLES.get(rel, ()):
                text = text.replace(example, "")
            if YEAR.search(text):
                found.append(f"{rel}:{node.lineno}: {value[:60]!r}")
    return found


def test_no_year_literal_in_code():
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")) if (ROOT / package).is_dir() else ():
            rel = path.relative_to(ROOT).as_posix()
            if not rel.startswith(SKIP):
                found += year_literals(path, rel)
    assert found == [], "year literals in code (years are data: catalog/data/, the clock, plan_years):\n" + "\n".join(found)


def test_the_check_finds_a_year():
    probe = ROOT / "tests" / "_year_probe.py"
    probe.write_text('"""Docstring 2022 is fine."""\nPLAN = 2022  # comment 2023 is fine\nTITLE = "2022년 계획"\n')
    try:
        assert [f.split(": ", 1)[1] for f in year_literals(probe, "probe.py")] == ["2022", "'2022년 계획'"]
    finally:
        probe.unlink()
