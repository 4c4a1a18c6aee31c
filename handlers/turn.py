"""One update = one turn: a database session, the user, their language, and replies sent after commit.

Handlers queue what to say (`reply`, `edit`, `answer`, `document`); the turn commits the session first
and only then talks to Telegram ("commit, then send": no lock is held across Telegram I/O, and a failed
transaction never leaves a reply claiming success).
"""
from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from db.access import Actor
from db.locks import lock_person
from db.models import User
from handlers.services import Services, services_of
from locales import Translator, translator
from locales.i18n import normalize_language
from notifications.messages import Rendered

MAX_TEXT = 4096
MAX_CAPTION = 1024


def fit(text: str, limit: int = MAX_TEXT) -> str:
    """Telegram refuses longer messages; cut at a line break where we can."""
    if len(text) <= limit:
        return text
    cut = text.rfind("\n", 0, limit - 1)
    if cut < limit // 2:
        cut = limit - 1
    return text[:cut] + "…"


BUTTON_TEXT = 60  # longer labels are cut (phones show about this much)


def button_label(text: str, limit: int = BUTTON_TEXT) -> str:
    """A label cut at a word boundary with '…', never mid-word (Telegram would cut it anywhere)."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return (text[:cut] if cut > limit // 2 else text[:limit - 1]).rstrip(" ·,-") + "…"


def keyboard(buttons: Any) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(button_label(b.text), callback_data=b.data, url=b.url) for b in row]
         for row in buttons if row]
    )


@dataclass
class _Out:
    kind: str  # reply | edit | answer | document
    text: str = ""
    buttons: Any = None
    html: bool = False
    alert: bool = False
    filename: str | None = None
    content: bytes | None = None


class Turn:
    def __init__(self, update: Update, context: ContextTypes.DEFAULT_TYPE, services: Services,
                 session: AsyncSession, user: User) -> None:
        self.update = update
        self.context = context
        self.services = services
        self.session = session
        self.user = user
        self.tr: Translator = translator(user.language)
        self.now: datetime = services.clock.now()
        self._out: list[_Out] = []
        self._outbox_written = False
        self.after_commit: list[Callable[[], Awaitable[None]]] = []

    # -- who and what -------------------------------------------------------------------------------
    @property
    def _(self) -> Translator:
        return self.tr

    @property
    def is_callback(self) -> bool:
        return self.update.callback_query is not None

    @property
    def is_command(self) -> bool:
        return not self.is_callback and self.text.startswith("/")

    @property
    def text(self) -> str:
        msg = self.update.effective_message
        return (msg.text or msg.caption or "") if msg else ""

    @property
    def is_staff(self) -> bool:
        """Checked against the database (and the settings list) on every call, never cached in a button."""
        return self.user.role == "staff" or self.user.id in self.services.admin_ids

    @property
    def actor(self) -> Actor:
        """Who acts, for the services: they check the role themselves (and record staff actions)."""
        return Actor.person(self.user.id, admin_ids=self.services.admin_ids)

    def set_language(self, lang: str) -> None:
        self.user.language = normalize_language(lang)
        self.user.language_chosen = True
        self.tr = translator(self.user.language)

    # -- conversation state (in the database, so any worker can continue a flow) --------------------------
    def set_flow(self, flow: str, step: str, data: dict | None = None) -> None:
        self.user.flow, self.user.flow_step = flow, step
        self.user.flow_data = dict(data or {})
        self.user.flow_updated_at = self.now

    def clear_flow(self) -> None:
        self.user.flow = self.user.flow_step = None
        self.user.flow_data = None
        self.user.flow_updated_at = None

    @property
    def flow_data(self) -> dict:
        return dict(self.user.flow_data or {})

    # -- what to say (sent after commit) ------------------------------------------------------------------
    def reply(self, text: str, buttons: Any = None, *, html: bool = False) -> None:
        self._out.append(_Out("reply", text, buttons, html))

    def edit(self, text: str, buttons: Any = None, *, html: bool = False) -> None:
        """Replace the message whose button was pressed (a new message when there is none)."""
        self._out.append(_Out("edit" if self.is_callback else "reply", text, buttons, html))

    def answer(self, text: str = "", *, alert: bool = False) -> None:
        self._out.append(_Out("answer", text, alert=alert))

    def document(self, filename: str, content: bytes, caption: str = "") -> None:
        self._out.append(_Out("document", caption, filename=filename, content=content))

    def render(self, rendered: Rendered, *, edit: bool = False) -> None:
        if rendered.document:
            self.document(rendered.document[0], rendered.document[1], rendered.text)
        elif edit:
            self.edit(rendered.text, rendered.buttons, html=rendered.html)
        else:
            self.reply(rendered.text, rendered.buttons, html=rendered.html)

    def outbox_written(self) -> None:
        """Call after writing notices to the outbox: the dispatcher is woken once the turn commits."""
        self._outbox_written = True

    def refuse_unless_staff(self) -> bool:
        """True (and a polite refusal queued) when the user may not do a staff action."""
        if self.is_staff:
            return False
        text = self.tr("This action is for HRD Center staff only.")
        if self.is_callback:
            self.answer(text, alert=True)
        else:
            self.reply(text)
        return True

    # -- sending -------------------------------------------------------------------------------------------
    async def flush(self) -> None:
        bot = self.context.bot
        chat_id = self.update.effective_chat.id if self.update.effective_chat else self.user.chat_id
        query = self.update.callback_query
        answered = False
        for out in self._out:
            mode = ParseMode.HTML if out.html else None
            if out.kind == "answer" and query is not None:
                if not answered:
                    await query.answer(out.text[:200] or None, show_alert=out.alert)
                    answered = True
            elif out.kind == "edit" and query is not None and query.message is not None:
                try:
                    await query.edit_message_text(fit(out.text), reply_markup=keyboard(out.buttons), parse_mode=mode)
                except BadRequest as exc:
                    if "not modified" not in str(exc).lower():
                        await bot.send_message(chat_id, fit(out.text), reply_markup=keyboard(out.buttons), parse_mode=mode)
            elif out.kind == "document":
                await bot.send_document(chat_id, InputFile(out.content or b"", filename=out.filename),
                                        caption=fit(out.text, MAX_CAPTION) or None)
            else:
                await bot.send_message(chat_id, fit(out.text), reply_markup=keyboard(out.buttons), parse_mode=mode)
        if query is not None and not answered:
            await query.answer()  # stop the button's spinner
        if self._outbox_written:
            self.services.outbox_ready.set()
        for hook in self.after_commit:
            await hook()


async def load_user(session: AsyncSession, update: Update, services: Services, now: datetime) -> User:
    tg = update.effective_user
    user = await session.get(User, tg.id)
    if user is None:
        user = User(id=tg.id, chat_id=update.effective_chat.id if update.effective_chat else tg.id,
                    # No Telegram name or username: nothing needs them (the greeting reads the update), so
                    # nothing personal is stored before a notice.
                    first_name="", username=None,
                    # Korean first; English when the person's Telegram is in English.
                    language=normalize_language(tg.language_code or services.default_language),
                    role="user", created_at=now)  # HRDBOT_ADMIN_IDS is checked live, never copied here
        session.add(user)
    else:
        if user.role_only:
            user.role_only = False  # `hrdbot admin add` made the row; now they have written: a user like any other
        if user.unreachable_at is not None:
            user.unreachable_at = None  # they wrote to us, so they have unblocked the bot
        # A flow untouched past its time to live is forgotten (the tick does the same), so free text searches again.
        if user.flow and user.flow_updated_at and now - user.flow_updated_at > services.retention.flow_ttl:
            user.flow = user.flow_step = None
            user.flow_data = None
    return user


@asynccontextmanager
async def open_turn(update: Update, context: ContextTypes.DEFAULT_TYPE) -> AsyncIterator[Turn]:
    services = services_of(context)
    async with services.sessionmaker() as session:
        # One person's updates one at a time across every process (PostgreSQL): flows, double presses and
        # "one cohort per course" hold even when two webhook workers get their updates at once.
        await lock_person(session, update.effective_user.id)
        now = services.clock.now()
        user = await load_user(session, update, services, now)
        turn = Turn(update, context, services, session, user)
        try:
            yield turn
            await session.commit()
        except BaseException:
            await session.rollback()
            raise
    await turn.flush()


TurnHandler = Callable[[Turn], Awaitable[None]]
# Set by the process that feeds updates (bot/web.py) to a dict; the turn names its handler there for the log line.
UPDATE_INFO: ContextVar[dict | None] = ContextVar("hrdbot_update_info", default=None)


def on_turn(fn: TurnHandler) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]:
    """Adapt `async def f(t: Turn)` to a PTB callback. Updates without a user (channel posts) are ignored."""

    @wraps(fn)
    async def callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_user is None:
            return
        info = UPDATE_INFO.get(None)
        if info is not None:
            info["handler"] = fn.__name__
        async with open_turn(update, context) as turn:
            before = (turn.user.flow, turn.user.flow_step)
            await fn(turn)
            if before[0] and turn.is_command and (turn.user.flow, turn.user.flow_step) == before:
                from handlers.flows import offer_way_back

                offer_way_back(turn)  # /my, /exams… mid-conversation: answered, and the way back offered

    return callback


async def get_user(session: AsyncSession, user_id: int) -> User | None:
    return (await session.execute(select(User).where(User.id == user_id))).scalar_one_or_none()
