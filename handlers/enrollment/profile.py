"""The profile: notice and consent first (개인정보 수집·이용 동의), then only the questions the request needs, a review
of the answers, /profile to view and edit, /forget.

A request asks for what the roster needs (name, department, optionally the employee number) and what the course's
entry conditions read (rank, position, hire date, retirement date: `catalog.eligibility.fields_read`); a later
course that reads something the profile does not say asks for just that, with its own notice, and shows what is
already known. State lives in the database (`users.flow = "profile"`): answers are kept in the flow until the
person presses Save on the review, then the profile is saved in one go and whatever needed it continues
(`require_profile(t, resume=ENROLL(...), rule=...)` presses the `resume` button for the person). Declining consent
stores nothing.
"""
from __future__ import annotations

from datetime import date, datetime

from telegram.ext import Application, CommandHandler

from catalog.eligibility import fields_read, unknown_fields
from catalog.profiles import (
    FIELDS, OPTIONAL_FIELDS, POSITIONS, RANKS, ProfileError, ProfileView, check_hired_on, check_retirement_on,
    clean_department, clean_employee_no, clean_name, clean_position, clean_rank, forget, get_profile, parse_day,
    save_profile, update_profile,
)
from handlers import basic
from handlers.callbacks import Action, Choice, Int, StaleButton, lookup, on, parse
from handlers.enrollment.refusals import FIELD_NAMES, field_list, position_label, rank_label
from handlers.flows import NotAnAnswer, Step, flow, guard, leave, try_escape
from handlers.turn import Turn, on_turn
from locales import N_, Translator
from notifications.messages import Button

FLOW = "profile"
STEPS = ("consent", *FIELDS, "review")  # the questions: full_name, department, rank, position, employee_no, …
ROSTER = ("full_name", "department", "employee_no")  # what any request needs: who asks (the number may be skipped)
CONSENT = Action("prf", Choice("answer", ("yes", "no")))
RANK = Action("prf.rank", Int("rank", 0, len(RANKS) - 1))
POSITION = Action("prf.pos", Int("position", 0, len(POSITIONS)))  # 0: neither
SKIP = Action("prf.skip")  # an optional question (or, when editing, remove the value)
EDIT = Action("prf.edit", Int("field", 0, len(FIELDS) - 1))
SHOW = Action("prf.show")
FIX = Action("prf.fix", Int("field", 0, len(FIELDS) - 1))  # on the review: change one answer
SAVE = Action("prf.save")  # on the review: save and go on
FORGET = Action("fgt", Choice("answer", ("ask", "yes", "no")))
HELP_ENTRIES = [
    ("profile", N_("your profile for course requests (view, edit)")),
    ("forget", N_("delete your personal data")),
]


# -- rendering ----------------------------------------------------------------------------------------------
def asked(data: dict) -> tuple[str, ...]:
    """The questions of this flow, in profile order (every field when the flow does not say)."""
    wanted = data.get("ask") or FIELDS
    return tuple(f for f in FIELDS if f in wanted)


def skippable(data: dict) -> tuple[str, ...]:
    """Questions with a Skip button: what the request does not need (a course's conditions are never skipped)."""
    return tuple(data.get("optional", OPTIONAL_FIELDS))


def _what(fields, data: dict, tr: Translator) -> str:
    return ", ".join(tr(FIELD_NAMES[f]) + (" " + tr("(optional)") if f in skippable(data) and f != "position" else "")
                     for f in fields)


