"""The command menus Telegram shows (setMyCommands): per language, and per chat for staff, whose menu adds the staff
commands. Published at start-up and kept in step with roles by the scheduler tick, whatever changed the role
(/pending refusals, `hrdbot admin add`, HRDBOT_ADMIN_IDS)."""
from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError

from db.access import staff_ids
from db.models import User
from handlers import basic
from locales import LANGUAGES, DEFAULT_LANGUAGE, translator

log = logging.getLogger(__name__)
MENU = ("start", "search", "my", "exams", "retire", "subscribe", "profile", "help", "lang", "cancel")


def commands(language: str, staff: bool = False) -> list[BotCommand]:
    """The menu of one language: the everyday commands first, then (for staff) the staff commands."""
    tr = translator(language)
    described = {name: desc for name, desc in basic.HELP}
    described.setdefault("start", basic.START_HELP)
    out = [BotCommand(name, tr(described[name])[:256]) for name in MENU if name in described]
    if staff:
        out += [BotCommand(name, tr(desc)[:256]) for name, desc in basic.STAFF_HELP]
    return out


async def publish_default(bot: Bot) -> None:
    for language in LANGUAGES:
        await bot.set_my_commands(commands(language), scope=BotCommandScopeDefault(), language_code=language)
    await bot.set_my_commands(commands(DEFAULT_LANGUAGE), scope=BotCommandScopeDefault())


async def refresh_staff(bot: Bot, session, admin_ids: frozenset[int], published: dict[int, str]) -> None:
    """Give each staff member's chat the staff menu (in their language); take it back when the role is gone."""
    ids = set(await staff_ids(session)) | set(admin_ids)
    now: dict[int, str] = {}
    for uid in ids:
        user = await session.get(User, uid)
        if user is not None and not getattr(user, "role_only", False):
            now[uid] = user.language
    for uid, language in now.items():
        if published.get(uid) != language:
            published[uid] = language  # tried once per change: a refusal is not retried every tick
            try:
                await bot.set_my_commands(commands(language, staff=True), scope=BotCommandScopeChat(uid))
            except TelegramError as exc:  # e.g. a chat Telegram does not know yet; the next role change tries again
                log.info("staff menu for a chat not set: %s", exc)
    for uid in [u for u in published if u not in now]:
        try:
            await bot.delete_my_commands(scope=BotCommandScopeChat(uid))
        except TelegramError as exc:
            log.info("staff menu for a chat not removed: %s", exc)
        published.pop(uid, None)
