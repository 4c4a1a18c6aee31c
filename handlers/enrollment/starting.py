"""Course-start reminders as the learner reads them (D-3, D-1), and their one-press opt-out."""
from __future__ import annotations

from datetime import date

from handlers.callbacks import on
from handlers.enrollment.actions import COURSE_START, MY
from handlers.enrollment.wording import course_name
from handlers.labels import DELIVERY, label
from handlers.notices import notice
from handlers.turn import Turn
from locales import Translator
from notifications import course_start
from notifications.messages import Button, Rendered, rows


@notice(course_start.KIND)
def render_course_start(params: dict, tr: Translator) -> Rendered:
    _ = tr
    name = course_name(tr, params.get("title", ""), params.get("title_en"), params.get("number", 0),
                       params.get("track"), params.get("track_en"))
    start = date.fromisoformat(params["start"])
    period = tr.period(start, date.fromisoformat(params["end"]), "day")
    if params.get("offset") == "d-1":
        lines = [_("📚 {name} starts tomorrow ({period}).", name=name, period=period)]
    else:
        lines = [_("📚 {name} starts in 3 days ({period}).", name=name, period=period)]
    lines.append(_("Format: {delivery}", delivery=label(DELIVERY, params.get("delivery", ""), tr)))
    if params.get("venue"):
        lines.append(_("Where: {venue}", venue=params["venue"]))
    if params.get("link"):
        lines.append(_("Online: {link}", link=params["link"]))
    if params.get("bring"):
        lines.append(_("Please bring: {items}", items=params["bring"]))
    lines += ["", _("If you cannot come, please cancel in /my so that someone on the waitlist gets your seat.")]
    return Rendered("\n".join(lines), rows(
        [Button(_("📋 My enrollments"), MY(None))],
        [Button(_("🔕 No more course-start reminders"), COURSE_START("off"))],
    ))


@on(COURSE_START)
async def on_opt_out(t: Turn, choice: str) -> None:
    """One press: no more course-start reminders (and the undo button, in case it was a slip)."""
    await course_start.set_opt_out(t.session, t.user.id, t.now, out=choice == "off")
    if choice == "off":
        t.answer(t.tr("You will get no more course-start reminders."))
        t.reply(t.tr("You will get no more course-start reminders."),
                [[Button(t.tr("Undo: remind me again"), COURSE_START("on"))]])
    else:
        t.answer(t.tr("Course-start reminders are on again."))
        t.reply(t.tr("Course-start reminders are on again."))
