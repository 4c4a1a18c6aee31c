"""Guided sign-up for the retirement programmes (행복한 미래설계, 인생이모작 준비). See docs/retirement.md.

Started by /retire (/retirement), by a button (`start_button`), or by free text such as
`퇴직 준비 교육 신청하고 싶어요`. Steps (state in the database, flow "retire"):
programme → expected retirement date → track (인생이모작) → cohort → family programme (행복한 미래설계) →
summary → confirm → `catalog.enrollment.request_seat`.
"""
from __future__ import annotations

import re
from datetime import date

from telegram.ext import Application, CommandHandler

from catalog.enrollment import active_request
from catalog.profiles import ProfileError, check_retirement_on, get_profile, parse_day
from catalog.retirement import (
    CohortChoice, Program, SignUp, cohort_choices, first_refusal, get_program, match_hint, programs,
    retirement_course_of, signup_request, submit,
)
from handlers import basic
from handlers.callbacks import Action, Flag, Int, StaleButton, Str, on
from handlers.enrollment.actions import MY
from handlers.enrollment.profile import error_text, require_profile
from handlers.enrollment.refusals import rank_label, refusal_text
from handlers.enrollment.wording import view_line
from handlers.flows import NotAnAnswer, Step, flow, guard, intent, leave
from handlers.labels import DELIVERY, label
from handlers.turn import Turn, on_turn
from locales import N_, Translator
from locales.labels import cohort_no, shown_year
from notifications.messages import Button

FLOW = "retire"
START = Action("ret.go", Str("course", optional=True), Int("cohort", 1, optional=True))  # course id or a hint
PROGRAM = Action("ret.p", Str("course"))
KEEP_DATE = Action("ret.keep")
REDATE = Action("ret.redate")
TRACK = Action("ret.t", Int("track", 0, 20))
COHORT = Action("ret.c", Int("cohort", 1))
FAMILY = Action("ret.f", Flag("family"))
SEND = Action("ret.ok")
STOP = Action("ret.x")
HELP_ENTRY = ("retire", N_("sign up for retirement preparation (행복한 미래설계, 인생이모작)"))


def start_button(tr: Translator, course_id: str | None = None, cohort_id: int | None = None) -> Button:
    """A button any screen can show to start the guided sign-up (for one programme / cohort if given)."""
    if course_id and cohort_id:
        return Button(tr("🌱 Sign up for retirement preparation"), START(course_id, cohort_id))
    return Button(tr("🌱 Sign up for retirement preparation"), START(course_id or None, None))


async def redirect_cohort(t: Turn, cohort_id: int) -> bool:
    """For a course card's "Apply" on a retirement programme: run the guided sign-up (retirement date, track,
    family programme) with that cohort preselected. False when the cohort is not a retirement programme's."""
    course_id = await retirement_course_of(t.session, cohort_id)
    if course_id is None:
        return False
    leave(t, FLOW)
    await start(t, course_id=course_id, cohort_id=cohort_id)
    return True


# -- small renderers ---------------------------------------------------------------------------------------------
def program_name(p: Program, tr: Translator) -> str:
    return tr.pick(p.title, p.title_en)


def seats_text(choice_or_cohort, tr: Translator) -> str:
    c = getattr(choice_or_cohort, "cohort", choice_or_cohort)
    if c.capacity is None:
        return tr("open enrolment")
    if c.seats_left == 0:
        return tr("full — waitlist")
    return tr("{left} seats left", left=c.seats_left)


def cohort_line(c, tr: Translator, shown=()) -> str:
    track = f" · {tr.pick(c.track, c.track_en)}" if c.track else ""
    return tr("{cohort}: {when}{track} · {seats}", cohort=cohort_no(c.number, tr, shown_year(c, shown or [c])),
              when=tr.period(c.start_on, c.end_on, c.precision), track=track, seats=seats_text(c, tr))


def short_period(c, tr: Translator) -> str:
    """The period without its "(exact dates to be announced)" note, which the screen says once."""
    return re.sub(r"\s*\([^()]*\)$", "", tr.period(c.start_on, c.end_on, c.precision)) if c.precision != "day" \
        else tr.period(c.start_on, c.end_on, c.precision)


