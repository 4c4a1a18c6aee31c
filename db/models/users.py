"""People: Telegram users (with role, language, conversation state) and their personal profile."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)  # Telegram user id
    chat_id: Mapped[int] = mapped_column(BigInteger)  # private chat; equals the user id on Telegram
    first_name: Mapped[str] = mapped_column(String(128), default="")
    username: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(5), default="ko")
    language_chosen: Mapped[bool] = mapped_column(default=False)
    role: Mapped[str] = mapped_column(String(16), default="user")  # user | staff (HRDBOT_ADMIN_IDS is never copied here)
    # Made by `hrdbot admin add` before the person ever wrote: not a user in any count, never a recipient.
    role_only: Mapped[bool] = mapped_column(default=False, server_default=false())
    unreachable_at: Mapped[datetime | None]  # blocked the bot: skipped by every sender from then on
    created_at: Mapped[datetime]
    # Conversation state lives here, not in PTB memory, so any worker can continue a flow.
    flow: Mapped[str | None] = mapped_column(String(32))
    flow_step: Mapped[str | None] = mapped_column(String(32))
    flow_data: Mapped[dict | None]
    flow_updated_at: Mapped[datetime | None]

    @property
    def is_staff(self) -> bool:
        return self.role == "staff"


class Profile(Base):
    """Personal data, kept apart from `users` so /forget can delete it whole."""

    __tablename__ = "profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    consent_at: Mapped[datetime]
    full_name: Mapped[str] = mapped_column(String(64))
    department: Mapped[str] = mapped_column(String(64))
    rank: Mapped[str] = mapped_column(String(16))  # 9급 … 3급, 임기제, 공무직, 전문경력관
    position: Mapped[str | None] = mapped_column(String(16))  # 과장 | 팀장 | None
    employee_no: Mapped[str | None] = mapped_column(String(32))
    hired_on: Mapped[date | None] = mapped_column(Date)
    retirement_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime]


class NotificationChoice(Base):
    """A person's choice about one kind of notice: course_start (reminders; off after the opt-out press) or
    pending_digest (staff: the hourly digest of new requests; `since` = what the last digest covered)."""

    __tablename__ = "notification_choices"

    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)
    enabled: Mapped[bool]
    since: Mapped[datetime | None]
    updated_at: Mapped[datetime]
