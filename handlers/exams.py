"""/exams, a round's card (subscribe, my interview time, .ics), /ics, /myexams, and the reminder notices.

Thin: every query and change is in notifications.exams; this module turns its data classes into words.
"""
from __future__ import annotations

import re
from datetime import date, datetime

from telegram.ext import Application, CommandHandler

from handlers.basic import add_help
from handlers.callbacks import Action, StaleButton, Str, on
from handlers.flows import NotAnAnswer, Step, flow, leave
from handlers.notices import notice
from handlers.turn import Turn, on_turn
from locales import N_, Translator
from notifications.exams import calendar as cal
from notifications.exams.config import EVENT_LABELS, ROUND_KIND_LABELS, WRITTEN_ARRIVE_BY, offsets_for
from notifications.exams.ics import build_ics, exact_event_count
from notifications.exams.slots import SlotError, parse_slot
from notifications.exams.subscriptions import clear_slot, set_slot, subscribe, unsubscribe
from notifications.messages import Button, Rendered, rows

SLOT_FLOW = "exam_slot"
EXAMS = Action("exl")
EXAM = Action("exr", Str("round"))
SUBSCRIBE = Action("exs", Str("round"))
UNSUBSCRIBE = Action("exu", Str("round"))
MY_SLOT = Action("exi", Str("round"))
CLEAR_SLOT = Action("exx", Str("round"))
ICS = Action("exc", Str("round"))
ICONS = {"notice": "📣", "document": "📄", "written": "📝", "interview": "🗣", "result": "🏁", "assessment": "🧭",
         "course": "📚"}
SELECTION_NOTES = {"선발": N_("to be selected"), "예정": N_("planned"), "계획": N_("planned"),
                   "평가 인원": N_("to be assessed"), "교육 인원": N_("trainees")}
SLOT_ERRORS = {
    "no_date": N_("I could not find a date. Please write it like {short} or {iso}."),
    "bad_date": N_("That date does not exist. Please check the month and day."),
    "day_first": N_("Please write the month first, then the day (e.g. 8/24 for 24 August)."),
    "no_time": N_("I could not find a time. Please write it like 14:00 or 오후 2시."),
    "bad_time": N_("Interviews are held between 7:00 and 21:00. Please check the time."),
    "no_place": N_("Please add the place after the date and time (e.g. 서울시인재개발원 별관 2층)."),
    "outside_period": N_("That date is outside the interview period of this exam ({period})."),
    "too_long": N_("That is too long. Please send only the date, time and place."),
}


# -- words for data ----------------------------------------------------------------------------------------------
def event_label(kind: str, tr: Translator) -> str:
    return tr(EVENT_LABELS[kind]) if kind in EVENT_LABELS else kind


def short_title(info: cal.RoundInfo, tr: Translator) -> str:
    """The title without its leading plan year (the calendar is one year's): "제1회 …", "Preparation course …"."""
    title = tr.pick(info.title, info.title_en)
    title = re.sub(rf"^{info.year}년?\s+", "", title) if info.year else title
    return title[:1].upper() + title[1:]


def event_when(e: cal.EventInfo, tr: Translator) -> str:
    return tr.period(e.start_on, e.end_on, e.precision)


def event_line(e: cal.EventInfo, tr: Translator, slot: cal.SlotInfo | None = None) -> str:
    line = f"{ICONS.get(e.kind, '•')} {event_label(e.kind, tr)}: {event_when(e, tr)}"
    if e.kind == "interview" and slot is not None:
        line += "\n   " + tr("My interview: {when}, {place}", when=tr.datetime(slot.starts_at), place=slot.place)
    return line


def next_line(info: cal.RoundInfo, today: date, tr: Translator) -> str:
    nxt = info.next_event(today)
    if nxt is None:
        return tr("Finished")
    return tr("Next: {event} · {when}", event=event_label(nxt.kind, tr), when=event_when(nxt, tr))


def selection_text(info: cal.RoundInfo, tr: Translator) -> str:
    if info.selection is None:
        return ""
    note = SELECTION_NOTES.get(info.selection_note)
    note = tr(note) if note else (info.selection_note if tr.lang == "ko" else "")
    text = tr("Number of people: {n}", n=tr.number(info.selection))
    return f"{text} ({note})" if note else text


