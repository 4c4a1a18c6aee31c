"""/start, /help, /about, /lang, /cancel, and polite answers to anything we do not understand."""
from __future__ import annotations

from telegram.ext import Application, CommandHandler, MessageHandler, filters

from catalog.center import center_info, plan_figures
from catalog.plan import current_year
from handlers.callbacks import Action, Choice, on
from handlers.turn import Turn, on_turn
from locales import LANGUAGES, N_, Translator
from notifications.messages import Button

LANGUAGE_NAMES = {"ko": "한국어", "en": "English"}
LANGUAGE = Action("lang", Choice("code", LANGUAGES))

# (command, description) shown by /help; features add theirs with add_help() in their register().
HELP: list[tuple[str, str]] = [
    ("search", N_("search courses (or just type keywords)")),
    ("about", N_("the HRD Center and its training plan")),
    ("lang", N_("change language / 언어 변경")),
    ("cancel", N_("stop what you are doing")),
]
START_HELP = N_("start: what I can do")
STAFF_HELP: list[tuple[str, str]] = []  # shown only to staff: other people never see staff commands


def add_help(*entries: tuple[str, str], staff: bool = False) -> None:
    """Add /help lines once (register() may run for several Applications in one process)."""
    target = STAFF_HELP if staff else HELP
    for entry in entries:
        if entry[0] not in {name for name, _desc in target}:
            target.append(entry)


def language_buttons() -> list[list[Button]]:
    return [[Button(LANGUAGE_NAMES[code], LANGUAGE(code)) for code in LANGUAGES]]


def help_text(tr: Translator, staff: bool = False) -> str:
    _ = tr
    lines = [_("Type what you are looking for — 엑셀, 태국어, 리더십, 퇴직 준비 — and I will find the courses."), ""]
    lines += [f"/{name} — {tr(desc)}" for name, desc in HELP]
    if staff and STAFF_HELP:
        lines += ["", _("For HRD Center staff:")]
        lines += [f"/{name} — {tr(desc)}" for name, desc in STAFF_HELP]
    return "\n".join(lines)


def start_text(t: Turn) -> str:
    """Three lines: who I am, what to type, where the rest is."""
    _ = t.tr
    name = (t.update.effective_user.first_name or "").strip()
    hello = _("Hello {name}! I am the assistant of the Seoul Metropolitan Government HRD Center (서울시 인재개발원).",
              name=name).replace("  ", " ").replace(" !", "!")
    return "\n".join([hello, _("Type the course you are looking for: 엑셀, 외국어, 퇴직 준비, 다음 달 교육…"),
                      _("Or choose below; /help lists every command.")])


@on_turn
async def on_start(t: Turn) -> None:
    from handlers.intents import main_menu

    t.clear_flow()
    menu = main_menu(t.tr)
    if not t.user.language_chosen:  # offered, never forced: free text searches whatever is pressed
        menu.append(language_buttons()[0])
    t.reply(start_text(t), menu)


@on_turn
async def on_help(t: Turn) -> None:
    t.reply(help_text(t.tr, t.is_staff))


@on_turn
async def on_lang(t: Turn) -> None:
    t.reply(t.tr("Choose your language:"), language_buttons())


@on(LANGUAGE)
async def on_lang_button(t: Turn, code: str) -> None:
    t.set_language(code)
    t.edit(t.tr("Language set to English.") if code == "en" else t.tr("Language set to Korean."))
    if t.user.flow:  # mid-conversation: keep it, and say so rather than burying the question under /help
        t.reply(t.tr("You can go on where you were: answer the last question, or send /cancel to stop."))
    else:
        from handlers.intents import main_menu

        t.reply(start_text(t), main_menu(t.tr))


@on_turn
async def on_cancel(t: Turn) -> None:
    had_flow = t.user.flow is not None
    t.clear_flow()
    t.reply(t.tr("Stopped. Nothing was saved.") if had_flow else t.tr("There is nothing to stop."))


@on_turn
async def on_about(t: Turn) -> None:
    t.reply(about_text(t.tr, await current_year(t.session, t.now.date())))


def about_text(tr: Translator, year: int) -> str:
    """The Center, and the figures of the current plan year (or of the latest year before it that has figures)."""
    info = center_info()
    _ = tr
    plan_year, plan = plan_figures(info, year)
    lines = [f"🏛 {tr.pick(info.get('name'), info.get('name_en'))}"]
    org = tr.pick(info.get("organization"), info.get("organization_en"))
    if org:
        lines.append(org)
    if plan:
        lines += ["", _("{year} training plan: {courses} courses, {rounds} sessions, {learners} learners.",
                        year=plan_year, courses=tr.number(plan.get("courses", 0)), rounds=tr.number(plan.get("rounds", 0)),
                        learners=tr.number(plan.get("learners", 0)))]
    for row in plan.get("categories") or info.get("categories") or []:
        name = tr.pick(row.get("name") or row.get("path"), row.get("name_en") or row.get("path_en"))
        lines.append(_("• {name}: {courses} courses, {learners} learners", name=name,
                       courses=tr.number(row.get("courses", 0)), learners=tr.number(row.get("learners", 0))))
    return "\n".join(lines)


@on_turn
async def on_unknown_command(t: Turn) -> None:
    t.reply(t.tr("I don't know that command. /help lists what I can do."))


@on_turn
async def on_other_message(t: Turn) -> None:
    t.reply(t.tr("I can read text messages only. Type a course name or keywords, or /help."))


def register(app: Application) -> None:
    app.add_handler(CommandHandler("start", on_start))
    app.add_handler(CommandHandler("help", on_help))
    app.add_handler(CommandHandler("about", on_about))
    app.add_handler(CommandHandler(["lang", "language"], on_lang))
    app.add_handler(CommandHandler("cancel", on_cancel))


def register_fallbacks(app: Application, group: int) -> None:
    """After every feature: free text, then unknown commands, then anything else."""
    from handlers.search import on_text

    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_text), group=group)
    app.add_handler(MessageHandler(filters.COMMAND, on_unknown_command), group=group)
    app.add_handler(MessageHandler(filters.ALL & ~filters.StatusUpdate.ALL, on_other_message), group=group)
