"""/my: a person's requests and enrollments with their status, and cancelling with a confirmation step."""
from __future__ import annotations

from catalog import enrollment as svc
from handlers.callbacks import StaleButton, cb, int_arg, route
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
            row = [Button(_("Cancel {number}.", number=i) + " " + view_name(t.tr, v)[:30], cb("enx", v.id))]
            if v.status in ("confirmed", "pending"):
                row.append(Button(_("🔁 Move {number}.", number=i), cb("mvl", v.id)))
            buttons.append(row)
    (t.edit if edit else t.reply)("\n".join(lines), buttons)


@on_turn
async def on_my(t: Turn) -> None:
    await show_my(t)


@route("my")
async def on_my_button(t: Turn, args: list[str]) -> None:
    await show_my(t, edit=bool(args and args[0] == "e"))


async def _mine(t: Turn, args: list[str]) -> svc.EnrollmentView:
    view = await svc.get_enrollment(t.session, int_arg(args, 0))
    if view is None or view.user_id != t.user.id:
        raise StaleButton(args)  # someone else's request, or a made-up number
    return view


@route("enx")
async def on_cancel_ask(t: Turn, args: list[str]) -> None:
    _ = t.tr
    v = await _mine(t, args)
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
    t.edit(text, [[Button(_("Yes, cancel it"), cb("eny", v.id)), Button(_("No, keep it"), cb("my", "e"))]])


@route("eny")
async def on_cancel_confirm(t: Turn, args: list[str]) -> None:
    _ = t.tr
    v = await _mine(t, args)
    result = await svc.cancel(t.session, enrollment_id=v.id, actor=t.actor, now=t.now)
    if result.promoted:
        t.outbox_written()
    if result.ok:
        t.edit(_("Cancelled: {name}.", name=view_name(t.tr, v)), [[Button(_("📋 My enrollments"), cb("my"))]])
    elif result.code == "started":
        t.edit(_("{name} has already started, so it cannot be cancelled here. Please contact the HRD Center.",
                 name=view_name(t.tr, v)))
    elif result.code == "not_active":
        t.answer(_("This request is no longer active."), alert=True)
    else:
        raise StaleButton(args)