def cohort_button_label(c, tr: Translator, shown=()) -> str:
    return tr("{cohort} · {when} · {seats}", cohort=cohort_no(c.number, tr, shown_year(c, shown or [c])),
              when=short_period(c, tr), seats=seats_text(c, tr))


def cancel_row(tr: Translator) -> list[Button]:
    return [Button(tr("✖ Stop"), STOP())]


def _in_step(t: Turn, *steps: str) -> dict:
    return guard(t, FLOW, *steps)


async def _program(t: Turn, data: dict) -> Program:
    program = await get_program(t.session, str(data.get("course_id") or ""))
    if program is None:
        t.clear_flow()
        raise StaleButton(data.get("course_id"))
    return program


def _retirement_on(data: dict) -> date | None:
    value = data.get("retirement_on")
    return date.fromisoformat(value) if value else None


# -- steps ------------------------------------------------------------------------------------------------------
async def start(t: Turn, *, hint: str | None = None, course_id: str | None = None, cohort_id: int | None = None,
                edit: bool = False) -> None:
    """The first screen: which programme (or straight to the date when the programme is known). A cohort given
    here (e.g. from a course card's button) is preselected when the person may take it."""
    resume = START(course_id, cohort_id) if course_id and cohort_id else START(course_id or hint or None, None)
    _ = t.tr
    found = await programs(t.session)
    if not found:  # said before any profile question
        t.clear_flow()
        (t.edit if edit else t.reply)(_("No retirement programme is open for requests at the moment."))
        return
    # The sign-up asks the retirement date itself; the profile, what the programmes' other conditions read.
    rule = {k: v for p in found for k, v in (p.eligibility or {}).items()}
    if not await require_profile(t, resume, rule, later=("retirement_on",)):
        return
    chosen = next((p for p in found if p.course_id == course_id), None) or match_hint(found, hint)
    if chosen is not None:
        data: dict = {"course_id": chosen.course_id}
        if cohort_id is not None and any(c.id == cohort_id for c in chosen.cohorts):
            data["preferred"] = cohort_id
        await ask_date(t, chosen, data, edit=edit)
        return
    t.set_flow(FLOW, "program", {})
    lines = [_("🌱 Retirement preparation (퇴직 예정 공무원 제2인생 설계)"), "",
             _("Which programme would you like to join?"), ""]
    today = t.now.date()
    rows = []
    for p in found:
        open_now = [c for c in cohort_choices(p, None, today)]
        duration = t.tr.pick(p.duration_ko, p.duration_en)
        lines.append(f"• {program_name(p, t.tr)} ({duration}, {label(DELIVERY, p.delivery, t.tr)})")
        lines.append("   " + t.tr.ngettext("{n} cohort still open", "{n} cohorts still open", len(open_now)))
        if p.tracks:
            lines.append("   " + _("Tracks: {tracks}", tracks=", ".join(t.tr.pick(x.name, x.name_en) for x in p.tracks)))
        note = t.tr.pick(p.eligibility.get("note"), p.eligibility.get("note_en"))
        if note:
            lines.append("   " + _("For: {who}", who=note))
        rows.append([Button(program_name(p, t.tr), PROGRAM(p.course_id))])
    rows.append(cancel_row(t.tr))
    (t.edit if edit else t.reply)("\n".join(lines), rows)


async def ask_date(t: Turn, program: Program, data: dict, *, edit: bool = False, error: str | None = None) -> None:
    _ = t.tr
    existing = await active_request(t.session, t.user.id, program.course_id)
    if existing is not None:  # say so now, not after four questions
        t.clear_flow()
        text = "\n".join([
            _("You already have a request for {programme}:", programme=program_name(program, t.tr)),
            view_line(t.tr, existing, t.now.date()),
            _("To choose another cohort, cancel this one in /my first, then sign up again."),
        ])
        rows = [[Button(_("📋 My requests"), MY(None))], [Button(_("Other programmes"), START(None, None))]]
        (t.edit if edit else t.reply)(text, rows)
        return
    t.set_flow(FLOW, "date", data)
    profile = await get_profile(t.session, t.user.id)
    known = profile.retirement_on if profile else None
    text = _("{programme}: when do you expect to retire?", programme=program_name(program, t.tr))
    rows: list[list[Button]] = []
    if known is not None and known > t.now.date():
        text += "\n" + _("Your profile says {day}. Press the button if that is still right, or type another date "
                         "(e.g. 2032.6.30 or 2032년 6월).", day=t.tr.date(known))
        rows.append([Button(_("Yes, {day}", day=t.tr.date(known)), KEEP_DATE())])
    else:
        text += "\n" + _("Please type the date, e.g. 2032.6.30 or 2032년 6월.")
    if error:
        text = f"⚠️ {error}\n\n{text}"
    rows.append(cancel_row(t.tr))
    (t.edit if edit else t.reply)(text, rows)


