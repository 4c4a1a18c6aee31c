"""Renderers for outbox messages: `kind` + params + the recipient's language → text and buttons.

Rendering happens when the message is sent, so it is always in the recipient's current language.
Each feature registers renderers for its own kinds with `@notice("kind")`.
"""
from __future__ import annotations

from collections.abc import Callable

from locales import Translator
from notifications.messages import Rendered

Renderer = Callable[[dict, Translator], Rendered]
_RENDERERS: dict[str, Renderer] = {}


def notice(kind: str) -> Callable[[Renderer], Renderer]:
    def register(fn: Renderer) -> Renderer:
        _RENDERERS[kind] = fn
        return fn

    return register


def render_notice(kind: str, params: dict, tr: Translator) -> Rendered:
    renderer = _RENDERERS.get(kind)
    if renderer is None:
        raise LookupError(f"no renderer for outbox kind {kind!r}")
    return renderer(params, tr)


@notice("text")
def _plain(params: dict, tr: Translator) -> Rendered:
    """A ready text (already in the recipient's language), e.g. console tests."""
    return Rendered(str(params.get("text", "")))
