"""Renderers of this feature's outbox kinds: broadcast, course_news, broadcast_report (in the recipient's language)."""
from __future__ import annotations

import html
from datetime import date

from catalog.topics import TOPICS
from handlers.broadcasts.subscribe import NEWS_OFF
from handlers.callbacks import Action
from handlers.notices import notice
from handlers.search import COURSE
from locales import Translator
from notifications.messages import Button, Rendered, rows

BROADCASTS = Action("bcl")  # the staff list of broadcasts (handlers/broadcasts/progress.py answers it)


def course_button(params: dict, tr: Translator) -> Button | None:
    course_id = params.get("course_id")
    if not course_id:
        return None
    title = tr.pick(params.get("title"), params.get("title_en")) or course_id
    if params.get("cohort_no"):
        text = tr("📘 {title} — cohort #{number}", title=title, number=params["cohort_no"])
    else:
        text = tr("📘 {title}", title=title)
    return Button(text, COURSE(course_id))


@notice("broadcast")
def render_broadcast(params: dict, tr: Translator) -> Rendered:
    """A staff notice; `text` is already safe Telegram HTML (see formatting.py)."""
    header = html.escape(tr("📢 Notice from the Seoul HRD Center"))
    button = course_button(params, tr)
    return Rendered(f"<b>{header}</b>\n\n{params.get('text', '')}", rows([button] if button else []), html=True)


def _cohort_line(c: dict, tr: Translator) -> str:
    when = tr.period(date.fromisoformat(c["start"]), date.fromisoformat(c["end"]), c.get("precision") or "day")
    track = tr.pick(c.get("track"), c.get("track_en"))
    return tr("#{number}: {when}", number=c["no"], when=when) + (f" · {track}" if track else "")


@notice("course_news")
def render_course_news(params: dict, tr: Translator) -> Rendered:
    title = tr.pick(params.get("title"), params.get("title_en"))
    topic = tr(TOPICS.get(params.get("topic"), params.get("topic") or ""))
    if params.get("new_course"):
        lines = [tr("🆕 New course in {topic}: {title}", topic=topic, title=title)]
    else:
        lines = [tr("🆕 New dates for {title} ({topic})", title=title, topic=topic)]
    cohorts = params.get("cohorts") or []
    if cohorts:
        lines.append("")
        lines += [_cohort_line(c, tr) for c in cohorts]
        if params.get("more_cohorts"):
            lines.append(tr("… and {count} more", count=params["more_cohorts"]))
    lines += ["", tr("You get this because you subscribed to course news (/subscribe).")]
    buttons = rows(
        [Button(tr("📘 See the course"), COURSE(params["course_id"]))] if params.get("course_id") else [],
        [Button(tr("🔕 No more news about {topic}", topic=topic), NEWS_OFF(params["topic"]))]
        if params.get("topic") in TOPICS else [],
    )
    return Rendered("\n".join(lines), buttons)


def report_lines(p: dict, tr: Translator) -> list[str]:
    return [
        tr("Sent: {sent} · Failed: {failed} · Unreachable: {unreachable} · Pending: {pending}",
           sent=tr.number(p.get("sent", 0)), failed=tr.number(p.get("failed", 0)),
           unreachable=tr.number(p.get("unreachable", 0)), pending=tr.number(p.get("pending", 0))),
        *([tr("Cancelled before sending: {count}", count=tr.number(p["cancelled"]))] if p.get("cancelled") else []),
    ]


@notice("broadcast_report")
def render_broadcast_report(params: dict, tr: Translator) -> Rendered:
    if params.get("status") == "cancelled":
        head = tr("📊 Broadcast #{id} was cancelled. Delivery report ({total} recipients):",
                  id=params.get("b"), total=tr.number(params.get("total", 0)))
    else:
        head = tr("📊 Broadcast #{id} is finished. Delivery report ({total} recipients):",
                  id=params.get("b"), total=tr.number(params.get("total", 0)))
    summary = params.get("text") or ""
    lines = [head, *report_lines(params, tr)]
    if summary:
        from handlers.broadcasts.formatting import plain

        lines += ["", "“" + plain(summary)[:60] + "”"]
    return Rendered("\n".join(lines), rows([Button(tr("All broadcasts"), BROADCASTS())]))


@notice("broadcast_missed")
def render_broadcast_missed(params: dict, tr: Translator) -> Rendered:
    """A scheduled broadcast the bot could not start on time (it was not running): not sent days late."""
    from datetime import datetime

    from handlers.broadcasts.formatting import plain

    due = datetime.fromisoformat(params["due"]) if params.get("due") else None
    lines = [tr("⚠️ Broadcast #{id} was due {when}, but the bot was not running then. It was not sent late; send "
                "it again with /broadcast if it still matters.", id=params.get("b"),
                when=tr.datetime(due) if due else "?")]
    if params.get("text"):
        lines += ["", "“" + plain(params["text"])[:60] + "”"]
    return Rendered("\n".join(lines), rows([Button(tr("All broadcasts"), BROADCASTS())]))
