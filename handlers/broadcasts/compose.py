"""/broadcast (staff): text → attach a course? → audience → count + preview → send now | schedule | cancel.

State lives in the database (`t.set_flow("broadcast", step, data)`); the staff role is checked on every step and
every button (a forged or stale button gets a polite answer and changes nothing).
"""
from __future__ import annotations

import secrets

from catalog.courses import course_card
from catalog.topics import TOPICS
from handlers.broadcasts.formatting import from_message
from handlers.broadcasts.progress import BROADCASTS, CANCEL
from handlers.callbacks import Action, Choice, Flag, Int, StaleButton, Str, on
from handlers.flows import NotAnAnswer, Step, flow, guard
from handlers.notices import render_notice
from handlers.turn import Turn, on_turn
from locales import LANGUAGES, N_, Translator
from notifications.broadcasts.audiences import (LANGUAGE_LABELS, BadAudience, course_cohorts, describe,
                                                describe_audience, exam_rounds)
from notifications.broadcasts.service import (MAX_TEXT, BroadcastError, create_broadcast, notice_params,
                                              schedule_broadcast)
from notifications.broadcasts.when import parse_when
from notifications.messages import Button

FLOW = "broadcast"
STATUS_SETS = {"all": ["confirmed", "pending", "waitlisted"], "enr": ["confirmed", "pending"], "wait": ["waitlisted"]}
USES = ("attach", "audience")  # a course chosen to attach under the notice, or as the audience
STOP = Action("bc.stop")
ATTACH = Action("bc.att", Flag("attach"))
COURSE = Action("bc.course", Choice("use", USES), Str("course"))
COHORT = Action("bc.cohort", Choice("use", USES), Int("cohort", 0))  # 0: the whole course
AUDIENCE = Action("bc.aud", Choice("kind", ("all", "lang", "topic", "course", "exam")))
LANGUAGE = Action("bc.lang", Choice("language", LANGUAGES))
TOPIC = Action("bc.topic", Str("topic"))
EXAM = Action("bc.exam", Str("round"))
WHO = Action("bc.who", Choice("statuses", tuple(STATUS_SETS)))
REAUDIENCE = Action("bc.reaud")
SEND_NOW = Action("bc.now")
LATER = Action("bc.later")


def cancel_row(tr: Translator) -> list[Button]:
    return [Button(tr("✖ Cancel"), STOP())]


@on_turn
async def on_broadcast(t: Turn) -> None:
    if t.refuse_unless_staff():
        return
    t.set_flow(FLOW, "text", {"key": secrets.token_hex(8)})  # this composing session: one broadcast at most
    _ask_text(t)


def _ask_text(t: Turn) -> None:
    t.reply(t.tr("Write the notice to send. You can use Telegram's formatting (bold, italic, links). "
                 "/cancel stops."), [cancel_row(t.tr)])


async def on_notice_text(t: Turn, text: str) -> None:
    body = from_message(t.update.effective_message)
    if not body:
        raise NotAnAnswer(t.tr("Please send the notice as text."))
    if len(body) > MAX_TEXT:
        raise NotAnAnswer(t.tr("That is too long ({length} characters; at most {limit}). Please shorten it.",
                               length=len(body), limit=MAX_TEXT))
    data = t.flow_data
    data["text"] = body
    t.set_flow(FLOW, "attach", data)
    _ask_attach(t)


def _ask_attach(t: Turn) -> None:
    t.reply(t.tr("Attach a course as a button under the notice?"), [
        [Button(t.tr("📘 Attach a course"), ATTACH(True)), Button(t.tr("No attachment"), ATTACH(False))],
        cancel_row(t.tr)])


async def on_find_text(t: Turn, text: str) -> None:
    await _find_course(t, text, t.flow_data, audience=t.user.flow_step == "aud_find")


async def on_when_text(t: Turn, text: str) -> None:
    moment = parse_when(text, t.now)
    if moment is None:
        raise NotAnAnswer(t.tr("I could not read that time. Examples: 2022-03-02 09:00, 내일 9시, 3/2 14:00, 2시간 후."))
    if moment < t.now:
        raise NotAnAnswer(t.tr("{when} has already passed. Please give a later time.",
                               when=t.tr.datetime(moment)))
    await _commit(t, t.flow_data, moment)


async def ask_again(t: Turn, error: str | None) -> None:
    """The current step of the broadcast wizard again (after "↩ back", or with what was wrong)."""
    step, data = t.user.flow_step, t.flow_data
    if error:
        t.reply("⚠️ " + error)
    if step == "text":
        _ask_text(t)
    elif step == "attach":
        _ask_attach(t)
    elif step in ("attach_find", "aud_find"):
        t.reply(t.tr("Type the course name (or its id):"), [cancel_row(t.tr)])
    elif step in ("attach_cohort", "aud_cohort"):
        use = "attach" if step == "attach_cohort" else "audience"
        await _ask_cohort(t, data.get("course_id" if use == "attach" else "aud_course") or "", use)
    elif step == "aud_status":
        _ask_who(t)
    elif step == "confirm":
        await _preview(t, data, edit=False)
    elif step == "when":
        _ask_when(t)
    else:
        t.reply(t.tr("Who should get it?"), _audience_buttons(t.tr))