def consent_text(tr: Translator, data: dict | None = None) -> str:
    """The notice before anything is collected: exactly what this request asks, why, how long, and that the person
    may refuse. A profile that exists already gets a shorter notice for the fields it does not have yet."""
    _ = tr
    data = data or {}
    fields = asked(data)
    if data.get("adding"):
        return "\n".join([
            _("🔒 This course checks: {fields}. Your profile does not say it yet.", fields=field_list(fields, tr)),
            _("It is kept in your profile with the rest, only to check the entry conditions of the courses you ask "
              "for, until you delete it with /forget. You may refuse: then nothing is stored."),
            "", _("Do you agree?"),
        ])
    later = [f for f in data.get("later") or () if f not in fields]
    what = _what([*fields, *later], data, tr)
    return "\n".join([
        _("🔒 Consent to collect and use personal information"),
        "",
        _("Some courses have entry conditions (rank, position, new employees, years to retirement), and the HRD "
          "Center needs to know who asks for a seat. So before your first request I ask for a short profile."),
        "",
        _("• What this request needs: {fields}.", fields=what),
        _("• Why: to check the entry conditions of the courses you ask for and to put your name on the rosters of "
          "the courses you ask for (HRD Center staff only)."),
        _("• How long: until you delete it with /forget — at any time, in one step."),
        _("• You may refuse. Then nothing is stored and I cannot take course requests, but you can still search "
          "and read every course."),
        "",
        _("Do you agree?"),
    ])


def consent_buttons(tr: Translator) -> list[list[Button]]:
    return [[Button(tr("✅ I agree"), CONSENT("yes")), Button(tr("No, thank you"), CONSENT("no"))]]


def value_text(field: str, value: object, tr: Translator) -> str:
    if field == "position" and value is not None:  # "": neither 과장 nor 팀장; None: never asked
        return position_label(str(value) if value else None, tr)
    if value in (None, ""):
        return tr("not given")
    if field == "rank":
        return rank_label(str(value), tr)
    if isinstance(value, date):
        return tr.date(value)
    return str(value)


def profile_text(profile: ProfileView, tr: Translator) -> str:
    _ = tr
    lines = [_("👤 Your profile"), ""]
    for field in FIELDS:
        lines.append(f"{tr(FIELD_NAMES[field])}: {value_text(field, getattr(profile, field), tr)}")
    if profile.consent_at:
        lines += ["", _("Consent given on {day}. /forget deletes all of it.", day=tr.date(profile.consent_at))]
    return "\n".join(lines)


def profile_buttons(tr: Translator) -> list[list[Button]]:
    edit = [Button(tr(FIELD_NAMES[f]), EDIT(i)) for i, f in enumerate(FIELDS)]
    return [edit[0:3], edit[3:5], edit[5:7], [Button(tr("🗑 Delete my data"), FORGET("ask"))]]


def _prompt(step: str, tr: Translator, numbered: tuple[str, ...] | None) -> str:
    _ = tr
    texts = {
        "full_name": _("What is your full name?"),
        "department": _("Which department (부서) do you work in? For example: 인재개발원 교육기획과"),
        "rank": _("What is your rank (직급)? Press a button (or type it, e.g. 6급)."),
        "position": _("Are you a division head (과장) or a team leader (팀장)?"),
        "employee_no": _("Your employee number (직원번호), if you want to give it. It helps staff find you."),
        "hired_on": _("When were you hired? (e.g. 2021.3.2) New-employee courses need it."),
        "retirement_on": _("When do you expect to retire? (e.g. 2032.6.30 or 2032년 6월) "
                           "Retirement programmes need it."),
    }
    text = texts[step]
    if numbered and len(numbered) > 1 and step in numbered:
        text = _("Question {n} of {total}: ", n=numbered.index(step) + 1, total=len(numbered)) + text
    return text


def ask(t: Turn, step: str, data: dict, *, edit: bool = False, error: str | None = None) -> None:
    """Set the step and ask its question (with buttons where the answer is a choice)."""
    tr = t.tr
    editing = data.get("mode") == "edit"
    t.set_flow(FLOW, step, data)
    questions = asked(data)
    text = _prompt(step, tr, None if editing or data.get("fixing") else questions)
    if error:
        text = f"⚠️ {error}\n\n{text}"
    rows: list[list[Button]] = []
    if step == "rank":
        buttons = [Button(rank_label(r, tr) if tr.lang != "ko" else r, RANK(i)) for i, r in enumerate(RANKS)]
        rows = [buttons[0:4], buttons[4:7], buttons[7:10]]
    elif step == "position":
        rows = [[Button(position_label(p, tr), POSITION(i + 1)) for i, p in enumerate(POSITIONS)],
                [Button(tr("Neither"), POSITION(0))]]
    elif step in OPTIONAL_FIELDS and (editing or step in skippable(data)):
        rows = [[Button(tr("Remove") if editing else tr("Skip"), SKIP())]]
    if editing:
        rows.append([Button(tr("Back to my profile"), SHOW())])
    elif step == questions[0] and not data.get("fixing"):
        text += "\n\n" + tr("(/cancel stops and discards your answers; nothing is saved until you check them and "
                             "press Save.)")
    (t.edit if edit else t.reply)(text, rows)