def list_view(all_rounds: list[cal.RoundInfo], today: date, tr: Translator) -> tuple[str, list[list[Button]]]:
    lines = [tr("Exam calendar of the Seoul HRD Center: choose an exam to see all its dates and get reminders."), ""]
    buttons = []
    for i, info in enumerate(all_rounds, 1):
        lines.append(f"{i}. {short_title(info, tr)}")
        lines.append(f"    {next_line(info, today, tr)}")
        buttons.append([Button(f"{i}. {short_title(info, tr)}", EXAM(info.id))])
    return "\n".join(lines), buttons


def card_view(card: cal.RoundCard, tr: Translator) -> tuple[str, list[list[Button]]]:
    info = card.round
    lines = [f"🗓 {tr.pick(info.title, info.title_en)}", tr(ROUND_KIND_LABELS.get(info.kind, info.kind))]
    selection = selection_text(info, tr)
    if selection:
        lines.append(selection)
    lines.append("")
    lines += [event_line(e, tr, card.slot) for e in info.events]
    if any(not e.exact for e in info.events):
        lines += ["", tr("Dates marked “to be announced” are only known to the quarter or month; "
                         "subscribers are told when the exact dates are set.")]
    note = tr.pick(info.note, info.note_en)
    if note:
        lines += ["", note]
    lines.append("")
    reminded = [e for e in info.events if offsets_for(e.kind)]  # the kinds that get reminders, in date order
    labels = ", ".join(dict.fromkeys(event_label(e.kind, tr) for e in reminded))
    awaited = [e for e in reminded if not e.exact]  # dates known only to the month or quarter (so far)
    if card.subscribed:
        upcoming = [r for r in card.reminders if r.status == "planned"]
        if upcoming:
            lines.append(tr("✅ Subscribed. Next reminders:"))
            lines += [f"  • {tr.datetime(r.due_at)} — {event_label(r.event_kind, tr)}" for r in upcoming[:3]]
        elif awaited:
            lines.append(tr("✅ Subscribed. The exact dates are not announced yet; I will tell you when they are."))
        else:
            lines.append(tr("✅ Subscribed. No reminder is due any more for this exam."))
    elif not reminded:
        lines.append(tr("Subscribe to be told when the dates of this exam change."))
    elif len(awaited) == len(reminded):
        lines.append(tr("Subscribe to be told when the exact dates are announced; then you get a reminder 7 days "
                        "before, the evening before and on the morning of each: {events}.", events=labels))
    else:
        lines.append(tr("Subscribe to get a reminder 7 days before, the evening before and on the morning of each: "
                        "{events}.", events=labels))
    buttons = [[Button(tr("🔕 Unsubscribe"), UNSUBSCRIBE(info.id)) if card.subscribed
                else Button(tr("🔔 Subscribe"), SUBSCRIBE(info.id))]]
    row = []
    if info.event("interview") is not None:
        row.append(Button(tr("🗣 My interview time"), MY_SLOT(info.id)))
    if exact_event_count(info, card.slot):
        row.append(Button(tr("📅 Add to calendar (.ics)"), ICS(info.id)))
    if row:
        buttons.append(row)
    if card.slot is not None:
        buttons.append([Button(tr("Remove my interview time"), CLEAR_SLOT(info.id))])
    buttons.append([Button(tr("« All exams"), EXAMS())])
    return "\n".join(lines), buttons


# -- commands and buttons ----------------------------------------------------------------------------------------
async def show_list(t: Turn, *, edit: bool = False) -> None:
    all_rounds = cal.upcoming_first(await cal.current_rounds(t.session, t.now.date()), t.now.date())
    if not all_rounds:
        t.reply(t.tr("No exam is scheduled at the moment."))
        return
    text, buttons = list_view(all_rounds, t.now.date(), t.tr)
    (t.edit if edit else t.reply)(text, buttons)


async def show_card(t: Turn, round_id: str, *, edit: bool = True) -> None:
    card = await cal.round_card(t.session, round_id, t.user.id)
    if card is None:
        raise StaleButton(round_id)
    text, buttons = card_view(card, t.tr)
    (t.edit if edit else t.reply)(text, buttons)


def _leave_slot_flow(t: Turn) -> None:
    """Browsing the calendar again abandons an unanswered "my interview time" question, so later text searches."""
    leave(t, SLOT_FLOW)


