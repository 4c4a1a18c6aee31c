"""One CallbackQueryHandler for every button, and the error handler: no traceback ever reaches a user."""
from __future__ import annotations

import logging

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from telegram import Update
from telegram.error import Forbidden
from telegram.ext import ContextTypes

from db.access import Forbidden as NotAllowed
from db.logsafe import describe, one_line
from handlers.callbacks import StaleButton, lookup, parse
from handlers.turn import Turn, on_turn
from locales import translator

log = logging.getLogger(__name__)


@on_turn
async def on_button(t: Turn) -> None:
    try:
        action, args = parse(t.update.callback_query.data)
        handler = lookup(action)
        if handler is None:
            raise StaleButton(action)
        await handler(t, args)
    except StaleButton:
        t.answer(t.tr("This button is no longer valid. Please search again or send /start."), alert=True)


def _user_language(update: object, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    if isinstance(update, Update) and update.effective_user:
        return update.effective_user.language_code
    return None


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error by type and place (db/logsafe.py); tell the user something polite (in their language)."""
    error = context.error
    if isinstance(error, Forbidden):
        return  # they blocked the bot; nothing to say and nobody to say it to
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, NotAllowed):
        # A service refused (the role changed since the handler looked): nothing was written.
        log.warning("update %s refused: %s may not %s", update_id, error.actor.label, error.action)
    elif error is not None:
        # Type and place only: the message of an error (and so its traceback) can quote what the person typed.
        log.error("update %s failed: %s", update_id, one_line(error), extra={"update_id": update_id, **describe(error)})
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    tr = translator(_user_language(update, context))
    try:
        from handlers.services import services_of

        services = services_of(context)
        from db.models import User

        async with services.sessionmaker() as session:
            user = await session.get(User, update.effective_user.id) if update.effective_user else None
            if user is not None:
                tr = translator(user.language)
    except Exception:  # the database may be the very thing that is down
        pass
    if isinstance(error, NotAllowed):
        text = tr("This action is for HRD Center staff only.")
    elif isinstance(error, (OperationalError, DBAPIError, PoolTimeout, ConnectionError, OSError)):
        text = tr("Our database is briefly unavailable. Nothing was changed — please try again in a minute.")
    else:
        text = tr("Sorry, something went wrong on our side. Nothing was changed — please try again.")
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text[:200], show_alert=True)
        else:
            await context.bot.send_message(update.effective_chat.id, text)
    except Exception as exc:  # noqa: BLE001 - never let the error handler raise
        log.error("could not tell the user about an error: %s", one_line(exc), extra=describe(exc))
