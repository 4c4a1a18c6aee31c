"""Outbox renderers for enrollment status changes, in the recipient's language at send time."""
from __future__ import annotations

from datetime import date

from catalog.enrollment import NOTICE_KIND
from handlers.enrollment.actions import MY
from handlers.enrollment.staff import DIGEST, QUEUE
from handlers.enrollment.wording import course_name, reason_text
from handlers.notices import notice
from locales import Translator
from notifications import digest
from notifications.messages import Button, Rendered


def _period(params: dict, tr: Translator) -> str:
    try:
        return tr.period(date.fromisoformat(params["start"]), date.fromisoformat(params["end"]),
                         params.get("precision") or "day")
    except (KeyError, TypeError, ValueError):
        return ""


@notice(digest.KIND)
def render_digest(params: dict, tr: Translator) -> Rendered:
    """The hourly digest for staff who opted in: how many new requests wait, per course."""
    lines = [tr("📥 New requests waiting for approval: {total}", total=params.get("total", 0))]
    for c in params.get("courses") or []:
        lines.append(tr("• {title}: {count}", title=tr.pick(c.get("title"), c.get("title_en")), count=c.get("count")))
    if params.get("more"):
        lines.append(tr("… and {count} more courses", count=params["more"]))
    return Rendered("\n".join(lines), ((Button(tr("📥 Open the queue"), QUEUE(None)),),
                                       (Button(tr("🔕 No more digests"), DIGEST("off")),)))


@notice(NOTICE_KIND)
def render_status(params: dict, tr: Translator) -> Rendered:
    _ = tr
    name = course_name(tr, params.get("title", ""), params.get("title_en"), params.get("number", 0),
                       params.get("track"), params.get("track_en"))
    period = _period(params, tr)
    event = params.get("event")
    reason = reason_text(tr, params.get("reason"))
    if event == "approved":
        text = _("✅ Approved: your seat in {name} is confirmed.", name=name)
    elif event == "rejected":
        text = _("❌ Not approved: your request for {name} was declined.", name=name)
        if reason:
            text += "\n" + _("Reason: {reason}", reason=reason)
    elif event == "promoted" and params.get("status") == "pending":
        text = _("🎉 A seat freed up in {name}: you moved up from the waitlist. Your request now "
                 "awaits staff approval.", name=name)
    elif event == "promoted":
        text = _("🎉 A seat freed up in {name}: you moved up from the waitlist and your seat is confirmed.",
                 name=name)
    elif event == "moved":
        text = _("🔁 You moved to {name}; your seat in the other cohort was released.", name=name)
    elif event == "dates":
        text = _("📅 The dates of {name} have changed: now {period}.", name=name, period=period)
    elif event == "cancelled":
        text = _("Your enrollment in {name} was cancelled by HRD Center staff.", name=name)
        if reason:
            text += "\n" + _("Reason: {reason}", reason=reason)
    else:
        text = _("The status of your request for {name} changed.", name=name)
    if period and event in ("approved", "promoted", "moved"):
        text += "\n" + _("Dates: {period}", period=period)
    return Rendered(text, ((Button(_("📋 My enrollments"), MY(None)),),))