async def _find_course(t: Turn, text: str, data: dict, *, audience: bool) -> None:
    query = text.strip()
    ids: list[str] = []
    card = await course_card(t.session, query) if len(query) <= 32 else None
    if card is not None:
        ids = [card.id]
    elif t.services.search is not None:
        ids = [h.course_id for h in t.services.search.search(query, limit=6)]
    if not ids:
        raise NotAnAnswer(t.tr("No course matches “{query}”. Type another name or the course id.", query=query[:40]))
    buttons = []
    for cid in ids:
        c = await course_card(t.session, cid)
        if c is not None:
            buttons.append([Button(t.tr.pick(c.title, c.title_en),
                                   COURSE("audience" if audience else "attach", cid))])
    t.reply(t.tr("Choose the course:"), [*buttons, cancel_row(t.tr)])


def _audience_buttons(tr: Translator) -> list[list[Button]]:
    return [
        [Button(tr("Everyone"), AUDIENCE("all")), Button(tr("By language"), AUDIENCE("lang"))],
        [Button(tr("Course news subscribers"), AUDIENCE("topic"))],
        [Button(tr("Enrolled / waitlisted in a course"), AUDIENCE("course"))],
        [Button(tr("Applicants of an exam round"), AUDIENCE("exam"))],
        cancel_row(tr),
    ]


def _ask_audience(t: Turn, data: dict) -> None:
    t.set_flow(FLOW, "audience", data)
    t.edit(t.tr("Who should get it?"), _audience_buttons(t.tr))


async def _preview(t: Turn, data: dict, *, edit: bool = True) -> None:
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
    (t.edit if edit else t.reply)("\n".join(lines))
    t.render(render_notice("broadcast", params, t.tr))
    buttons = [[Button(t.tr("✅ Send now"), SEND_NOW()), Button(t.tr("🕘 Schedule"), LATER())],
               [Button(t.tr("Change audience"), REAUDIENCE())], cancel_row(t.tr)]
    if info.count == 0:
        buttons = [[Button(t.tr("Change audience"), REAUDIENCE())], cancel_row(t.tr)]
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
    buttons = [[Button(t.tr("Progress"), BROADCASTS()), Button(t.tr("Cancel broadcast #{id}", id=b.id), CANCEL(b.id))]]
    if at is None or at <= t.now:
        text = t.tr("Broadcast #{id} is on its way to {count} people. You will get a delivery report when it is done.",
                    id=b.id, count=t.tr.number(info.count))
    else:
        text = t.tr("Broadcast #{id} is scheduled for {when} ({count} people now; the audience is counted again "
                    "when it starts).", id=b.id, when=t.tr.datetime(at), count=t.tr.number(info.count))
    t.edit(text, buttons) if t.is_callback else t.reply(text, buttons)
    t.outbox_written()


# -- buttons: one declared action per kind of press; each checks the role and the step ------------------------------
def _step(t: Turn, *steps: str) -> dict | None:
    """The wizard's data at one of `steps` (None, with the refusal said, for non-staff)."""
    if t.refuse_unless_staff():
        return None
    return guard(t, FLOW, *steps)


@on(STOP)
async def on_stop(t: Turn) -> None:
    if _step(t) is None:
        return
    t.clear_flow()
    t.edit(t.tr("Broadcast discarded. Nothing was sent."))


@on(ATTACH)
async def on_attach(t: Turn, attach: bool) -> None:
    data = _step(t, "attach")
    if data is None:
        return
    if not attach:
        data.pop("course_id", None)
        data.pop("cohort_id", None)
        _ask_audience(t, data)
        return
    t.set_flow(FLOW, "attach_find", data)
    t.edit(t.tr("Type the course name (or its id) to attach:"), [cancel_row(t.tr)])


async def _ask_cohort(t: Turn, course_id: str, use: str) -> None:
    card = await course_card(t.session, course_id)
    if card is None:
        raise StaleButton(course_id)
    tr = t.tr
    whole = tr("The whole course") if use == "attach" else tr("All cohorts")
    buttons = [[Button(whole, COHORT(use, 0))]]
    buttons += [[Button(tr("Cohort #{number} ({start})", number=c.number,
                           start=tr.period(c.start_on, c.end_on, c.precision)), COHORT(use, c.id))]
                for c in card.cohorts[:12]]
    question = tr("Attach the whole course or one cohort?") if use == "attach" else tr("Which cohort?")
    t.edit(question, [*buttons, cancel_row(tr)])


