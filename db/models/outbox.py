"""The outbox: every message that is not a direct reply is a row, written with the change that causes it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Double, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, BigId

# pending → claimed → sent | failed | unreachable | expired | cancelled
OUTBOX_STATES = ("pending", "claimed", "sent", "failed", "unreachable", "expired", "cancelled")


class OutboxMessage(Base):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_ready", "status", "not_before", "priority", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    key: Mapped[str] = mapped_column(String(128), unique=True)  # idempotency key
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(32))  # which renderer turns params into text and buttons
    params: Mapped[dict] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    priority: Mapped[int] = mapped_column(default=0)  # lower first: personal notices before broadcasts
    not_before: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)
    broadcast_id: Mapped[int | None] = mapped_column(ForeignKey("broadcasts.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime]


class Broadcast(Base):
    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    created_by: Mapped[int] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text)
    course_id: Mapped[str | None] = mapped_column(String(32))
    cohort_id: Mapped[int | None]
    audience: Mapped[dict] = mapped_column(default=dict)
    # draft | scheduled | sending | done | cancelled
    status: Mapped[str] = mapped_column(String(12), default="draft")
    scheduled_at: Mapped[datetime | None]
    total: Mapped[int] = mapped_column(default=0)
    report_sent: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # One broadcast per composing session: a double "send now" (even on two webhook workers) finds this key.
    compose_key: Mapped[str | None] = mapped_column(String(64), unique=True)


class SendRate(Base):
    """Telegram's overall send budget (≈30 msg/s per bot token), shared by every dispatcher process on
    PostgreSQL: the next free send slot and the flood-wait after a RetryAfter, in the server's epoch seconds."""

    __tablename__ = "send_rate"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    next_slot: Mapped[float] = mapped_column(Double, default=0.0)
    paused_until: Mapped[float] = mapped_column(Double, default=0.0)