def error_text(err: ProfileError, tr: Translator) -> str:
    _ = tr
    p = err.params
    messages = {
        "name_empty": _("Please type your name."),
        "department_empty": _("Please type your department."),
        "too_long": _("That is too long (at most {limit} characters).", limit=p.get("limit", 64)),
        "rank": _("Please choose one of: {ranks}.", ranks=", ".join(RANKS)),
        "position": _("Please press a button, or type 과장, 팀장 or 해당 없음."),
        "employee_no": _("An employee number has only digits, letters and '-' (at most {limit}).",
                         limit=p.get("limit", 32)),
        "date_format": _("I could not read that date. Please write it like 2032.6.30, 2032-06-30 or 2032년 6월."),
        "hired_future": _("A hire date cannot be in the future."),
        "retirement_past": _("An expected retirement date must be in the future."),
        "retirement_before_hire": _("The retirement date must be after your hire date."),
        "date_range": _("That date looks mistyped. Please check the year."),
        "consent_needed": _("I need your consent first."),
        "no_profile": _("You have no profile yet."),
    }
    return messages.get(err.code, _("Please check your answer."))


# -- require_profile: the entry point other features use -------------------------------------------------------
def needed(rule: dict | None, later: tuple[str, ...] = ()) -> tuple[str, ...]:
    """What a request for a course with this entry rule asks of someone without a profile."""
    wanted = {*ROSTER, *fields_read(rule)} - set(later)
    return tuple(f for f in FIELDS if f in wanted)


async def require_profile(t: Turn, resume: str | None, rule: dict | None = None, *, later: tuple[str, ...] = (),
                          everything: bool = False) -> bool:
    """True when the person's profile says what `rule` (a course's entry conditions) reads. Otherwise the notice
    and consent, the questions this request needs (`everything`: all of them, for /profile), a review, and then
    `resume` (callback data, e.g. ``ENROLL(cohort_id)``) is pressed for them so that what they were doing goes on.
    `later`: fields the caller asks itself afterwards (the retirement sign-up asks the date), named in the notice."""
    profile = await get_profile(t.session, t.user.id)
    if profile is None:
        asks = FIELDS if everything else needed(rule, later)
        optional = [f for f in OPTIONAL_FIELDS if everything or f not in fields_read(rule)]
        data: dict = {"ask": list(asks), "optional": optional}
        if later:
            data["later"] = list(later)
    else:
        missing = [f for f in unknown_fields(rule, profile) if f not in later]
        if not missing:
            return True
        data = {"ask": missing, "adding": True, "optional": []}
    if resume:
        data["resume"] = resume
    t.set_flow(FLOW, "consent", data)
    (t.edit if t.is_callback else t.reply)(consent_text(t.tr, data), consent_buttons(t.tr))
    return False


def _in_step(t: Turn, *steps: str) -> dict:
    return guard(t, FLOW, *steps)


def _next_step(data: dict, step: str) -> str:
    """The next question, or the review (after the last one, or after changing one answer on the review)."""
    questions = asked(data)
    if data.pop("fixing", False) or step not in questions:
        return "review"
    i = questions.index(step)
    return questions[i + 1] if i + 1 < len(questions) else "review"