async def show_matches(t: Turn, found: list[cal.RoundInfo], event: str | None) -> None:
    """An exam question ('면접 일정', '9급 시험'): the matching rounds with the asked date, each a button."""
    today = t.now.date()
    lines = [t.tr("Exams that match your question:"), ""]
    buttons = []
    for i, info in enumerate(found[:8], 1):
        e = info.event(event) if event else info.next_event(today)
        when = f"{event_label(e.kind, t.tr)}: {event_when(e, t.tr)}" if e else next_line(info, today, t.tr)
        lines.append(f"{i}. {short_title(info, t.tr)}")
        lines.append(f"    {when}")
        buttons.append([Button(f"{i}. {short_title(info, t.tr)}", EXAM(info.id))])
    buttons.append([Button(t.tr("« All exams"), EXAMS())])
    t.reply("\n".join(lines), buttons)


@on_turn
async def on_exams(t: Turn) -> None:
    _leave_slot_flow(t)
    args = t.context.args or []
    if args and await cal.get_round(t.session, args[0]) is not None:
        await show_card(t, args[0], edit=False)
        return
    await show_list(t)


@on(EXAMS)
async def on_list_button(t: Turn) -> None:
    _leave_slot_flow(t)
    await show_list(t, edit=True)


@on(EXAM)
async def on_round_button(t: Turn, rid: str) -> None:
    _leave_slot_flow(t)
    await show_card(t, rid)


@on(SUBSCRIBE)
async def on_subscribe(t: Turn, rid: str) -> None:
    result = await subscribe(t.session, t.user.id, rid, t.now)
    if not result.ok:
        raise StaleButton(rid)
    info = await cal.get_round(t.session, rid)
    exact = any(e.exact and offsets_for(e.kind) for e in info.events)
    t.answer(t.tr("Subscribed: I will remind you before each date.") if exact else
             t.tr("Subscribed: I will tell you when the exact dates are announced."))
    await show_card(t, rid)


@on(UNSUBSCRIBE)
async def on_unsubscribe(t: Turn, rid: str) -> None:
    if await cal.get_round(t.session, rid) is None:
        raise StaleButton(rid)
    await unsubscribe(t.session, t.user.id, rid, t.now)
    t.answer(t.tr("Unsubscribed: no more reminders for this exam."))
    await show_card(t, rid)


@on(MY_SLOT)
async def on_slot_button(t: Turn, rid: str) -> None:
    info = await cal.get_round(t.session, rid)
    if info is None or info.event("interview") is None:
        raise StaleButton(rid)
    t.set_flow(SLOT_FLOW, "ask", {"round": rid})
    await ask_slot(t, None)


async def ask_slot(t: Turn, error: str | None) -> None:
    """The "my interview time" question (again, with what was wrong, when the answer could not be read)."""
    rid = t.flow_data.get("round")
    info = await cal.get_round(t.session, rid) if rid else None
    if info is None or info.event("interview") is None:
        t.clear_flow()
        t.reply(t.tr("This exam no longer has an interview. Nothing was saved."))
        return
    period = event_when(info.event("interview"), t.tr)
    text = t.tr("Send your interview date, time and place in one message, e.g. “8/24 14:00 서울시인재개발원 "
                "별관 2층”. The interview period is {period}. /cancel to stop.", period=period) + "\n\n" + t.tr.ngettext(
        "🔒 I keep your interview time and place only to remind you of it, and delete them {n} day after the "
        "interview; /forget deletes them at once.",
        "🔒 I keep your interview time and place only to remind you of it, and delete them {n} days after the "
        "interview; /forget deletes them at once.", t.services.retention.slot_days)
    t.reply(f"⚠️ {error}\n\n{text}" if error else text)


@on(CLEAR_SLOT)
async def on_clear_slot(t: Turn, rid: str) -> None:
    if await cal.get_round(t.session, rid) is None:
        raise StaleButton(rid)
    await clear_slot(t.session, t.user.id, rid, t.now)
    t.answer(t.tr("Removed: reminders follow the round's interview period again."))
    await show_card(t, rid)


