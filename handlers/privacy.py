"""/mydata: everything the bot keeps about the person, as a short summary and as a file (right of access, 열람권);
and the edge guard: a message or a button carrying control characters is refused before any feature sees it."""
from __future__ import annotations

import json
import re

from telegram import Update
from telegram.ext import (Application, ApplicationHandlerStop, CallbackQueryHandler, CommandHandler, ContextTypes,
                          MessageHandler, filters)

from catalog.privacy import my_data
from handlers import basic
from handlers.turn import Turn, on_turn, open_turn
from locales import N_, Translator

HELP_ENTRY = ("mydata", N_("see everything I keep about you (also as a file)"))


def summary(data: dict, tr: Translator, flow_hours: int) -> str:
    _ = tr
    lines = [_("📄 What I keep about you"), ""]
    tg = data["telegram"] or {}
    lines.append(_("• Telegram: {name} {username}, language {language}", name=tg.get("first_name") or "-",
                   username="@" + tg["username"] if tg.get("username") else "", language=tg.get("language", "-")))
    p = data["profile"]
    lines.append(_("• Profile: {name}, {department}, {rank}", name=p["full_name"], department=p["department"],
                   rank=p["rank"]) if p else _("• Profile: none"))
    lines.append(_("• Course requests: {count}", count=len(data["enrollments"])))
    lines.append(_("• Exam subscriptions: {count}; interview times: {slots}; planned reminders: {reminders}",
                   count=len(data["exam_subscriptions"]), slots=len(data["interview_slots"]),
                   reminders=data["planned_reminders"]))
    lines.append(_("• Course-start reminders: {count}; moves waiting for a seat: {moves}",
                   count=len(data["course_start_reminders"]), moves=len(data["moves"])))
    lines.append(_("• Course news topics: {count}", count=len(data["course_news_topics"])))
    if data["dashboard_sessions"] or data["dashboard_sign_in_links"]:
        lines.append(_("• Staff dashboard: {sessions} sign-ins, {links} sign-in links",
                       sessions=len(data["dashboard_sessions"]), links=len(data["dashboard_sign_in_links"])))
    lines.append(_("• Times your data was handled (access record): {count} — the file says when, what and by whom "
                   "(staff, operator or the system)", count=len(data["access_record"])))
    lines.append(_("• Messages I sent or will send you: {count}", count=data["messages"]["total"]))
    if data["conversation_in_progress"]:
        lines.append(tr.ngettext("• Answers of a conversation in progress (forgotten {n} hour after the last answer)",
                                 "• Answers of a conversation in progress (forgotten {n} hours after the last answer)",
                                 flow_hours))
    lines += ["", _("The file holds all of it. /forget deletes it.")]
    return "\n".join(lines)


@on_turn
async def on_mydata(t: Turn) -> None:
    data = await my_data(t.session, t.user.id)
    t.reply(summary(data, t.tr, t.services.retention.flow_hours))
    t.document("mydata.json", json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))


# C0 controls except tab, line feed and carriage return, and DEL: never typed by a person; NUL cannot even be stored
# in PostgreSQL. Checked on every message and every button before any feature (group -1).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_ANYWHERE = re.compile(r".*[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", re.S)  # PTB matches button data from its start


async def refuse_control_characters(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_user is None:
        raise ApplicationHandlerStop
    async with open_turn(update, context) as t:
        if t.is_callback:
            t.answer(t.tr("This button is no longer valid. Please search again or send /start."), alert=True)
        else:
            t.reply(t.tr("Your message contains control characters I cannot read. Please type it again."))
    raise ApplicationHandlerStop


def register(app: Application) -> None:
    app.add_handler(MessageHandler(filters.Regex(CONTROL) | filters.CaptionRegex(CONTROL), refuse_control_characters),
                    group=-1)
    app.add_handler(CallbackQueryHandler(refuse_control_characters, pattern=CONTROL_ANYWHERE), group=-1)
    app.add_handler(CommandHandler("mydata", on_mydata))
    basic.add_help(HELP_ENTRY)
