"""Free text goes to the step of the person's current flow (state in the database), else to intents, else search."""
from __future__ import annotations

from collections.abc import Awaitable, Callable

from handlers.turn import Turn

TextStep = Callable[[Turn, str], Awaitable[None]]
Intent = Callable[[Turn, str], Awaitable[bool]]  # True when it handled the text

_TEXT_STEPS: dict[str, TextStep] = {}
_INTENTS: list[tuple[int, Intent]] = []


def text_step(flow: str) -> Callable[[TextStep], TextStep]:
    """Register what to do with free text while a person is in `flow` (any step; the handler checks the step)."""

    def register(fn: TextStep) -> TextStep:
        _TEXT_STEPS[flow] = fn
        return fn

    return register


def intent(priority: int = 50) -> Callable[[Intent], Intent]:
    """Register a free-text intent (e.g. `퇴직 준비 교육 신청하고 싶어요`), tried before search, lowest priority first."""

    def register(fn: Intent) -> Intent:
        _INTENTS.append((priority, fn))
        _INTENTS.sort(key=lambda pair: pair[0])
        return fn

    return register


def step_for(flow: str | None) -> TextStep | None:
    return _TEXT_STEPS.get(flow) if flow else None


def intents() -> list[Intent]:
    return [fn for _, fn in _INTENTS]
