"""The flow engine: conversations declared as steps, state in the database (`users.flow`, `flow_step`, `flow_data`).

Each flow declares its steps and what each accepts (`Step.text`: a typed answer; None: buttons only), and a
`prompt` that shows the current step again. The engine gives every flow the same rules (docs/conversations.md):

- **Step guard**: a button works only in the step it belongs to (`guard`); anything else is a stale button.
- **Escape rule**: text the step accepts is its answer. Text it rejects (`NotAnAnswer`) that is clearly something
  else — a greeting, a contact or exam question, a strong course-search match — is answered as such, followed by
  one message with "↩ back to …" (shows the step again) and "✖ stop". A command (/my, /exams…) likewise keeps the
  flow and offers the way back. Free-text steps (a name, a reason, a notice) take any text except what is clearly
  something else.
- **Back / stop** buttons (`BACK`, `STOP`) for every flow, and **expiry**: a flow untouched for `HRDBOT_RETAIN_FLOW_HOURS` (3 h) is
  cleared by the scheduler tick (bot/app.py) and when the person writes again (handlers/turn.py).
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from handlers.callbacks import Action, StaleButton, Str, on
from handlers.turn import Turn
from notifications.messages import Button

TextAnswer = Callable[[Turn, str], Awaitable[None]]
Prompt = Callable[[Turn, "str | None"], Awaitable[None]]  # (turn, error or None): show the current step again
Escape = Callable[[Turn, str], Awaitable[bool]]  # True when it answered the text as something else


class NotAnAnswer(Exception):
    """Raised by a step's text handler (before it changes anything) when the text is not an answer to it."""

    def __init__(self, error: str | None = None) -> None:
        super().__init__(error)
        self.error = error


@dataclass(frozen=True)
class Step:
    name: str
    text: TextAnswer | None = None  # None: answered with buttons only
    free: bool = False  # any text is an answer (a name, a reason, a notice) unless it is clearly something else
    search: bool = False  # text that is not an answer but finds courses is searched (consent never blocks search)
    hint: str | None = None  # msgid said when text is not an answer (default: "use the buttons below")
    about: tuple[str, ...] = ()  # words of the answers (과장, 팀장): text using them is a try at an answer, not a search
    buttons: bool = False  # answered mainly with buttons; `text` only understands a typed choice (귀농, 3회, 네)


@dataclass
class Flow:
    name: str
    title: str  # msgid naming the conversation: "your profile", "the retirement sign-up"
    prompt: Prompt
    steps: dict[str, Step] = field(default_factory=dict)
    staff: bool = False  # every step re-checks the staff role

    def step(self, name: str | None) -> Step | None:
        return self.steps.get(name or "")


FLOWS: dict[str, Flow] = {}
_ESCAPES: list[tuple[int, Escape]] = []
_INTENTS: list[tuple[int, Escape]] = []

SHORT = 30  # a free-text answer (a notice, a reason) longer than this is never taken for something else

BACK = Action("fl.back", Str("flow"), Str("step"))
STOP = Action("fl.stop", Str("flow"))


def flow(name: str, title: str, prompt: Prompt, *steps: Step, staff: bool = False) -> Flow:
    """Declare a flow (once per process; a second declaration of the same name replaces nothing)."""
    if name in FLOWS:
        return FLOWS[name]
    declared = Flow(name, title, prompt, {s.name: s for s in steps}, staff)
    FLOWS[name] = declared
    return declared


def escape(priority: int = 50) -> Callable[[Escape], Escape]:
    """Register a way to answer text that is clearly not a step's answer (intents, strong search matches)."""

    def register(fn: Escape) -> Escape:
        _ESCAPES.append((priority, fn))
        _ESCAPES.sort(key=lambda pair: pair[0])
        return fn

    return register


def intent(priority: int = 50) -> Callable[[Escape], Escape]:
    """Register a free-text intent tried before search when no flow is open (e.g. `퇴직 준비 교육 신청하고 싶어요`)."""

    def register(fn: Escape) -> Escape:
        _INTENTS.append((priority, fn))
        _INTENTS.sort(key=lambda pair: pair[0])
        return fn

    return register


