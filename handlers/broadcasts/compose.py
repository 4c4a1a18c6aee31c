"""/broadcast (staff): text → attach a course? → audience → count + preview → send now | schedule | cancel.

State lives in the database (`t.set_flow("broadcast", step, data)`); the staff role is checked on every step and
every button (a forged or stale button gets a polite answer and changes nothing).
"""
from __future__ import annotations

import secrets

from catalog.courses import course_card
from catalog.topics import TOPICS
from handlers.broadcasts.formatting import from_message
from handlers.callbacks import StaleButton, cb, route, str_arg
from handlers.flows import text_step
from handlers.notices import render_notice
from handlers.turn import Turn, on_turn
from locales import LANGUAGES, Translator
from notifications.broadcasts.audiences import (LANGUAGE_LABELS, BadAudience, course_cohorts, describe,
                                                describe_audience, exam_rounds)
from notifications.broadcasts.service import (MAX_TEXT, BroadcastError, create_broadcast, notice_params,
                                              schedule_broadcast)
from notifications.broadcasts.when import parse_when
from notifications.messages import Button

FLOW = "broadcast"
STATUS_SETS = {"all": ["confirmed", "pending", "waitlisted"], "enr": ["confirmed", "pending"], "wait": ["waitlisted"]}


def cancel_row(tr: Translator) -> list[Button]:
    return [Button(tr("✖ Cancel"), cb("bcw", "stop"))]


def _in_flow(t: Turn, *steps: str) -> dict:
    """The flow data when the person is in this flow at one of `steps`; else the button is stale."""
    if t.user.flow != FLOW or (steps and t.user.flow_step not in steps):
        raise StaleButton(t.user.flow_step)
    return t.flow_data


@on_turn
async def on_broadcast(t: Turn) -> None:
    if t.refuse_unless_staff():
        return
    t.set_flow(FLOW, "text", {"key": secrets.token_hex(8)})  # this composing session: one broadcast at most
    t.reply(t.tr("Write the notice to send. You can use Telegram's formatting (bold, italic, links). "
                 "/cancel stops."), [cancel_row(t.tr)])


@text_step(FLOW)
async def on_text(t: Turn, text: str) -> None:
    if t.refuse_unless_staff():
        t.clear_flow()
        return
    step = t.user.flow_step
    data = t.flow_data
    if step == "text":
        body = from_message(t.update.effective_message)
        if not body:
            t.reply(t.tr("Please send the notice as text."), [cancel_row(t.tr)])
            return
        if len(body) > MAX_TEXT:
            t.reply(t.tr("That is too long ({length} characters; at most {limit}). Please shorten it.",
                         length=len(body), limit=MAX_TEXT), [cancel_row(t.tr)])
            return
        data["text"] = body
        t.set_flow(FLOW, "attach", data)
        t.reply(t.tr("Attach a course as a button under the notice?"), [
            [Button(t.tr("📘 Attach a course"), cb("bcw", "att")), Button(t.tr("No attachment"), cb("bcw", "noatt"))],
            cancel_row(t.tr)])
    elif step in ("attach_find", "aud_find"):
        await _find_course(t, text, data, audience=step == "aud_find")
    elif step == "when":
        moment = parse_when(text, t.now)
        if moment is None or moment < t.now:
            t.reply(t.tr("I could not read that time. Examples: 2022-03-02 09:00, 내일 9시, 3/2 14:00, 2시간 후."),
                    [cancel_row(t.tr)])
            return
        await _commit(t, data, moment)
    else:
        t.reply(t.tr("Please use the buttons above, or /cancel."))


async def _find_course(t: Turn, text: str, data: dict, *, audience: bool) -> None:
    query = text.strip()
    ids: list[str] = []
    card = await course_card(t.session, query) if len(query) <= 32 else None
    if card is not None:
        ids = [card.id]
    elif t.services.search is not None:
        ids = [h.course_id for h in t.services.search.search(query, limit=6)]
    if not ids:
        t.reply(t.tr("No course matches “{query}”. Type another name or the course id.", query=query[:40]),
                [cancel_row(t.tr)])
        return
    buttons = []
    for cid in ids:
        c = await course_card(t.session, cid)
        if c is not None:
            buttons.append([Button(t.tr.pick(c.title, c.title_en)[:60], cb("bcw", "ac" if audience else "cc", cid))])
    t.reply(t.tr("Choose the course:"), [*buttons, cancel_row(t.tr)])