async def on_slot_text(t: Turn, text: str) -> None:
    rid = t.flow_data.get("round")
    info = await cal.get_round(t.session, rid) if rid else None
    interview = info.event("interview") if info else None
    if interview is None:
        t.clear_flow()
        t.reply(t.tr("This exam no longer has an interview. Nothing was saved."))
        return
    try:
        parsed = parse_slot(text, interview.start_on.year, (interview.start_on, interview.end_on))
    except SlotError as exc:
        first = interview.start_on  # examples in the interview's own period
        short = "{}/{}".format(first.month, first.day)
        raise NotAnAnswer(t.tr(SLOT_ERRORS[exc.code], period=event_when(interview, t.tr), short=short,
                               iso=first.isoformat())) from None
    await set_slot(t.session, t.user.id, rid, parsed.starts_at, parsed.place, t.now)
    t.clear_flow()
    t.reply(t.tr("Saved: your interview is on {when} at {place}. Your interview reminders now follow this time.",
                 when=t.tr.datetime(parsed.starts_at), place=parsed.place))
    await show_card(t, rid, edit=False)


async def send_ics(t: Turn, rid: str) -> None:
    info = await cal.get_round(t.session, rid)
    if info is None:
        raise StaleButton(rid)
    slot = await cal.slot_of(t.session, t.user.id, rid)
    if not exact_event_count(info, slot):
        t.reply(t.tr("The exact dates of this exam are not announced yet, so there is nothing to put in a calendar."))
        return
    t.document(f"{rid}.ics", build_ics(info, t.tr, t.now, slot),
               t.tr("Calendar file of {title}: open it to add the dates to your calendar.",
                    title=short_title(info, t.tr)))


@on(ICS)
async def on_ics_button(t: Turn, rid: str) -> None:
    await send_ics(t, rid)


@on_turn
async def on_ics(t: Turn) -> None:
    args = t.context.args or []
    if args:
        if await cal.get_round(t.session, args[0]) is None:
            t.reply(t.tr("There is no exam “{id}”. /exams lists them.", id=args[0][:40]))
            return
        await send_ics(t, args[0])
        return
    mine = await cal.my_rounds(t.session, t.user.id)
    if len(mine) == 1:
        await send_ics(t, mine[0].id)
        return
    choices = mine or [r for r in cal.upcoming_first(await cal.current_rounds(t.session, t.now.date()), t.now.date())
                       if exact_event_count(r)]
    t.reply(t.tr("Which exam? I will send its calendar file."),
            [[Button(short_title(r, t.tr), ICS(r.id))] for r in choices])


@on_turn
async def on_myexams(t: Turn) -> None:
    mine = await cal.my_rounds(t.session, t.user.id)
    if not mine:
        t.reply(t.tr("You have not subscribed to any exam. /exams lists them."))
        return
    lines = [t.tr("Your exams (Telegram id for staff: {id}):", id=t.user.id), ""]
    buttons = []
    for info in mine:
        lines.append(f"• {short_title(info, t.tr)}")
        lines.append(f"    {next_line(info, t.now.date(), t.tr)}")
        upcoming = [r for r in await cal.planned_reminders(t.session, t.user.id, info.id) if r.status == "planned"]
        if upcoming:
            lines.append("    " + t.tr("Next reminder: {when}", when=t.tr.datetime(upcoming[0].due_at)))
        buttons.append([Button(short_title(info, t.tr), EXAM(info.id))])
    t.reply("\n".join(lines), buttons)


# -- outbox notices (rendered at send time, in the recipient's language) -------------------------------------------
def _when_phrase(kind: str, days: int, day: date, tr: Translator) -> str:
    event, when = event_label(kind, tr), tr.date(day)
    if days <= 0:
        return tr("{event} is today ({date}).", event=event, date=when)
    if days == 1:
        return tr("{event} is tomorrow ({date}).", event=event, date=when)
    return tr("{event} is in {days} days ({date}).", event=event, days=days, date=when)


def staff_slot_notice(params: dict, tr: Translator) -> list[str]:
    """The privacy notice of an interview slot staff imported (the person did not type it): what, why, how long,
    /mydata and /forget. Carried by the import's own notice and by every reminder quoting that slot."""
    if params.get("slot_source") != "import":
        return []
    days = int(params.get("keep_days") or 0)
    if params.get("applicant_no_from_staff"):
        text = tr.ngettext(
            "🔒 The HRD Center's exam staff gave me your interview time and place and your applicant number. I keep "
            "them only to remind you of the interview: the time and place are deleted {n} day after it, the applicant "
            "number when you unsubscribe. /mydata shows everything I keep about you; /forget deletes it now.",
            "🔒 The HRD Center's exam staff gave me your interview time and place and your applicant number. I keep "
            "them only to remind you of the interview: the time and place are deleted {n} days after it, the applicant "
            "number when you unsubscribe. /mydata shows everything I keep about you; /forget deletes it now.", days)
    else:
        text = tr.ngettext(
            "🔒 The HRD Center's exam staff gave me your interview time and place. I keep them only to remind you of "
            "the interview, and delete them {n} day after it. /mydata shows everything I keep about you; /forget "
            "deletes it now.",
            "🔒 The HRD Center's exam staff gave me your interview time and place. I keep them only to remind you of "
            "the interview, and delete them {n} days after it. /mydata shows everything I keep about you; /forget "
            "deletes it now.", days)
    return [text]