async def got_date(t: Turn, day: date, *, edit: bool) -> None:
    data = t.flow_data
    program = await _program(t, data)
    profile = await get_profile(t.session, t.user.id)
    if profile is None:  # deleted with /forget meanwhile
        t.clear_flow()
        await start(t, course_id=program.course_id, edit=edit)
        return
    data["retirement_on"] = day.isoformat()
    me = profile.with_changes(retirement_on=day)
    choices = cohort_choices(program, me, t.now.date())
    if not choices:
        t.clear_flow()
        (t.edit if edit else t.reply)(
            t.tr("Sorry, no cohort of {programme} is still open for requests.", programme=program_name(program, t.tr)),
            [[Button(t.tr("Other programmes"), START(None, None))]])
        return
    refusal = first_refusal(choices)
    if refusal is not None:
        t.set_flow(FLOW, "refused", data)
        text = "⛔ " + refusal_text(refusal, t.tr)
        others = [Button(t.tr("Other programmes"), START(None, None))]
        (t.edit if edit else t.reply)(text, [others, [Button(t.tr("Change the date"), REDATE())]])
        return
    wanted = data.pop("preferred", None)
    preferred = next((ch for ch in choices if ch.ok and ch.cohort.id == wanted), None)
    if preferred is not None:
        await chose_cohort(t, program, data, preferred.cohort, edit=edit)
    elif program.tracks and not data.get("track"):
        await ask_track(t, program, data, choices, edit=edit)
    else:
        await ask_cohort(t, program, data, choices, edit=edit)


async def ask_track(t: Turn, program: Program, data: dict, choices: list[CohortChoice], *, edit: bool) -> None:
    _ = t.tr
    t.set_flow(FLOW, "track", data)
    lines = [_("{programme} runs its cohorts by track. Which track interests you?", programme=program_name(program, t.tr)), ""]
    rows = []
    for i, track in enumerate(program.tracks):
        mine = [ch for ch in choices if ch.cohort.track == track.name and ch.ok]
        name = t.tr.pick(track.name, track.name_en)
        lines.append(t.tr.ngettext("• {track}: {n} cohort open to you", "• {track}: {n} cohorts open to you", len(mine), track=name))
        if mine:
            rows.append([Button(name, TRACK(i))])
    rows.append(cancel_row(t.tr))
    (t.edit if edit else t.reply)("\n".join(lines), rows)


async def ask_cohort(t: Turn, program: Program, data: dict, choices: list[CohortChoice] | None = None, *,
                     edit: bool) -> None:
    _ = t.tr
    if choices is None:
        profile = await get_profile(t.session, t.user.id)
        me = profile.with_changes(retirement_on=_retirement_on(data)) if profile else None
        choices = cohort_choices(program, me, t.now.date())
    track = data.get("track")
    mine = [ch for ch in choices if track is None or ch.cohort.track == track]
    possible = [ch for ch in mine if ch.ok]
    t.set_flow(FLOW, "cohort", data)
    lines = [_("Which cohort would you prefer?"), ""]
    shown = [ch.cohort for ch in mine]
    lines += [cohort_line(ch.cohort, t.tr, shown) for ch in possible]
    closed = [ch for ch in mine if not ch.ok]
    if closed:
        lines += ["", _("Not possible for you: {cohorts}. {reason}",
                        cohorts=", ".join(cohort_no(ch.cohort.number, t.tr, shown_year(ch.cohort, shown))
                                          for ch in closed),
                        reason=refusal_text(closed[0].refusal, t.tr))]
    if any(ch.cohort.precision != "day" for ch in possible):
        lines += ["", _("Exact dates are announced by the HRD Center; I will keep your request and you can cancel it with /my.")]
    rows = [[Button(cohort_button_label(ch.cohort, t.tr, shown), COHORT(ch.cohort.id))] for ch in possible]
    rows.append(cancel_row(t.tr))
    (t.edit if edit else t.reply)("\n".join(lines), rows)