def intents() -> list[Escape]:
    return [fn for _, fn in _INTENTS]


def current_step(flow_name: str | None, step: str | None) -> Step | None:
    f = FLOWS.get(flow_name or "")
    return f.step(step) if f else None


def current(t: Turn) -> tuple[Flow, Step] | None:
    f = FLOWS.get(t.user.flow or "")
    step = f.step(t.user.flow_step) if f else None
    return (f, step) if f and step else None


def guard(t: Turn, flow_name: str, *steps: str) -> dict:
    """The flow's data when the person is in `flow_name` at one of `steps` (any step when none given);
    otherwise the pressed button belongs to a step that is over: StaleButton."""
    if t.user.flow != flow_name or (steps and t.user.flow_step not in steps):
        raise StaleButton((flow_name, steps, t.user.flow, t.user.flow_step))
    return t.flow_data


def leave(t: Turn, flow_name: str) -> None:
    """End `flow_name` if it is the open one (browsing elsewhere, or starting over)."""
    if t.user.flow == flow_name:
        t.clear_flow()


def way_back(t: Turn) -> list[list[Button]]:
    f = FLOWS.get(t.user.flow or "")
    if f is None:
        return []
    return [[Button(t.tr("↩ Back to {what}", what=t.tr(f.title)), BACK(f.name, t.user.flow_step or "-")),
             Button(t.tr("✖ Stop it"), STOP(f.name))]]


def offer_way_back(t: Turn) -> None:
    """After answering something else mid-flow: one message with the way back (the flow is kept)."""
    buttons = way_back(t)
    if buttons:
        t.reply(t.tr("You were in the middle of {what}; it is kept.", what=t.tr(FLOWS[t.user.flow].title)), buttons)


async def try_escape(t: Turn, text: str) -> bool:
    for answer in (fn for _, fn in _ESCAPES):
        if await answer(t, text):
            return True
    return False


async def on_flow_text(t: Turn, text: str) -> bool:
    """Free text while a flow is open: its answer, an escape, or the step asked again. False: no flow is open."""
    found = current(t)
    if found is None:
        if t.user.flow:  # a flow this version no longer knows (or a step it dropped): forget it
            t.clear_flow()
        return False
    f, step = found
    if f.staff and t.refuse_unless_staff():
        t.clear_flow()
        return True
    if step.free and len(text.strip()) <= SHORT and await _escaped(t, text):
        return True
    if step.text is not None:
        try:
            await step.text(t, text)
            return True
        except NotAnAnswer as err:
            error = err.error
    else:
        error = None
    trying = any(word in text for word in step.about)
    if not step.free and not trying and await _escaped(t, text):
        return True
    if step.search and not trying:  # consent never blocks search: anything search finds is shown, with the way back
        from handlers.search import finds_something, run_search

        if finds_something(t, text):
            await run_search(t, text)
            offer_way_back(t)
            return True
    await f.prompt(t, error or t.tr(step.hint or "Please use the buttons below, or /cancel to stop."))
    return True


async def _escaped(t: Turn, text: str) -> bool:
    flow_before = (t.user.flow, t.user.flow_step)
    if not await try_escape(t, text):
        return False
    if (t.user.flow, t.user.flow_step) == flow_before:
        offer_way_back(t)
    return True


@on(BACK)
async def on_back(t: Turn, flow_name: str, step: str) -> None:
    f = FLOWS.get(flow_name)
    if f is None or t.user.flow != flow_name or current(t) is None:
        t.answer(t.tr("That conversation is over. Send /start to begin again."), alert=True)
        return
    if f.staff and t.refuse_unless_staff():
        return
    await f.prompt(t, None)  # the current step (which may have moved on since this button was shown)


@on(STOP)
async def on_stop(t: Turn, flow_name: str) -> None:
    if t.user.flow == flow_name:
        t.clear_flow()
        t.edit(t.tr("Stopped. Nothing was saved."))
    else:
        t.answer(t.tr("That conversation is over. Send /start to begin again."), alert=True)

