"""/my: a person's requests and enrollments with their status, and cancelling with a confirmation step."""
from __future__ import annotations

from catalog import enrollment as svc
from handlers.callbacks import StaleButton, on
from handlers.enrollment.actions import CANCEL, CANCEL_ASK, MOVE_LIST, MY
from handlers.enrollment.wording import status_text, view_line, view_name, view_period
from handlers.turn import Turn, on_turn
from notifications.messages import Button

MAX_LISTED = 30


async def show_my(t: Turn, *, edit: bool = False) -> None:
    _ = t.tr
    today = t.now.date()
    views = await svc.my_enrollments(t.session, t.user.id)
    if not views:
        text = _("You have no course requests yet. Search for a course (e.g. 엑셀) and press its Apply button.")
        (t.edit if edit else t.reply)(text)
        return
    lines = [_("📋 Your course requests and enrollments:"), ""]
    buttons: list[list[Button]] = []
    for i, v in enumerate(views[:MAX_LISTED], 1):
        lines.append(f"{i}. {view_line(t.tr, v, today)}")
        if v.can_cancel(today):
            row = [Button(_("Cancel {number}.", number=i) + " " + view_name(t.tr, v)[:30], CANCEL_ASK(v.id))]
            if v.status in ("confirmed", "pending"):
                row.append(Button(_("🔁 Move {number}.", number=i), MOVE_LIST(v.id)))
            buttons.append(row)
    (t.edit if edit else t.reply)("\n".join(lines), buttons)


@on_turn
async def on_my(t: Turn) -> None:
    await show_my(t)


@on(MY)
async def on_my_button(t: Turn, screen: str | None) -> None:
    await show_my(t, edit=screen == "e")


async def mine(t: Turn, enrollment_id: int) -> svc.EnrollmentView:
    """The presser's own request, else a stale button (someone else's request, or a made-up number)."""
    view = await svc.get_enrollment(t.session, enrollment_id)
    if view is None or view.user_id != t.user.id:
        raise StaleButton(enrollment_id)
    return view


@on(CANCEL_ASK)
async def on_cancel_ask(t: Turn, enrollment_id: int) -> None:
    _ = t.tr
    v = await mine(t, enrollment_id)
    today = t.now.date()
    if not v.can_cancel(today):
        if v.status in svc.ACTIVE:  # still active, so the cohort has begun
            t.answer(_("{name} has already started, so it cannot be cancelled here. Please contact the HRD Center.",
                       name=view_name(t.tr, v)), alert=True)
        else:
            t.answer(_("This request can no longer be cancelled here: {status}.",
                       status=status_text(t.tr, v, today)), alert=True)
        return
    text = _("Cancel your request for {name}?", name=view_name(t.tr, v)) + "\n" + _(
        "Dates: {period}", period=view_period(t.tr, v))
    if v.status in ("confirmed", "pending") and await svc.people_waiting(t.session, v.cohort_id):
        text += "\n" + _("Your seat will go to the first person on the waitlist.")
    t.edit(text, [[Button(_("Yes, cancel it"), CANCEL(v.id)), Button(_("No, keep it"), MY("e"))]])


@on(CANCEL)
async def on_cancel_confirm(t: Turn, enrollment_id: int) -> None:
    _ = t.tr
    v = await mine(t, enrollment_id)
    result = await svc.cancel(t.session, enrollment_id=v.id, actor=t.actor, now=t.now)
    if result.promoted:
        t.outbox_written()
    if result.ok:
        t.edit(_("Cancelled: {name}.", name=view_name(t.tr, v)), [[Button(_("📋 My enrollments"), MY(None))]])
    elif result.code == "started":
        t.edit(_("{name} has already started, so it cannot be cancelled here. Please contact the HRD Center.",
                 name=view_name(t.tr, v)))
    elif result.code == "not_active":
        t.answer(_("This request is no longer active."), alert=True)
    else:
        raise StaleButton(enrollment_id)