def _clean(step: str, text: str, today: date, data: dict) -> str | None:
    """A typed answer, validated; returned as it is kept in the flow (dates as ISO)."""
    if step == "full_name":
        return clean_name(text)
    if step == "department":
        return clean_department(text)
    if step == "rank":
        return clean_rank(text)
    if step == "position":
        return clean_position(text) or ""  # "": asked, neither 과장 nor 팀장
    if step == "employee_no":
        return clean_employee_no(text)
    if step in ("hired_on", "retirement_on"):
        day = parse_day(text, period_end=step == "retirement_on")
        if day is None:
            raise ProfileError("date_format")
        if step == "hired_on":
            return check_hired_on(day, today).isoformat()
        hired = data.get("hired_on")
        return check_retirement_on(day, today, date.fromisoformat(hired) if hired else None).isoformat()
    raise StaleButton(step)


async def _answer(t: Turn, step: str, value: str | None, *, edit: bool = False) -> None:
    """Keep one answer and go on: the next question, or save (the whole profile, or one edited field)."""
    data = t.flow_data
    if data.get("mode") == "edit":
        await _save_field(t, step, value, edit=edit)
        return
    data[step] = value
    following = _next_step(data, step)
    if following == "review":
        await show_review(t, data, edit=edit)
    else:
        ask(t, following, data, edit=edit)