def _audience_buttons(tr: Translator) -> list[list[Button]]:
    return [
        [Button(tr("Everyone"), cb("bcw", "aud", "all")), Button(tr("By language"), cb("bcw", "aud", "lang"))],
        [Button(tr("Course news subscribers"), cb("bcw", "aud", "topic"))],
        [Button(tr("Enrolled / waitlisted in a course"), cb("bcw", "aud", "course"))],
        [Button(tr("Applicants of an exam round"), cb("bcw", "aud", "exam"))],
        cancel_row(tr),
    ]


def _ask_audience(t: Turn, data: dict) -> None:
    t.set_flow(FLOW, "audience", data)
    t.edit(t.tr("Who should get it?"), _audience_buttons(t.tr))


async def _preview(t: Turn, data: dict) -> None:
    try:
        info = await describe(t.session, data["audience"])
        params = await notice_params(t.session, data["text"], data.get("course_id"), data.get("cohort_id"))
    except (BadAudience, BroadcastError):
        raise StaleButton(data.get("audience")) from None
    data["audience"] = info.spec
    t.set_flow(FLOW, "confirm", data)
    lines = [describe_audience(info.label, info.count, t.tr)]
    if info.unreachable:
        lines.append(t.tr("({count} more blocked the bot and will be skipped.)", count=t.tr.number(info.unreachable)))
    lines += ["", t.tr("Preview — exactly as recipients will see it (in their language):")]
    t.edit("\n".join(lines))
    t.render(render_notice("broadcast", params, t.tr))
    buttons = [[Button(t.tr("✅ Send now"), cb("bcw", "now")), Button(t.tr("🕘 Schedule"), cb("bcw", "later"))],
               [Button(t.tr("Change audience"), cb("bcw", "reaud"))], cancel_row(t.tr)]
    if info.count == 0:
        buttons = [[Button(t.tr("Change audience"), cb("bcw", "reaud"))], cancel_row(t.tr)]
        t.reply(t.tr("Nobody is in this audience yet. Choose another one."), buttons)
        return
    t.reply(t.tr("Send it to {count} people?", count=t.tr.number(info.count)), buttons)


async def _commit(t: Turn, data: dict, at) -> None:
    try:
        b = await create_broadcast(t.session, actor=t.actor, text=data["text"], audience=data["audience"],
                                   now=t.now, course_id=data.get("course_id"), cohort_id=data.get("cohort_id"),
                                   compose_key=f"{t.user.id}:{data['key']}" if data.get("key") else None)
        await schedule_broadcast(t.session, b.id, at, t.now, actor=t.actor)
    except BroadcastError:
        raise StaleButton(data) from None
    t.clear_flow()
    info = await describe(t.session, b.audience)
    buttons = [[Button(t.tr("Progress"), cb("bcl")), Button(t.tr("Cancel broadcast #{id}", id=b.id), cb("bcx", b.id))]]
    if at is None or at <= t.now:
        text = t.tr("Broadcast #{id} is on its way to {count} people. You will get a delivery report when it is done.",
                    id=b.id, count=t.tr.number(info.count))
    else:
        text = t.tr("Broadcast #{id} is scheduled for {when} ({count} people now; the audience is counted again "
                    "when it starts).", id=b.id, when=t.tr.datetime(at), count=t.tr.number(info.count))
    t.edit(text, buttons) if t.is_callback else t.reply(text, buttons)
    t.outbox_written()