@notice("exam_reminder")
def render_reminder(params: dict, tr: Translator) -> Rendered:
    kind = params.get("event", "")
    day = date.fromisoformat(params["day"])
    lines = [f"{ICONS.get(kind, '⏰')} {_when_phrase(kind, int(params.get('days', 0)), day, tr)}",
             tr.pick(params.get("title"), params.get("title_en"))]
    if kind == "interview":
        if params.get("at"):
            lines.append(tr("My interview: {when}, {place}", when=tr.datetime(datetime.fromisoformat(params["at"])),
                            place=params.get("place") or "–"))
            lines += staff_slot_notice(params, tr)
        else:
            start, end = date.fromisoformat(params["start"]), date.fromisoformat(params["end"])
            lines.append(tr("Interview period: {period}. Your own date and time are in the exam notice; "
                            "give them with “My interview time” to be reminded of them.",
                            period=tr.period(start, end)))
    if kind == "written" and params.get("offset") in ("d-1", "d0"):
        arrive = datetime.combine(day, WRITTEN_ARRIVE_BY)
        lines.append(tr("Be seated by {time}. Bring your admission ticket, photo ID and a computer-marking pen "
                        "(check the exam notice).", time=tr.time(arrive)))
    if kind == "result":
        lines.append(tr("Results are published on the Seoul recruitment website and in the exam notice."))
    return Rendered("\n".join(lines), rows([Button(tr("Open the exam"), EXAM(params.get("round_id") or "-"))]))


@notice("exam_change")
def render_change(params: dict, tr: Translator) -> Rendered:
    lines = [tr("📢 The schedule of “{title}” has changed:", title=tr.pick(params.get("title"), params.get("title_en")))]
    for change in params.get("changes") or []:
        new = change.get("new")
        old = change.get("old")
        label = event_label(change.get("event", ""), tr)
        new_text = tr.period(date.fromisoformat(new[0]), date.fromisoformat(new[1]), new[2]) if new else "–"
        if old:
            old_text = tr.period(date.fromisoformat(old[0]), date.fromisoformat(old[1]), old[2])
            lines.append(f"• {label}: {old_text} → {new_text}")
        else:
            lines.append("• " + tr("{event}: {when} (new)", event=label, when=new_text))
    lines.append(tr("Your reminders follow the new dates."))
    return Rendered("\n".join(lines), rows([Button(tr("Open the exam"), EXAM(params.get("round_id") or "-"))]))


@notice("exam_slot")
def render_slot(params: dict, tr: Translator) -> Rendered:
    text = tr("📅 Your interview for “{title}”: {when}, {place}. I will remind you before it.",
              title=tr.pick(params.get("title"), params.get("title_en")),
              when=tr.datetime(datetime.fromisoformat(params["at"])), place=params.get("place") or "–")
    text = "\n\n".join([text, *staff_slot_notice(params, tr)])
    return Rendered(text, rows([Button(tr("Open the exam"), EXAM(params.get("round_id") or "-"))]))


flow(SLOT_FLOW, N_("your interview time"), ask_slot, Step("ask", text=on_slot_text))

HELP_ENTRIES = [
    ("exams", N_("exam calendar and reminders (공·경채, 경력채용, 역량평가)")),
    ("myexams", N_("the exams you follow and your next reminders")),
    ("ics", N_("calendar file (.ics) of an exam")),
]


def register(app: Application) -> None:
    add_help(*HELP_ENTRIES)
    app.add_handler(CommandHandler("exams", on_exams))
    app.add_handler(CommandHandler("myexams", on_myexams))
    app.add_handler(CommandHandler("ics", on_ics))