async def chose_cohort(t: Turn, program: Program, data: dict, cohort, *, edit: bool) -> None:
    data["cohort_id"] = cohort.id
    if cohort.track:
        data["track"] = cohort.track
    if program.family_programme:
        await ask_family(t, data, edit=edit)
    else:
        await show_summary(t, data, edit=edit)


async def ask_family(t: Turn, data: dict, *, edit: bool) -> None:
    _ = t.tr
    t.set_flow(FLOW, "family", data)
    text = _("This programme includes a family programme: a domestic cultural trip for family harmony "
             "(가족화합 국내문화탐방, 21 hours). Would members of your family like to join it?")
    rows = [[Button(_("Yes, my family would like to join"), FAMILY(True))],
            [Button(_("No, just me"), FAMILY(False))], cancel_row(t.tr)]
    (t.edit if edit else t.reply)(text, rows)


def signup_of(data: dict) -> SignUp:
    family = data.get("family")
    return SignUp(course_id=data["course_id"], cohort_id=int(data["cohort_id"]), retirement_on=_retirement_on(data),
                  track=data.get("track"), family=None if family is None else bool(family))


async def show_summary(t: Turn, data: dict, *, edit: bool) -> None:
    _ = t.tr
    program = await _program(t, data)
    cohort = next((c for c in program.cohorts if c.id == int(data.get("cohort_id") or 0)), None)
    profile = await get_profile(t.session, t.user.id)
    if cohort is None or profile is None:
        t.clear_flow()
        raise StaleButton(data.get("cohort_id"))
    signup = signup_of(data)
    t.set_flow(FLOW, "summary", data)
    lines = [_("📝 Please check your request before I send it:"), "",
             _("Programme: {programme} ({duration})", programme=program_name(program, t.tr),
               duration=t.tr.pick(program.duration_ko, program.duration_en))]
    lines.append(_("Cohort: #{number}, {when}", number=cohort.number,
                   when=t.tr.period(cohort.start_on, cohort.end_on, cohort.precision)))
    if signup.track:
        track = program.track(signup.track)
        lines.append(_("Track: {track}", track=t.tr.pick(track.name, track.name_en) if track else signup.track))
    lines.append(_("Expected retirement: {day}", day=t.tr.date(signup.retirement_on)))
    if signup.family is not None:
        lines.append(_("Family programme (가족화합 국내문화탐방): {answer}",
                       answer=_("yes, with my family") if signup.family else _("no")))
    lines.append(_("Applicant: {name}, {department}, {rank}", name=profile.full_name, department=profile.department,
                   rank=rank_label(profile.rank, t.tr)))
    lines.append("")
    if profile.retirement_on != signup.retirement_on:
        lines.append(_("Your profile's expected retirement date will be updated to {day}.",
                       day=t.tr.date(signup.retirement_on)))
    if cohort.capacity is not None and cohort.seats_left == 0:
        lines.append(_("This cohort is full: you will be put on its waitlist."))
    elif program.approval == "staff":
        lines.append(_("HRD Center staff approve requests; your seat is held meanwhile."))
    else:
        lines.append(_("Your seat is confirmed at once while seats last."))
    rows = [[Button(_("✅ Send my request"), SEND())],
            [Button(_("↩ Start over"), START(program.course_id, None)), *cancel_row(t.tr)]]
    (t.edit if edit else t.reply)("\n".join(lines), rows)


