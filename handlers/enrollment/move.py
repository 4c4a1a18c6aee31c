"""/my → 🔁 Move: another cohort of the same course, without cancelling first (catalog/moves.py).

`MOVE_LIST(E)` lists where seat E can go, `MOVE(E, C)` moves it (or offers to wait when C is full),
`MOVE_WAIT(E, C)` waits for a seat in C while keeping E. Every id is checked again by the service: a stale or forged button changes nothing.
"""
from __future__ import annotations

from catalog import moves
from handlers.callbacks import StaleButton, on
from handlers.enrollment.actions import MOVE, MOVE_LIST, MOVE_WAIT, MY
from handlers.enrollment.my import mine
from handlers.enrollment.wording import refusal_text, view_name
from handlers.turn import Turn
from locales.labels import cohort_no, shown_year
from notifications.messages import Button

REFUSALS = {"deadline": "deadline", "started": "started", "closed": "closed", "not_found": "not_found"}


@on(MOVE_LIST)
async def on_move_list(t: Turn, enrollment_id: int) -> None:
    _ = t.tr
    v = await mine(t, enrollment_id)
    today = t.now.date()
    choices = await moves.targets(t.session, v.id, t.user.id, today)
    back = [Button(_("📋 My enrollments"), MY("e"))]
    if not choices:
        t.edit(_("There is no other cohort of {name} you could move to now.", name=view_name(t.tr, v)), [back])
        return
    shown = [*choices[:8], v]  # this year's #1 and next year's #1 say their year
    lines = [_("Move {name} to which cohort? You keep your seat until the move is done.",
               name=view_name(t.tr, v, shown_year(v, shown)))]
    buttons = [[Button(_("{cohort}: {when}", cohort=cohort_no(c.number, t.tr, shown_year(c, shown)),
                         when=t.tr.period(c.start_on, c.end_on, c.precision))[:60],
                       MOVE(v.id, c.id))] for c in choices[:8]]
    t.edit("\n".join(lines), [*buttons, back])


async def _move(t: Turn, enrollment_id: int, target: int, *, wait: bool) -> None:
    _ = t.tr
    v = await mine(t, enrollment_id)
    result = await moves.move(t.session, actor=t.actor, enrollment_id=v.id, target_cohort_id=target, now=t.now,
                              wait=wait)
    if result.promoted:
        t.outbox_written()
    back = [Button(_("📋 My enrollments"), MY("e"))]
    if result.status == "moved":
        t.edit(_("🔁 Done: you are now in {name}. Your seat in #{old} was released.",
                 name=view_name(t.tr, result.enrollment), old=v.cohort_number), [back])
    elif result.status == "waiting":
        t.edit(_("You are #{position} on the waitlist of that cohort. You keep your seat in #{old} until a seat "
                 "frees up there; then you move automatically and I will tell you.",
                 position=result.position, old=v.cohort_number), [back])
    elif result.status == "full":
        t.edit(_("That cohort is full. You can wait for a seat there and keep your current one meanwhile."),
               [[Button(_("🕒 Wait for a seat there"), MOVE_WAIT(v.id, target))], back])
    elif result.code in REFUSALS:
        t.edit("⛔ " + refusal_text(t.tr, REFUSALS[result.code]), [back])
    elif result.code == "already":
        t.edit(_("You already have a request for that cohort."), [back])
    else:
        raise StaleButton((enrollment_id, target))


@on(MOVE)
async def on_move(t: Turn, enrollment_id: int, cohort_id: int) -> None:
    await _move(t, enrollment_id, cohort_id, wait=False)


@on(MOVE_WAIT)
async def on_move_wait(t: Turn, enrollment_id: int, cohort_id: int) -> None:
    await _move(t, enrollment_id, cohort_id, wait=True)
