"""Staff: the pending queue per course, approve / reject with a reason / approve all.

The role is checked on every press (`refuse_unless_staff`), and every id in a button is looked up again in the
database: a forged or stale button gets a polite answer and changes nothing.
"""
from __future__ import annotations

import unicodedata

from catalog import enrollment as svc
from handlers.callbacks import Action, Choice, Int, StaleButton, Str, on
from handlers.enrollment.refusals import rank_label
from handlers.enrollment.wording import REJECT_REASONS, view_name
from handlers.flows import NotAnAnswer, Step, flow, guard, leave
from locales import N_
from handlers.turn import Turn, on_turn
from notifications import digest
from notifications.messages import Button

REJECT_FLOW = "enr_reject"
MAX_ITEMS = 15  # per message; approving some shows the next ones
MAX_REASON = 500
ID = Int("enrollment", 1)
QUEUE = Action("stq", Str("course", optional=True))
APPROVE = Action("sta", ID)
REJECT = Action("str", ID)
REJECT_PRESET = Action("stx", ID, Int("reason", 0, 20))
REJECT_TYPED = Action("stw", ID)
REJECT_CONFIRM = Action("stc", ID)
APPROVE_ALL = Action("stb", Str("course"))
DIGEST = Action("pdg", Choice("choice", ("on", "off")))


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
        buttons.append([Button(f"{short} ({len(q.items)})", QUEUE(q.course_id))])
    say("\n".join(lines), [*buttons, toggle])


async def _digest_button(t: Turn) -> Button:
    if await digest.digest_on(t.session, t.user.id):
        return Button(t.tr("🔕 Stop the hourly digest of new requests"), DIGEST("off"))
    return Button(t.tr("🔔 Hourly digest of new requests"), DIGEST("on"))


@on(DIGEST)
async def on_digest_choice(t: Turn, choice: str) -> None:
    """Opt in to (or out of) the digest: at most one message an hour, never one per request."""
    if t.refuse_unless_staff():
        return
    await digest.set_digest(t.session, t.actor, choice == "on", t.now)
    t.answer(t.tr("You will get at most one message an hour when new requests wait.") if choice == "on"
             else t.tr("No more digests of new requests."))
    await show_overview(t, edit=True)


async def show_course(t: Turn, course_id: str, *, edit: bool = True) -> None:
    _ = t.tr
    queue = await svc.pending_queue(t.session, t.actor, course_id, now=t.now)
    say = t.edit if edit else t.reply
    if not queue:
        say(_("No more pending requests for this course."), [[Button(_("⬅ All courses"), QUEUE(None))]])
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
        buttons.append([Button(_("✅ Approve {i}", i=i), APPROVE(v.id)),
                        Button(_("❌ Reject {i}", i=i), REJECT(v.id))])
    if len(q.items) > MAX_ITEMS:
        lines.append(_("…and {more} more.", more=len(q.items) - MAX_ITEMS))
    buttons.append([Button(_("✅ Approve all ({count})", count=len(q.items)), APPROVE_ALL(q.course_id))])
    buttons.append([Button(_("⬅ All courses"), QUEUE(None))])
    say("\n".join(lines), buttons)


def _leave_reject_flow(t: Turn) -> None:
    """Going back to the queue abandons a half-typed rejection: later text must not become its reason."""
    leave(t, REJECT_FLOW)


async def applicant(t: Turn, v: svc.EnrollmentView) -> str:
    """Who asked (the staff decide about a person, not a course): their name, or that it was deleted."""
    queue = await svc.pending_queue(t.session, t.actor, v.course_id, now=t.now)  # the audited read of names
    item = next((i for q in queue for i in q.items if i.enrollment.id == v.id), None)
    return (item.full_name if item else None) or t.tr("(personal data deleted)")


@on_turn
async def on_pending(t: Turn) -> None:
    if t.refuse_unless_staff():
        return
    _leave_reject_flow(t)
    await show_overview(t)


@on(QUEUE)
async def on_queue_button(t: Turn, course_id: str | None) -> None:
    if t.refuse_unless_staff():
        return
    _leave_reject_flow(t)
    if course_id:
        await show_course(t, course_id)
    else:
        await show_overview(t, edit=True)


async def _pending(t: Turn, enrollment_id: int) -> svc.EnrollmentView:
    view = await svc.get_enrollment(t.session, enrollment_id)
    if view is None:
        raise StaleButton(enrollment_id)
    return view


@on(APPROVE)
async def on_approve(t: Turn, enrollment_id: int) -> None:
    if t.refuse_unless_staff():
        return
    v = await _pending(t, enrollment_id)
    result = await svc.approve(t.session, enrollment_id=v.id, actor=t.actor, now=t.now)
    if not result.ok:
        t.answer(t.tr("Already decided by someone else; the list is refreshed."))
    else:
        t.outbox_written()
        t.answer(t.tr("Approved: {name}. The employee is notified.", name=view_name(t.tr, v)))
    await show_course(t, v.course_id)


@on(REJECT)
async def on_reject_ask(t: Turn, enrollment_id: int) -> None:
    _ = t.tr
    if t.refuse_unless_staff():
        return
    v = await _pending(t, enrollment_id)
    if v.status not in ("pending", "waitlisted"):
        t.answer(_("Already decided by someone else; the list is refreshed."))
        await show_course(t, v.course_id)
        return
    rows = [[Button(t.tr(reason), REJECT_PRESET(v.id, i))] for i, reason in enumerate(REJECT_REASONS)]
    rows.append([Button(_("✍️ Type another reason"), REJECT_TYPED(v.id))])
    rows.append([Button(_("⬅ Back"), QUEUE(v.course_id))])
    t.edit(_("Why is the request of {person} for {name} rejected? The employee will see the reason.",
             person=await applicant(t, v), name=view_name(t.tr, v)), rows)


