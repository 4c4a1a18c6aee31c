"""Staff: the pending queue per course, approve / reject with a reason / approve all.

The role is checked on every press (`refuse_unless_staff`), and every id in a button is looked up again in the
database: a forged or stale button gets a polite answer and changes nothing.
"""
from __future__ import annotations

import unicodedata

from catalog import enrollment as svc
from handlers.callbacks import StaleButton, cb, int_arg, route, str_arg
from handlers.enrollment.refusals import rank_label
from handlers.enrollment.wording import REJECT_REASONS, view_name
from handlers.flows import text_step
from handlers.turn import Turn, on_turn
from notifications import digest
from notifications.messages import Button

REJECT_FLOW = "enr_reject"
MAX_ITEMS = 15  # per message; approving some shows the next ones
MAX_REASON = 500


async def show_overview(t: Turn, *, edit: bool = False) -> None:
    _ = t.tr
    queue = await svc.pending_queue(t.session, t.actor, now=t.now)
    say = t.edit if edit else t.reply
    toggle = [await _digest_button(t)]
    if not queue:
        say(_("No requests are waiting for approval."), [toggle])
        return
    lines = [_("📥 Requests waiting for approval:")]
    buttons = []
    for q in queue:
        title = t.tr.pick(q.title, q.title_en)
        lines.append(_("• {title}: {count} pending", title=title, count=len(q.items)))
        short = title if len(title) <= 40 else title[:39].rstrip() + "…"
        buttons.append([Button(f"{short} ({len(q.items)})", cb("stq", q.course_id))])
    say("\n".join(lines), [*buttons, toggle])


async def _digest_button(t: Turn) -> Button:
    if await digest.digest_on(t.session, t.user.id):
        return Button(t.tr("🔕 Stop the hourly digest of new requests"), cb("pdg", "off"))
    return Button(t.tr("🔔 Hourly digest of new requests"), cb("pdg", "on"))


@route("pdg")
async def on_digest_choice(t: Turn, args: list[str]) -> None:
    """Opt in to (or out of) the digest: at most one message an hour, never one per request."""
    if t.refuse_unless_staff():
        return
    choice = str_arg(args, 0)
    if choice not in ("on", "off"):
        raise StaleButton(args)
    await digest.set_digest(t.session, t.actor, choice == "on", t.now)
    t.answer(t.tr("You will get at most one message an hour when new requests wait.") if choice == "on"
             else t.tr("No more digests of new requests."))
    await show_overview(t, edit=True)


async def show_course(t: Turn, course_id: str, *, edit: bool = True) -> None:
    _ = t.tr
    queue = await svc.pending_queue(t.session, t.actor, course_id, now=t.now)
    say = t.edit if edit else t.reply
    if not queue:
        say(_("No more pending requests for this course."), [[Button(_("⬅ All courses"), cb("stq"))]])
        return
    q = queue[0]
    lines = [_("📥 {title}: {count} pending", title=t.tr.pick(q.title, q.title_en), count=len(q.items)), ""]
    buttons: list[list[Button]] = []
    for i, item in enumerate(q.items[:MAX_ITEMS], 1):
        v = item.enrollment
        who = item.full_name or _("(personal data deleted)")  # a request needs a profile; /forget removes it
        extra = ", ".join(x for x in (item.department, rank_label(item.rank, t.tr) if item.rank else None) if x)
        if extra:
            lines.append(_("{i}. {who} ({extra}) · #{number} · asked {day}", i=i, who=who, extra=extra,
                           number=v.cohort_number, day=t.tr.date(v.requested_at)))
        else:
            lines.append(_("{i}. {who} · #{number} · asked {day}", i=i, who=who, number=v.cohort_number,
                           day=t.tr.date(v.requested_at)))
        buttons.append([Button(_("✅ Approve {i}", i=i), cb("sta", v.id)),
                        Button(_("❌ Reject {i}", i=i), cb("str", v.id))])
    if len(q.items) > MAX_ITEMS:
        lines.append(_("…and {more} more.", more=len(q.items) - MAX_ITEMS))
    buttons.append([Button(_("✅ Approve all ({count})", count=len(q.items)), cb("stb", q.course_id))])
    buttons.append([Button(_("⬅ All courses"), cb("stq"))])
    say("\n".join(lines), buttons)


def _leave_reject_flow(t: Turn) -> None:
    """Going back to the queue abandons a half-typed rejection: later text must not become its reason."""
    if t.user.flow == REJECT_FLOW:
        t.clear_flow()


@on_turn
async def on_pending(t: Turn) -> None:
    if t.refuse_unless_staff():
        return
    _leave_reject_flow(t)
    await show_overview(t)


@route("stq")
async def on_queue_button(t: Turn, args: list[str]) -> None:
    if t.refuse_unless_staff():
        return
    _leave_reject_flow(t)
    if args and args[0]:
        await show_course(t, str_arg(args, 0))
    else:
        await show_overview(t, edit=True)


async def _pending(t: Turn, args: list[str]) -> svc.EnrollmentView:
    view = await svc.get_enrollment(t.session, int_arg(args, 0))
    if view is None:
        raise StaleButton(args)
    return view