@on(COURSE)
async def on_course(t: Turn, use: str, course_id: str) -> None:
    data = _step(t, "attach_find" if use == "attach" else "aud_find")
    if data is None:
        return
    card = await course_card(t.session, course_id)
    if card is None:
        raise StaleButton(course_id)
    if use == "attach":
        data["course_id"], data["cohort_id"] = card.id, None
        t.set_flow(FLOW, "attach_cohort", data)
    else:
        t.set_flow(FLOW, "aud_cohort", {**data, "aud_course": card.id})
    await _ask_cohort(t, card.id, use)


@on(COHORT)
async def on_cohort(t: Turn, use: str, cohort_id: int) -> None:
    data = _step(t, "attach_cohort" if use == "attach" else "aud_cohort")
    if data is None:
        return
    course_id = data.get("course_id" if use == "attach" else "aud_course") or ""
    if cohort_id and cohort_id not in {c[0] for c in await course_cohorts(t.session, course_id)}:
        raise StaleButton(cohort_id)
    if use == "attach":
        data["cohort_id"] = cohort_id or None
        _ask_audience(t, data)
        return
    data["aud_cohort"] = cohort_id
    t.set_flow(FLOW, "aud_status", data)
    _ask_who(t)


def _ask_who(t: Turn) -> None:
    tr = t.tr
    t.edit(tr("Who in it?"), [
        [Button(tr("Enrolled and waitlisted"), WHO("all"))],
        [Button(tr("Enrolled only"), WHO("enr")), Button(tr("Waitlisted only"), WHO("wait"))],
        cancel_row(tr)])


@on(REAUDIENCE)
async def on_reaudience(t: Turn) -> None:
    data = _step(t, "confirm")
    if data is not None:
        _ask_audience(t, data)


@on(AUDIENCE)
async def on_audience(t: Turn, kind: str) -> None:
    data = _step(t, "audience")
    if data is None:
        return
    tr = t.tr
    if kind == "all":
        data["audience"] = {"kind": "everyone"}
        await _preview(t, data)
    elif kind == "lang":
        t.edit(tr("Which language?"), [[Button(tr(LANGUAGE_LABELS[code]), LANGUAGE(code)) for code in LANGUAGES],
                                       cancel_row(tr)])
    elif kind == "topic":
        topics = list(TOPICS.items())
        buttons = [[Button(tr(label), TOPIC(key)) for key, label in topics[i:i + 2]] for i in range(0, len(topics), 2)]
        t.edit(tr("Subscribers of which topic?"), [*buttons, cancel_row(tr)])
    elif kind == "course":
        t.set_flow(FLOW, "aud_find", data)
        t.edit(tr("Type the course name (or its id):"), [cancel_row(tr)])
    else:
        rounds = await exam_rounds(t.session)
        if not rounds:
            t.answer(tr("There are no exam rounds."), alert=True)
            return
        t.edit(tr("Applicants of which exam round?"),
               [*[[Button(tr.pick(title, title_en), EXAM(rid))] for rid, title, title_en in rounds],
                cancel_row(tr)])


async def _audience_chosen(t: Turn, audience: dict) -> None:
    data = _step(t, "audience")
    if data is None:
        return
    data["audience"] = audience
    await _preview(t, data)


@on(LANGUAGE)
async def on_language(t: Turn, language: str) -> None:
    await _audience_chosen(t, {"kind": "language", "language": language})


@on(TOPIC)
async def on_topic(t: Turn, topic: str) -> None:
    await _audience_chosen(t, {"kind": "topic", "topic": topic})


@on(EXAM)
async def on_exam(t: Turn, round_id: str) -> None:
    await _audience_chosen(t, {"kind": "exam", "round_id": round_id})


@on(WHO)
async def on_who(t: Turn, which: str) -> None:
    data = _step(t, "aud_status")
    if data is None:
        return
    cohort_id = data.pop("aud_cohort", 0)
    course_id = data.pop("aud_course", None)
    statuses = STATUS_SETS[which]
    data["audience"] = ({"kind": "cohort", "cohort_id": cohort_id, "statuses": statuses} if cohort_id else
                        {"kind": "course", "course_id": course_id, "statuses": statuses})
    await _preview(t, data)


@on(SEND_NOW)
async def on_send_now(t: Turn) -> None:
    data = _step(t, "confirm")
    if data is not None:
        await _commit(t, data, None)


def _ask_when(t: Turn) -> None:
    t.reply(t.tr("When should it go? For example 2022-03-02 09:00, 내일 9시, 3/2 14:00 or 2시간 후."), [cancel_row(t.tr)])


@on(LATER)
async def on_later(t: Turn) -> None:
    data = _step(t, "confirm")
    if data is None:
        return
    t.set_flow(FLOW, "when", data)
    _ask_when(t)


flow(FLOW, N_("the broadcast"), ask_again,
     Step("text", text=on_notice_text, free=True), Step("attach"), Step("attach_find", text=on_find_text),
     Step("attach_cohort"), Step("audience"), Step("aud_find", text=on_find_text), Step("aud_cohort"),
     Step("aud_status"), Step("confirm"), Step("when", text=on_when_text), staff=True)
