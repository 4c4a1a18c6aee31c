"""Typed, small callback data: `action:arg:arg` ≤ 64 bytes, re-validated against the database on every press.

Stale or forged data never performs an action: it gets a polite answer (see `StaleButton`).
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from handlers.turn import Turn

MAX_BYTES = 64
SEP = ":"

Route = Callable[["Turn", list[str]], Awaitable[None]]
_ROUTES: dict[str, Route] = {}


class StaleButton(Exception):
    """The pressed button no longer matches the database (or never did): answer politely, do nothing."""


def cb(action: str, *args: object) -> str:
    data = SEP.join([action, *(str(a) for a in args)])
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def parse(data: str | None) -> tuple[str, list[str]]:
    if not data or len(data.encode()) > MAX_BYTES:
        raise StaleButton(data)
    action, *args = data.split(SEP)
    return action, args


def route(action: str) -> Callable[[Route], Route]:
    """Register the handler of one button action. Actions are unique across features."""

    def register(fn: Route) -> Route:
        if action in _ROUTES and _ROUTES[action] is not fn:
            raise ValueError(f"callback action {action!r} registered twice")
        _ROUTES[action] = fn
        return fn

    return register


def lookup(action: str) -> Route | None:
    return _ROUTES.get(action)


def int_arg(args: list[str], i: int) -> int:
    """An integer argument, or StaleButton for anything forged or missing."""
    try:
        value = args[i]
    except IndexError:
        raise StaleButton(args) from None
    if not value.lstrip("-").isdigit() or len(value) > 18:
        raise StaleButton(args)
    return int(value)


def str_arg(args: list[str], i: int) -> str:
    try:
        return args[i]
    except IndexError:
        raise StaleButton(args) from None