@route("sta")
async def on_approve(t: Turn, args: list[str]) -> None:
    if t.refuse_unless_staff():
        return
    v = await _pending(t, args)
    result = await svc.approve(t.session, enrollment_id=v.id, actor=t.actor, now=t.now)
    if not result.ok:
        t.answer(t.tr("Already decided by someone else; the list is refreshed."))
    else:
        t.outbox_written()
        t.answer(t.tr("Approved: {name}. The employee is notified.", name=view_name(t.tr, v)))
    await show_course(t, v.course_id)


@route("str")
async def on_reject_ask(t: Turn, args: list[str]) -> None:
    _ = t.tr
    if t.refuse_unless_staff():
        return
    v = await _pending(t, args)
    if v.status not in ("pending", "waitlisted"):
        t.answer(_("Already decided by someone else; the list is refreshed."))
        await show_course(t, v.course_id)
        return
    rows = [[Button(t.tr(reason), cb("stx", v.id, i))] for i, reason in enumerate(REJECT_REASONS)]
    rows.append([Button(_("✍️ Type another reason"), cb("stw", v.id))])
    rows.append([Button(_("⬅ Back"), cb("stq", v.course_id))])
    t.edit(_("Why is the request for {name} rejected? The employee will see the reason.", name=view_name(t.tr, v)),
           rows)


async def _reject(t: Turn, v: svc.EnrollmentView, reason: str) -> bool:
    result = await svc.reject(t.session, enrollment_id=v.id, actor=t.actor, now=t.now, reason=reason)
    if result.ok:
        t.outbox_written()
    return result.ok


@route("stx")
async def on_reject_preset(t: Turn, args: list[str]) -> None:
    if t.refuse_unless_staff():
        return
    v = await _pending(t, args)
    index = int_arg(args, 1)
    if not 0 <= index < len(REJECT_REASONS):
        raise StaleButton(args)
    if await _reject(t, v, REJECT_REASONS[index]):
        t.answer(t.tr("Rejected: {name}. The employee is notified with the reason.", name=view_name(t.tr, v)))
    else:
        t.answer(t.tr("Already decided by someone else; the list is refreshed."))
    await show_course(t, v.course_id)


@route("stw")
async def on_reject_typed(t: Turn, args: list[str]) -> None:
    if t.refuse_unless_staff():
        return
    v = await _pending(t, args)
    t.set_flow(REJECT_FLOW, "reason", {"enrollment_id": v.id})
    t.edit(t.tr("Type the reason for rejecting {name} (the employee will see it), or /cancel.",
                name=view_name(t.tr, v)))


@text_step(REJECT_FLOW)
async def on_reject_reason(t: Turn, text: str) -> None:
    _ = t.tr
    if t.refuse_unless_staff():
        t.clear_flow()
        return
    reason = " ".join("".join(ch for ch in text if ch.isspace() or unicodedata.category(ch) != "Cc").split())
    if not reason:
        t.reply(_("Please type the reason in words, or /cancel."))
        return
    if len(reason) > MAX_REASON:
        t.reply(_("Please keep the reason under {n} characters.", n=MAX_REASON))
        return
    enrollment_id = int(t.flow_data.get("enrollment_id") or 0)
    v = await svc.get_enrollment(t.session, enrollment_id)
    if v is None or v.status not in ("pending", "waitlisted"):
        t.clear_flow()
        t.reply(_("That request was already decided or no longer exists; nothing was changed."))
        return
    # A typed reason is shown back before anything happens: text typed much later (a search, a note to
    # someone else) must never reject a request by itself.
    t.set_flow(REJECT_FLOW, "confirm", {"enrollment_id": v.id, "reason": reason})
    t.reply(_("Reject the request for {name} with this reason?", name=view_name(t.tr, v)) + "\n“" + reason + "”",
            [[Button(_("❌ Reject with this reason"), cb("stc", v.id))],
             [Button(_("✍️ Type another reason"), cb("stw", v.id)), Button(_("⬅ Back"), cb("stq", v.course_id))]])


@route("stc")
async def on_reject_confirm(t: Turn, args: list[str]) -> None:
    if t.refuse_unless_staff():
        return
    enrollment_id = int_arg(args, 0)
    data = t.flow_data if t.user.flow == REJECT_FLOW and t.user.flow_step == "confirm" else {}
    if int(data.get("enrollment_id") or 0) != enrollment_id or not data.get("reason"):
        raise StaleButton(args)
    reason = str(data["reason"])
    t.clear_flow()
    v = await _pending(t, args)
    if await _reject(t, v, reason):
        t.answer(t.tr("Rejected: {name}. The employee is notified with the reason.", name=view_name(t.tr, v)))
    else:
        t.answer(t.tr("Already decided by someone else; the list is refreshed."))
    await show_course(t, v.course_id)


@route("stb")
async def on_bulk_approve(t: Turn, args: list[str]) -> None:
    if t.refuse_unless_staff():
        return
    course_id = str_arg(args, 0)
    approved = await svc.bulk_approve(t.session, course_id=course_id, actor=t.actor, now=t.now)
    if approved:
        t.outbox_written()
    t.answer(t.tr("Approved {count} requests. Each employee is notified.", count=len(approved)))
    await show_course(t, course_id)