async def send(t: Turn) -> None:
    data = _in_step(t, "summary")
    program = await _program(t, data)
    signup = signup_of(data)
    try:
        outcome = await submit(t.session, user_id=t.user.id, signup=signup, now=t.now)
    except ProfileError as err:  # e.g. the date became past overnight
        await ask_date(t, program, data, edit=True, error=error_text(err, t.tr))
        return
    t.clear_flow()
    _ = t.tr
    cohort = next((c for c in program.cohorts if c.id == signup.cohort_id), None)
    name = _("{programme} #{number}", programme=program_name(program, t.tr), number=cohort.number if cohort else "?")
    if outcome.status == "confirmed":
        text = _("✅ Done! Your seat in {name} is confirmed. See your requests with /my.", name=name)
    elif outcome.status == "pending":
        text = _("⏳ Your request for {name} is recorded and waits for HRD Center staff approval; your seat is held. "
                 "I will tell you when it is decided (/my).", name=name)
    elif outcome.status == "waitlisted":
        text = _("🕒 {name} is full, so you are on its waitlist at position {position}. If a seat frees up you move "
                 "up automatically, and I will tell you.", name=name, position=outcome.position or "?")
    elif outcome.status == "duplicate":
        text = _("You have already asked for {name}. See it with /my.", name=name)
    else:
        text = "⛔ " + refusal_text(outcome.refusal, t.tr)
        if outcome.existing is not None:
            text += "\n" + _("Your existing request: {programme} #{number}",
                             programme=t.tr.pick(outcome.existing.course_title, outcome.existing.course_title_en),
                             number=outcome.existing.cohort_number)
    mine = [[Button(_("📋 My requests"), MY(None))]]
    t.edit(text, mine)
    if outcome.promoted:
        t.outbox_written()


# -- free text (declared steps: see the flow at the end) -------------------------------------------------------
async def on_date_text(t: Turn, text: str) -> None:
    data = t.flow_data
    day = parse_day(text, period_end=True)
    try:
        if day is None:
            raise ProfileError("date_format")
        check_retirement_on(day, t.now.date())
    except ProfileError as err:
        raise NotAnAnswer(error_text(err, t.tr)) from None
    await _program(t, data)
    await got_date(t, day, edit=False)


async def on_choice_text(t: Turn, text: str) -> None:
    """A typed answer to a button question (`인생이모작`, `귀농`, `3회`, `네`); a new sign-up request starts over."""
    hint = signup_request(text)
    if hint is not None:
        await start(t, hint=None if hint == "any" else hint)
        return
    if not await typed_choice(t, t.user.flow_step, t.flow_data, text):
        raise NotAnAnswer(t.tr("Please use the buttons above, or /cancel to stop the sign-up."))


async def ask_again(t: Turn, error: str | None) -> None:
    """The current step of the sign-up again (after "↩ back", or with what was wrong)."""
    step, data = t.user.flow_step, t.flow_data
    if step == "program":
        if error:
            t.reply("⚠️ " + error)
        await start(t)
        return
    program = await _program(t, data)
    if step in ("date", "refused"):
        await ask_date(t, program, data, error=error)
        return
    if error:
        t.reply("⚠️ " + error)
    if step == "track":
        profile = await get_profile(t.session, t.user.id)
        me = profile.with_changes(retirement_on=_retirement_on(data)) if profile else None
        await ask_track(t, program, data, cohort_choices(program, me, t.now.date()), edit=False)
    elif step == "cohort":
        await ask_cohort(t, program, data, edit=False)
    elif step == "family":
        await ask_family(t, data, edit=False)
    else:
        await show_summary(t, data, edit=False)


YES = ("네", "예", "응", "좋아요", "참여", "yes", "y")
NO = ("아니", "아뇨", "no", "n", "혼자", "저만")


async def typed_choice(t: Turn, step: str | None, data: dict, text: str) -> bool:
    """A typed answer to a button question (`인생이모작`, `귀농`, `네`): True when it was one."""
    typed = re.sub(r"\s+", "", text).lower()
    if not typed:
        return False
    if step == "program":
        found = [p for p in await programs(t.session)
                 if typed in re.sub(r"\s+", "", p.title) or typed in re.sub(r"\s+", "", p.title_en).lower()]
        if len(found) == 1:
            await ask_date(t, found[0], {"course_id": found[0].course_id})
            return True
    elif step == "track":
        program = await _program(t, data)
        found = [x for x in program.tracks
                 if typed in re.sub(r"[\s·]+", "", x.name) or typed in re.sub(r"\s+", "", x.name_en or "").lower()
                 or re.sub(r"[\s·]+", "", x.name).startswith(typed[:2])]
        if len(found) == 1:
            data["track"] = found[0].name
            await ask_cohort(t, program, data, edit=False)
            return True
    elif step == "cohort":
        m = re.fullmatch(r"#?(\d{1,2})(?:회차|회|기|번)?", typed)
        if m:
            program = await _program(t, data)
            profile = await get_profile(t.session, t.user.id)
            me = profile.with_changes(retirement_on=_retirement_on(data)) if profile else None
            choice = next((ch for ch in cohort_choices(program, me, t.now.date(), data.get("track"))
                           if ch.ok and ch.cohort.number == int(m.group(1))), None)
            if choice is not None:
                await chose_cohort(t, program, data, choice.cohort, edit=False)
                return True
    elif step == "family":
        answer = True if typed.startswith(YES) else False if typed.startswith(NO) else None
        if answer is not None:
            data["family"] = answer
            await show_summary(t, data, edit=False)
            return True
    return False


