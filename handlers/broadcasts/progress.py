"""/broadcasts (staff): progress of recent broadcasts, with a cancel button for unfinished ones."""
from __future__ import annotations

from handlers.broadcasts.formatting import plain
from handlers.broadcasts.notices import BROADCASTS, report_lines
from handlers.callbacks import Action, Int, StaleButton, on
from handlers.turn import Turn, on_turn
from locales import Translator
from locales.labels import BROADCAST_STATUS as STATUS  # shared with the dashboard
from notifications.broadcasts.audiences import BadAudience, describe, describe_audience
from notifications.broadcasts.service import BroadcastError, Progress, cancel_broadcast, progress, recent
from notifications.messages import Button


CANCEL = Action("bcx", Int("broadcast", 1))
CANCEL_YES = Action("bcy", Int("broadcast", 1))


async def _audience_text(t: Turn, p: Progress) -> str:
    try:
        info = await describe(t.session, p.audience)
    except BadAudience:
        return str(p.audience.get("kind", ""))
    return describe_audience(info.label, p.total if p.status in ("sending", "done") else info.count, t.tr)


def _when(p: Progress, tr: Translator) -> str:
    if p.status == "scheduled" and p.scheduled_at:
        return tr("starts {when}", when=tr.datetime(p.scheduled_at))
    if p.status == "cancelled":  # not "finished": nothing (or not everything) was sent
        return tr("cancelled {when}", when=tr.datetime(p.finished_at or p.created_at))
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
            buttons.append([Button(t.tr("Cancel broadcast #{id}", id=p.id), CANCEL(p.id))])
    buttons.append([Button(t.tr("Refresh"), BROADCASTS())])
    (t.edit if edit else t.reply)("\n\n".join(blocks), buttons)


@on_turn
async def on_broadcasts(t: Turn) -> None:
    if t.refuse_unless_staff():
        return
    await show_list(t)


@on(BROADCASTS)
async def on_list_button(t: Turn) -> None:
    if t.refuse_unless_staff():
        return
    await show_list(t, edit=True)


@on(CANCEL)
async def on_cancel_ask(t: Turn, broadcast_id: int) -> None:
    if t.refuse_unless_staff():
        return
    p = await progress(t.session, broadcast_id)
    if p is None:
        raise StaleButton(broadcast_id)
    if not p.unfinished:
        t.answer(t.tr("Broadcast #{id} is already {status}.", id=p.id, status=t.tr(STATUS.get(p.status, p.status))),
                 alert=True)
        return
    t.reply(t.tr("Cancel broadcast #{id}? Messages not sent yet will not be sent.", id=p.id) + "\n\n"
            + await progress_text(t, p),
            [[Button(t.tr("Yes, cancel #{id}", id=p.id), CANCEL_YES(p.id)), Button(t.tr("Keep sending"), BROADCASTS())]])


@on(CANCEL_YES)
async def on_cancel_confirm(t: Turn, broadcast_id: int) -> None:
    if t.refuse_unless_staff():
        return
    try:
        result = await cancel_broadcast(t.session, broadcast_id, t.now, actor=t.actor)
    except BroadcastError:
        raise StaleButton(broadcast_id) from None
    if result.already:
        t.edit(t.tr("Broadcast #{id} is already {status}.", id=result.broadcast_id,
                    status=t.tr(STATUS.get(result.already, result.already))))
        return
    if not result.cancelled:  # a scheduled broadcast that had not started: nobody gets anything
        t.edit(t.tr("Broadcast #{id} cancelled before it started: nothing was sent.", id=result.broadcast_id))
    else:
        t.edit(t.tr.ngettext("Broadcast #{id} cancelled: {n} message will not be sent. You will get a report.",
                             "Broadcast #{id} cancelled: {n} messages will not be sent. You will get a report.",
                             result.cancelled, id=result.broadcast_id))
    t.outbox_written()
