"""How many examples each fuzz property ran: printed at the end of the run (tests/conftest.py), also when the run is
split over pytest-xdist workers (each hands its counts to the controller, which adds them up)."""
from __future__ import annotations

COUNTS: dict[str, dict[str, int]] = {}  # property -> {"examples": n, "updates": n, "steps": n}


def record(name: str, examples_run: int = 1, **extra: int) -> None:
    add({name: {"examples": examples_run, **extra}})


def add(counts: dict[str, dict[str, int]]) -> None:
    for name, row in counts.items():
        mine = COUNTS.setdefault(name, {"examples": 0})
        for key, value in row.items():
            mine[key] = mine.get(key, 0) + value


def summary_lines() -> list[str]:
    lines = []
    for name, row in sorted(COUNTS.items()):
        extra = ", ".join(f"{k} {v}" for k, v in row.items() if k != "examples")
        lines.append(f"{name}: {row['examples']} examples" + (f" ({extra})" if extra else ""))
    return lines
