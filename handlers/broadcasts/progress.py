"""/broadcasts (staff): progress of recent broadcasts, with a cancel button for unfinished ones."""
from __future__ import annotations

from handlers.broadcasts.formatting import plain
from handlers.broadcasts.notices import report_lines
from handlers.callbacks import StaleButton, cb, int_arg, route
from handlers.turn import Turn, on_turn
from locales import Translator
from locales.labels import BROADCAST_STATUS as STATUS  # shared with the dashboard
from notifications.broadcasts.audiences import BadAudience, describe, describe_audience
from notifications.broadcasts.service import BroadcastError, Progress, cancel_broadcast, progress, recent
from notifications.messages import Button


async def _audience_text(t: Turn, p: Progress) -> str:
    try:
        info = await describe(t.session, p.audience)
    except BadAudience:
        return str(p.audience.get("kind", ""))
    return describe_audience(info.label, p.total if p.status in ("sending", "done") else info.count, t.tr)


def _when(p: Progress, tr: Translator) -> str:
    if p.status == "scheduled" and p.scheduled_at:
        return tr("starts {when}", when=tr.datetime(p.scheduled_at))
    if p.finished_at:
        return tr("finished {when}", when=tr.datetime(p.finished_at))
    if p.started_at:
        return tr("started {when}", when=tr.datetime(p.started_at))
    return tr.datetime(p.created_at)


async def progress_text(t: Turn, p: Progress) -> str:
    tr = t.tr
    lines = [tr("#{id} · {status} · {when}", id=p.id, status=tr(STATUS.get(p.status, p.status)), when=_when(p, tr)),
             "“" + plain(p.text)[:50] + "”", await _audience_text(t, p)]
    if p.status in ("sending", "done", "cancelled") and p.total:
        lines += report_lines(p.as_params(), tr)
    return "\n".join(lines)


async def show_list(t: Turn, *, edit: bool = False) -> None:
    items = await recent(t.session, limit=6)
    if not items:
        t.reply(t.tr("No broadcasts yet. Start one with /broadcast."))
        return
    blocks = [t.tr("Recent broadcasts:")]
    buttons = []
    for p in items:
        blocks.append(await progress_text(t, p))
        if p.unfinished:
            buttons.append([Button(t.tr("Cancel broadcast #{id}", id=p.id), cb("bcx", p.id))])
    buttons.append([Button(t.tr("Refresh"), cb("bcl"))])
    (t.edit if edit else t.reply)("\n\n".join(blocks), buttons)


@on_turn
async def on_broadcasts(t: Turn) -> None:
    if t.refuse_unless_staff():
        return
    await show_list(t)


@route("bcl")
async def on_list_button(t: Turn, args: list[str]) -> None:
    if t.refuse_unless_staff():
        return
    await show_list(t, edit=True)


@route("bcx")
async def on_cancel_ask(t: Turn, args: list[str]) -> None:
    if t.refuse_unless_staff():
        return
    p = await progress(t.session, int_arg(args, 0))
    if p is None:
        raise StaleButton(args)
    if not p.unfinished:
        t.answer(t.tr("Broadcast #{id} is already {status}.", id=p.id, status=t.tr(STATUS.get(p.status, p.status))),
                 alert=True)
        return
    t.reply(t.tr("Cancel broadcast #{id}? Messages not sent yet will not be sent.", id=p.id) + "\n\n"
            + await progress_text(t, p),
            [[Button(t.tr("Yes, cancel #{id}", id=p.id), cb("bcy", p.id)), Button(t.tr("Keep sending"), cb("bcl"))]])


@route("bcy")
async def on_cancel_confirm(t: Turn, args: list[str]) -> None:
    if t.refuse_unless_staff():
        return
    try:
        result = await cancel_broadcast(t.session, int_arg(args, 0), t.now, actor=t.actor)
    except BroadcastError:
        raise StaleButton(args) from None
    if result.already:
        t.edit(t.tr("Broadcast #{id} is already {status}.", id=result.broadcast_id,
                    status=t.tr(STATUS.get(result.already, result.already))))
        return
    t.edit(t.tr("Broadcast #{id} cancelled: {count} messages will not be sent. You will get a report.",
                id=result.broadcast_id, count=t.tr.number(result.cancelled)))
    t.outbox_written()
