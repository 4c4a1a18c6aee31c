"""Typed, small callback data, self-contained in the button (any process can answer any press).

Each button action is declared once as an `Action`: a prefix and typed fields. `ACTION(...)` encodes (and refuses
anything over 64 bytes or not of its type); the handler registered with `@on(ACTION)` receives the decoded
fields. A press is re-validated against the database by its handler; stale or forged data never performs an
action: it gets a polite answer (see `StaleButton`).

    COURSE = Action("crs", Str("course"))
    @on(COURSE)
    async def on_course(t, course_id): ...
    Button("엑셀", COURSE("excel-basic"))
"""
from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from handlers.turn import Turn

MAX_BYTES = 64
SEP = ":"

Route = Callable[["Turn", list[str]], Awaitable[None]]
_ROUTES: dict[str, Route] = {}
_ACTIONS: dict[str, "Action"] = {}


class StaleButton(Exception):
    """The pressed button no longer matches the database (or never did): answer politely, do nothing."""


# -- fields ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Int:
    name: str
    low: int = -(10 ** 15)
    high: int = 10 ** 15
    optional: bool = False  # encoded as an empty string, decoded as None

    def encode(self, value: Any) -> str:
        if value is None and self.optional:
            return ""
        if isinstance(value, bool) or not isinstance(value, int) or not self.low <= value <= self.high:
            raise ValueError(f"{self.name}: {value!r} is not an integer in [{self.low}, {self.high}]")
        return str(value)

    def decode(self, raw: str) -> int | None:
        if raw == "" and self.optional:
            return None
        if not re.fullmatch(r"-?\d{1,16}", raw):
            raise StaleButton(raw)
        value = int(raw)
        if not self.low <= value <= self.high:
            raise StaleButton(raw)
        return value


@dataclass(frozen=True)
class Str:
    """An id-like string: letters, digits, `_`, `-`, `.` (never the separator), at most `limit` characters."""
    name: str
    limit: int = 32
    optional: bool = False

    def encode(self, value: Any) -> str:
        if value is None and self.optional:
            return ""
        text = str(value)
        if not re.fullmatch(r"[\w.\-]{%d,%d}" % (0 if self.optional else 1, self.limit), text):
            raise ValueError(f"{self.name}: {value!r} is not an id")
        return text

    def decode(self, raw: str) -> str | None:
        if raw == "" and self.optional:
            return None
        if not re.fullmatch(r"[\w.\-]{1,%d}" % self.limit, raw):
            raise StaleButton(raw)
        return raw


@dataclass(frozen=True)
class Choice:
    """One of a fixed set of words."""
    name: str
    values: tuple[str, ...]
    optional: bool = False  # encoded as an empty string, decoded as None

    def encode(self, value: Any) -> str:
        if value is None and self.optional:
            return ""
        if value not in self.values:
            raise ValueError(f"{self.name}: {value!r} not in {self.values}")
        return str(value)

    def decode(self, raw: str) -> str | None:
        if raw == "" and self.optional:
            return None
        if raw not in self.values:
            raise StaleButton(raw)
        return raw


@dataclass(frozen=True)
class Flag:
    name: str

    def encode(self, value: Any) -> str:
        return "1" if value else "0"

    def decode(self, raw: str) -> bool:
        if raw not in ("0", "1"):
            raise StaleButton(raw)
        return raw == "1"


Field = Int | Str | Choice | Flag


class Action:
    """One declared button type: `prefix:field:field…`, each field typed; ≤ 64 bytes."""

    def __init__(self, prefix: str, *fields: Field) -> None:
        if not re.fullmatch(r"[a-z][a-z0-9.]{0,11}", prefix):
            raise ValueError(f"bad action prefix {prefix!r}")
        if prefix in _ACTIONS:
            raise ValueError(f"callback action {prefix!r} declared twice")
        self.prefix = prefix
        self.fields = fields
        _ACTIONS[prefix] = self

    def __call__(self, *values: Any) -> str:
        if len(values) != len(self.fields):
            raise ValueError(f"{self.prefix}: {len(self.fields)} fields, {len(values)} values")
        data = SEP.join([self.prefix, *(f.encode(v) for f, v in zip(self.fields, values))])
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
        return data

    def decode(self, args: list[str]) -> tuple:
        missing = self.fields[len(args):]
        if len(args) > len(self.fields) or not all(getattr(f, "optional", False) for f in missing):
            raise StaleButton(args)
        args = [*args, *("" for _ in missing)]  # trailing optional fields may be left out (`stq` = `stq:`)
        return tuple(f.decode(raw) for f, raw in zip(self.fields, args))

    def __repr__(self) -> str:
        return f"Action({self.prefix!r})"


def on(action: Action) -> Callable[[Callable[..., Awaitable[None]]], Callable[..., Awaitable[None]]]:
    """Register the handler of one declared action; it receives the Turn and the decoded fields."""

    def register(fn: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
        async def routed(t: "Turn", args: list[str]) -> None:
            await fn(t, *action.decode(args))

        routed.__wrapped__ = fn  # type: ignore[attr-defined]
        _register(action.prefix, routed)
        return fn

    return register


def actions() -> dict[str, Action]:
    """Every declared action (the fuzz tests forge data of each type)."""
    return dict(_ACTIONS)


def _register(prefix: str, fn: Route) -> None:
    old = _ROUTES.get(prefix)
    if old is not None and getattr(old, "__wrapped__", old) is not getattr(fn, "__wrapped__", fn):
        raise ValueError(f"callback action {prefix!r} registered twice")
    _ROUTES[prefix] = fn


# -- the router's side ------------------------------------------------------------------------------------------
def parse(data: str | None) -> tuple[str, list[str]]:
    if not data or len(data.encode()) > MAX_BYTES:
        raise StaleButton(data)
    action, *args = data.split(SEP)
    return action, args


def lookup(action: str) -> Route | None:
    return _ROUTES.get(action)