@route("bcw")
async def on_wizard_button(t: Turn, args: list[str]) -> None:
    if t.refuse_unless_staff():
        return
    action = str_arg(args, 0)
    tr = t.tr
    if action == "stop":
        _in_flow(t)
        t.clear_flow()
        t.edit(tr("Broadcast discarded. Nothing was sent."))
        return
    if action in ("att", "noatt"):
        data = _in_flow(t, "attach")
        if action == "noatt":
            data.pop("course_id", None)
            data.pop("cohort_id", None)
            _ask_audience(t, data)
        else:
            t.set_flow(FLOW, "attach_find", data)
            t.edit(tr("Type the course name (or its id) to attach:"), [cancel_row(tr)])
        return
    if action == "cc":  # attach: course chosen → which cohort?
        data = _in_flow(t, "attach_find")
        card = await course_card(t.session, str_arg(args, 1))
        if card is None:
            raise StaleButton(args)
        data["course_id"], data["cohort_id"] = card.id, None
        t.set_flow(FLOW, "attach_cohort", data)
        buttons = [[Button(tr("The whole course"), cb("bcw", "ch", 0))]]
        buttons += [[Button(tr("Cohort #{number} ({start})", number=c.number, start=tr.period(c.start_on, c.end_on, c.precision))[:60],
                            cb("bcw", "ch", c.id))] for c in card.cohorts[:12]]
        t.edit(tr("Attach the whole course or one cohort?"), [*buttons, cancel_row(tr)])
        return
    if action == "ch":
        data = _in_flow(t, "attach_cohort")
        cohort_id = int(str_arg(args, 1)) if str_arg(args, 1).isdigit() else None
        if cohort_id:
            valid = {c[0] for c in await course_cohorts(t.session, data.get("course_id", ""))}
            if cohort_id not in valid:
                raise StaleButton(args)
        data["cohort_id"] = cohort_id or None
        _ask_audience(t, data)
        return
    if action == "reaud":
        _ask_audience(t, _in_flow(t, "confirm"))
        return
    if action == "aud":
        data = _in_flow(t, "audience")
        kind = str_arg(args, 1)
        if kind == "all":
            data["audience"] = {"kind": "everyone"}
            await _preview(t, data)
        elif kind == "lang":
            t.edit(tr("Which language?"), [[Button(tr(LANGUAGE_LABELS[code]), cb("bcw", "al", code))
                                            for code in LANGUAGES], cancel_row(tr)])
        elif kind == "topic":
            topics = list(TOPICS.items())
            buttons = [[Button(tr(label), cb("bcw", "at", key)) for key, label in topics[i:i + 2]]
                       for i in range(0, len(topics), 2)]
            t.edit(tr("Subscribers of which topic?"), [*buttons, cancel_row(tr)])
        elif kind == "course":
            t.set_flow(FLOW, "aud_find", data)
            t.edit(tr("Type the course name (or its id):"), [cancel_row(tr)])
        elif kind == "exam":
            rounds = await exam_rounds(t.session)
            if not rounds:
                t.answer(tr("There are no exam rounds."), alert=True)
                return
            t.edit(tr("Applicants of which exam round?"),
                   [*[[Button(tr.pick(title, title_en)[:60], cb("bcw", "ae", rid))] for rid, title, title_en in rounds],
                    cancel_row(tr)])
        else:
            raise StaleButton(args)
        return
    if action in ("al", "at", "ae"):
        data = _in_flow(t, "audience")
        value = str_arg(args, 1)
        data["audience"] = ({"kind": "language", "language": value} if action == "al" else
                            {"kind": "topic", "topic": value} if action == "at" else {"kind": "exam", "round_id": value})
        await _preview(t, data)
        return
    if action == "ac":  # audience: course chosen → whole course or one cohort
        data = _in_flow(t, "aud_find")
        card = await course_card(t.session, str_arg(args, 1))
        if card is None:
            raise StaleButton(args)
        t.set_flow(FLOW, "aud_cohort", {**data, "aud_course": card.id})
        buttons = [[Button(tr("All cohorts"), cb("bcw", "ah", 0))]]
        buttons += [[Button(tr("Cohort #{number} ({start})", number=c.number, start=tr.period(c.start_on, c.end_on, c.precision))[:60],
                            cb("bcw", "ah", c.id))] for c in card.cohorts[:12]]
        t.edit(tr("Which cohort?"), [*buttons, cancel_row(tr)])
        return
    if action == "ah":
        data = _in_flow(t, "aud_cohort")
        cohort_id = int(str_arg(args, 1)) if str_arg(args, 1).isdigit() else 0
        if cohort_id and cohort_id not in {c[0] for c in await course_cohorts(t.session, data.get("aud_course", ""))}:
            raise StaleButton(args)
        data["aud_cohort"] = cohort_id
        t.set_flow(FLOW, "aud_status", data)
        t.edit(tr("Who in it?"), [
            [Button(tr("Enrolled and waitlisted"), cb("bcw", "as", "all"))],
            [Button(tr("Enrolled only"), cb("bcw", "as", "enr")), Button(tr("Waitlisted only"), cb("bcw", "as", "wait"))],
            cancel_row(tr)])
        return
    if action == "as":
        data = _in_flow(t, "aud_status")
        statuses = STATUS_SETS.get(str_arg(args, 1))
        if statuses is None:
            raise StaleButton(args)
        cohort_id = data.pop("aud_cohort", 0)
        course_id = data.pop("aud_course", None)
        data["audience"] = ({"kind": "cohort", "cohort_id": cohort_id, "statuses": statuses} if cohort_id else
                            {"kind": "course", "course_id": course_id, "statuses": statuses})
        await _preview(t, data)
        return
    if action == "now":
        await _commit(t, _in_flow(t, "confirm"), None)
        return
    if action == "later":
        data = _in_flow(t, "confirm")
        t.set_flow(FLOW, "when", data)
        t.reply(tr("When should it go? For example 2022-03-02 09:00, 내일 9시, 3/2 14:00 or 2시간 후."),
                [cancel_row(tr)])
        return
    raise StaleButton(args)