def _iso(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _typed(field: str, value: object) -> object:
    return _iso(value) if field in ("hired_on", "retirement_on") else value  # type: ignore[arg-type]


def _shown(data: dict, profile: ProfileView | None) -> tuple[str, ...]:
    """The review's fields: the answers, and (adding to a profile) who asks, already known."""
    known = ("full_name", "department") if profile is not None else ()
    return tuple(f for f in FIELDS if f in asked(data) or f in known)


async def show_review(t: Turn, data: dict, *, edit: bool = False, error: str | None = None) -> None:
    """The answers (and what the profile already says) with a button to change each, and Save."""
    _ = t.tr
    t.set_flow(FLOW, "review", data)
    profile = await get_profile(t.session, t.user.id) if data.get("adding") else None
    lines = [_("Please check your answers:"), ""]
    rows: list[list[Button]] = []
    for f in _shown(data, profile):
        value = _typed(f, data[f]) if f in data else getattr(profile, f, None)
        lines.append(f"{t.tr(FIELD_NAMES[f])}: {value_text(f, value, t.tr)}")
        rows.append([Button(_("✏️ Change: {field}", field=t.tr(FIELD_NAMES[f])), FIX(FIELDS.index(f)))])
    if error:
        lines = [f"⚠️ {error}", "", *lines]
    save = _("✅ Save and continue") if data.get("resume") else _("✅ Save")
    (t.edit if edit else t.reply)("\n".join(lines), [[Button(save, SAVE())], *rows])


async def _finish(t: Turn, data: dict, *, edit: bool) -> None:
    answers = {f: _typed(f, data[f]) for f in FIELDS if f in data}
    try:
        if data.get("adding"):
            await update_profile(t.session, t.user.id, now=t.now, **answers)
        else:
            await save_profile(
                t.session, t.user.id, now=t.now, consent_at=datetime.fromisoformat(data["consent_at"]),
                full_name=answers.get("full_name") or "", department=answers.get("department") or "",
                rank=answers.get("rank") or "", position=answers.get("position"),
                employee_no=answers.get("employee_no"), hired_on=answers.get("hired_on"),
                retirement_on=answers.get("retirement_on"))
    except (ProfileError, KeyError, ValueError):
        # The flow's data no longer fits (e.g. it sat overnight and a date became past): start again politely.
        t.clear_flow()
        t.reply(t.tr("Sorry, something in your answers no longer fits. Please start again with /profile."))
        return
    t.clear_flow()
    done = t.tr("Thank you! Your profile is saved. You can see or change it any time with /profile.")
    resume = data.get("resume")
    (t.edit if edit else t.reply)(done)
    if resume:
        await press(t, resume)
    else:
        profile = await get_profile(t.session, t.user.id)
        if profile is not None:
            t.reply(profile_text(profile, t.tr), profile_buttons(t.tr))


async def press(t: Turn, data: str) -> None:
    """Continue what needed the profile, as if the person had pressed that button; its screen is a new message
    (so the saved confirmation stays above it)."""
    try:
        action, args = parse(data)
        handler = lookup(action)
        if handler is None:
            raise StaleButton(action)
        t.edit = t.reply  # type: ignore[method-assign]  # new messages, not edits of the last question
        try:
            await handler(t, args)
        finally:
            del t.edit
    except StaleButton:
        t.reply(t.tr("Please open the course again to continue."))


async def _save_field(t: Turn, field: str, value: str | None, *, edit: bool) -> None:
    try:
        profile = await update_profile(t.session, t.user.id, now=t.now, **{field: _typed(field, value)})
    except ProfileError as err:
        if err.code == "no_profile":
            t.clear_flow()
            t.reply(t.tr("You have no profile yet. Send /profile to create one."))
            return
        ask(t, field, t.flow_data, edit=edit, error=error_text(err, t.tr))
        return
    t.clear_flow()
    (t.edit if edit else t.reply)(t.tr("Updated.") + "\n\n" + profile_text(profile, t.tr), profile_buttons(t.tr))


# -- free text while in the flow (declared steps: see the flow at the end) ---------------------------------------
async def on_field_text(t: Turn, text: str) -> None:
    step = t.user.flow_step or ""
    data = t.flow_data
    try:
        value = _clean(step, text, t.now.date(), data)
    except ProfileError as err:
        raise NotAnAnswer(error_text(err, t.tr)) from None
    await _answer(t, step, value)


async def ask_again(t: Turn, error: str | None) -> None:
    """The current question again (after "↩ back", or with what was wrong)."""
    step, data = t.user.flow_step or "", t.flow_data
    if step == "consent":
        t.reply((f"⚠️ {error}\n\n" if error else "") + consent_text(t.tr, data), consent_buttons(t.tr))
    elif step == "review":
        await show_review(t, data, error=error)
    else:
        ask(t, step, data, error=error)


# -- buttons -----------------------------------------------------------------------------------------------------
@on(CONSENT)
async def on_consent(t: Turn, answer: str) -> None:
    data = _in_step(t, "consent")
    if answer == "yes":
        data["consent_at"] = t.now.isoformat()
        ask(t, asked(data)[0], data, edit=True)
        return
    t.clear_flow()
    t.edit(t.tr("Understood — nothing was stored. Without a profile I cannot take course requests, but you can "
                "still search and read every course. If you change your mind, send /profile."))


@on(RANK)
async def on_rank(t: Turn, i: int) -> None:
    _in_step(t, "rank")
    await _answer(t, "rank", RANKS[i], edit=True)


@on(POSITION)
async def on_position(t: Turn, i: int) -> None:
    _in_step(t, "position")
    await _answer(t, "position", POSITIONS[i - 1] if i else "", edit=True)


@on(SKIP)
async def on_skip(t: Turn) -> None:
    step = t.user.flow_step or ""
    data = _in_step(t, *OPTIONAL_FIELDS)
    if data.get("mode") != "edit" and step not in skippable(data):
        raise StaleButton(step)  # what this request needs is not skipped
    await _answer(t, step, None, edit=True)


@on(FIX)
async def on_fix(t: Turn, i: int) -> None:
    """Change one answer on the review; the review comes back after it."""
    data = _in_step(t, "review")
    data["fixing"] = True
    ask(t, FIELDS[i], data, edit=True)


@on(SAVE)
async def on_save(t: Turn) -> None:
    await _finish(t, _in_step(t, "review"), edit=True)


@on(EDIT)
async def on_edit(t: Turn, i: int) -> None:
    if await get_profile(t.session, t.user.id) is None:
        raise StaleButton(i)
    ask(t, FIELDS[i], {"mode": "edit"}, edit=True)


@on(SHOW)
async def on_show(t: Turn) -> None:
    leave(t, FLOW)
    await show_profile(t, edit=True)


async def show_profile(t: Turn, *, edit: bool = False) -> None:
    profile = await get_profile(t.session, t.user.id)
    if profile is None:
        await require_profile(t, None, everything=True)
        return
    (t.edit if edit else t.reply)(profile_text(profile, t.tr), profile_buttons(t.tr))


@on_turn
async def on_profile_command(t: Turn) -> None:
    leave(t, FLOW)
    await show_profile(t)


# -- /forget -------------------------------------------------------------------------------------------------
def forget_question(tr: Translator) -> str:
    _ = tr
    return "\n".join([
        _("🗑 Delete your personal data?"),
        "",
        _("Deleted: your profile (name, department, rank, position, employee number, dates), the personal answers "
          "in your requests (such as your retirement date) and the reasons given for decisions on them, your exam "
          "subscriptions with applicant numbers, interview times, exam and course-start reminders and notification "
          "choices, your course-news subscriptions, the messages I sent or was about to send you, your staff "
          "dashboard sign-ins, and your Telegram name and username in our records."),
        _("Kept, without personal details: your course requests and seats (course, cohort, status), because other "
          "people's seats and waitlist places depend on them and the Center counts how many people took each course. "
          "They are linked only to your Telegram account number, which I need to answer you, and no reminders are "
          "sent for them any more. You can cancel them with /my. The access record of who handled your data is kept "
          "two years by law, with your account number and what was done, never the values."),
    ])


FORGET_FLOW = "forget"  # the confirmation step: only a "yes" pressed while it is open deletes anything


def ask_forget(t: Turn, *, edit: bool) -> None:
    t.set_flow(FORGET_FLOW, "confirm")
    buttons = [[Button(t.tr("Yes, delete it"), FORGET("yes")), Button(t.tr("No, keep it"), FORGET("no"))]]
    (t.edit if edit else t.reply)(forget_question(t.tr), buttons)


@on_turn
async def on_forget_command(t: Turn) -> None:
    ask_forget(t, edit=False)


async def on_forget_text(t: Turn, text: str) -> None:
    """Typing something else instead of answering ends the question (a later "yes" deletes nothing): nothing is
    deleted, and the text is answered as usual."""
    from handlers.search import run_search

    t.clear_flow()
    t.reply(t.tr("Nothing was deleted."))
    if not await try_escape(t, text):
        await run_search(t, text)


@on(FORGET)
async def on_forget_button(t: Turn, what: str) -> None:
    _ = t.tr
    if what == "ask":
        ask_forget(t, edit=True)
    elif what == "no":
        leave(t, FORGET_FLOW)
        t.edit(_("Nothing was deleted."))
    elif what == "yes":
        if t.user.flow != FORGET_FLOW:  # an old or forged "yes": ask again rather than delete
            raise StaleButton(what)
        report = await forget(t.session, t.user.id, t.now)  # also ends the confirmation flow
        lines = [_("Your personal data is deleted.") if report.profile_deleted
                 else _("There was no profile to delete; your other personal details are removed.")]
        if report.enrollments_kept:
            lines.append(_("{count} course request(s) are kept without personal details (seats and statistics); "
                           "cancel them with /my if you wish.", count=report.enrollments_kept))
        lines.append(_("If you ask for a course again, I will ask for your consent and profile again."))
        t.edit("\n".join(lines))


flow(FLOW, N_("your profile"), ask_again,
     Step("consent", search=True, hint=N_("Please press “I agree” or “No, thank you” first (or /cancel).")),
     Step("full_name", text=on_field_text, free=True), Step("department", text=on_field_text, free=True),
     Step("rank", text=on_field_text, about=tuple(RANKS), buttons=True),
     Step("position", text=on_field_text, about=POSITIONS, buttons=True),
     *[Step(field, text=on_field_text) for field in FIELDS if field not in ("full_name", "department", "rank",
                                                                            "position")],
     Step("review", hint=N_("Please press “Save”, or a button to change an answer (or /cancel).")))
flow(FORGET_FLOW, N_("the deletion of your data"), lambda t, error: _ask_forget_again(t),
     Step("confirm", text=on_forget_text, buttons=True))


async def _ask_forget_again(t: Turn) -> None:
    ask_forget(t, edit=False)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("profile", on_profile_command))
    app.add_handler(CommandHandler("forget", on_forget_command))
    basic.add_help(*HELP_ENTRIES)