async def _reject(t: Turn, v: svc.EnrollmentView, reason: str) -> bool:
    result = await svc.reject(t.session, enrollment_id=v.id, actor=t.actor, now=t.now, reason=reason)
    if result.ok:
        t.outbox_written()
    return result.ok


@on(REJECT_PRESET)
async def on_reject_preset(t: Turn, enrollment_id: int, index: int) -> None:
    if t.refuse_unless_staff():
        return
    v = await _pending(t, enrollment_id)
    if not 0 <= index < len(REJECT_REASONS):
        raise StaleButton(index)
    if await _reject(t, v, REJECT_REASONS[index]):
        t.answer(t.tr("Rejected: {name}. The employee is notified with the reason.", name=view_name(t.tr, v)))
    else:
        t.answer(t.tr("Already decided by someone else; the list is refreshed."))
    await show_course(t, v.course_id)


@on(REJECT_TYPED)
async def on_reject_typed(t: Turn, enrollment_id: int) -> None:
    if t.refuse_unless_staff():
        return
    v = await _pending(t, enrollment_id)
    t.set_flow(REJECT_FLOW, "reason", {"enrollment_id": v.id})
    await ask_reason(t, None)


async def ask_reason(t: Turn, error: str | None) -> None:
    """The current step of a rejection again: type the reason, or confirm the typed one."""
    data = t.flow_data
    v = await svc.get_enrollment(t.session, int(data.get("enrollment_id") or 0))
    if v is None or v.status not in ("pending", "waitlisted"):
        t.clear_flow()
        t.reply(t.tr("That request was already decided or no longer exists; nothing was changed."))
        return
    if t.user.flow_step == "confirm" and data.get("reason"):
        await _confirm_screen(t, v, str(data["reason"]))
        return
    text = t.tr("Type the reason for rejecting the request of {person} for {name} (the employee will see it), "
                "or /cancel.", person=await applicant(t, v), name=view_name(t.tr, v))
    (t.edit if t.is_callback and not error else t.reply)(f"⚠️ {error}\n\n{text}" if error else text)


async def _confirm_screen(t: Turn, v: svc.EnrollmentView, reason: str) -> None:
    _ = t.tr
    t.reply(_("Reject the request of {person} for {name} with this reason?", person=await applicant(t, v),
              name=view_name(t.tr, v)) + "\n“" + reason + "”",
            [[Button(_("❌ Reject with this reason"), REJECT_CONFIRM(v.id))],
             [Button(_("✍️ Type another reason"), REJECT_TYPED(v.id)), Button(_("⬅ Back"), QUEUE(v.course_id))]])


async def on_reject_reason(t: Turn, text: str) -> None:
    _ = t.tr
    reason = " ".join("".join(ch for ch in text if ch.isspace() or unicodedata.category(ch) != "Cc").split())
    if not reason:
        raise NotAnAnswer(_("Please type the reason in words, or /cancel."))
    if len(reason) > MAX_REASON:
        raise NotAnAnswer(_("Please keep the reason under {n} characters.", n=MAX_REASON))
    enrollment_id = int(t.flow_data.get("enrollment_id") or 0)
    v = await svc.get_enrollment(t.session, enrollment_id)
    if v is None or v.status not in ("pending", "waitlisted"):
        t.clear_flow()
        t.reply(_("That request was already decided or no longer exists; nothing was changed."))
        return
    # A typed reason is shown back before anything happens: text typed much later (a search, a note to
    # someone else) must never reject a request by itself.
    t.set_flow(REJECT_FLOW, "confirm", {"enrollment_id": v.id, "reason": reason})
    await _confirm_screen(t, v, reason)


@on(REJECT_CONFIRM)
async def on_reject_confirm(t: Turn, enrollment_id: int) -> None:
    if t.refuse_unless_staff():
        return
    data = guard(t, REJECT_FLOW, "confirm")
    if int(data.get("enrollment_id") or 0) != enrollment_id or not data.get("reason"):
        raise StaleButton(enrollment_id)
    reason = str(data["reason"])
    t.clear_flow()
    v = await _pending(t, enrollment_id)
    if await _reject(t, v, reason):
        t.answer(t.tr("Rejected: {name}. The employee is notified with the reason.", name=view_name(t.tr, v)))
    else:
        t.answer(t.tr("Already decided by someone else; the list is refreshed."))
    await show_course(t, v.course_id)


@on(APPROVE_ALL)
async def on_bulk_approve(t: Turn, course_id: str) -> None:
    if t.refuse_unless_staff():
        return
    approved = await svc.bulk_approve(t.session, course_id=course_id, actor=t.actor, now=t.now)
    if approved:
        t.outbox_written()
    t.answer(t.tr.ngettext("Approved {n} request. The employee is notified.",
                           "Approved {n} requests. Each employee is notified.", len(approved)))
    await show_course(t, course_id)


flow(REJECT_FLOW, N_("the rejection of a request"), ask_reason,
     Step("reason", text=on_reject_reason, free=True), Step("confirm"), staff=True)