@intent(40)
async def retirement_intent(t: Turn, text: str) -> bool:
    hint = signup_request(text)
    if hint is None:
        return False
    await start(t, hint=None if hint == "any" else hint)
    return True


# -- buttons ---------------------------------------------------------------------------------------------------
@on(START)
async def on_start_button(t: Turn, course_or_hint: str | None, cohort_id: int | None) -> None:
    if course_or_hint in ("second", "future", "any"):
        await start(t, hint=course_or_hint, edit=True)
    else:
        await start(t, course_id=course_or_hint, cohort_id=cohort_id, edit=True)


@on(PROGRAM)
async def on_program(t: Turn, course_id: str) -> None:
    _in_step(t, "program")
    program = await get_program(t.session, course_id)
    if program is None:
        raise StaleButton(course_id)
    await ask_date(t, program, {"course_id": program.course_id}, edit=True)


@on(KEEP_DATE)
async def on_keep_date(t: Turn) -> None:
    _in_step(t, "date")
    profile = await get_profile(t.session, t.user.id)
    if profile is None or profile.retirement_on is None or profile.retirement_on <= t.now.date():
        raise StaleButton("keep")
    await got_date(t, profile.retirement_on, edit=True)


@on(REDATE)
async def on_redate(t: Turn) -> None:
    data = _in_step(t, "refused")
    await ask_date(t, await _program(t, data), data, edit=True)


@on(TRACK)
async def on_track(t: Turn, i: int) -> None:
    data = _in_step(t, "track")
    program = await _program(t, data)
    if not 0 <= i < len(program.tracks):
        raise StaleButton(i)
    data["track"] = program.tracks[i].name
    await ask_cohort(t, program, data, edit=True)


@on(COHORT)
async def on_cohort(t: Turn, cohort_id: int) -> None:
    data = _in_step(t, "cohort")
    program = await _program(t, data)
    profile = await get_profile(t.session, t.user.id)
    me = profile.with_changes(retirement_on=_retirement_on(data)) if profile else None
    choice = next((ch for ch in cohort_choices(program, me, t.now.date(), data.get("track"))
                   if ch.cohort.id == cohort_id), None)
    if choice is None or not choice.ok:
        raise StaleButton(cohort_id)
    await chose_cohort(t, program, data, choice.cohort, edit=True)


@on(FAMILY)
async def on_family(t: Turn, family: bool) -> None:
    data = _in_step(t, "family")
    data["family"] = family
    await show_summary(t, data, edit=True)


@on(SEND)
async def on_send(t: Turn) -> None:
    await send(t)


@on(STOP)
async def on_stop(t: Turn) -> None:
    leave(t, FLOW)
    t.edit(t.tr("Stopped. Nothing was saved."))


@on_turn
async def on_retire_command(t: Turn) -> None:
    leave(t, FLOW)
    await start(t)


flow(FLOW, N_("the retirement sign-up"), ask_again,
     Step("program", text=on_choice_text, buttons=True), Step("date", text=on_date_text),
     Step("track", text=on_choice_text, buttons=True), Step("cohort", text=on_choice_text, buttons=True),
     Step("family", text=on_choice_text, buttons=True), Step("summary", text=on_choice_text, buttons=True),
     Step("refused", text=on_choice_text, search=True, buttons=True))


def register(app: Application) -> None:
    app.add_handler(CommandHandler(["retire", "retirement"], on_retire_command))
    basic.add_help(HELP_ENTRY)
