"""Access records (개인정보 접속기록): who did what, when, to how many people. Append-only in the database itself."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, BigId


class AuditEntry(Base):
    """One staff action or read of personal data. Holds ids and counts, never the personal values themselves.

    A trigger refuses UPDATE always and DELETE of rows younger than the legal minimum (migration 0002), so not even
    a bug in this program can rewrite the record; only the retention job removes rows past the period."""

    __tablename__ = "audit_log"
    # The access record page filters by action or by actor, newest first, and counts matches up to a cap.
    __table_args__ = (Index("ix_audit_log_action_id", "action", "id"), Index("ix_audit_log_actor_id", "actor", "id"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(80))  # tg:123 | cli:<OS user> | web:123 | system:retention
    actor_id: Mapped[int | None] = mapped_column(BigInteger)  # the Telegram id, when a person acted
    role: Mapped[str] = mapped_column(String(16))  # staff | operator | employee | system (at the time)
    action: Mapped[str] = mapped_column(String(48))  # enrollment.approve, export.enrollments, privacy.forget…
    target: Mapped[str | None] = mapped_column(String(80))  # enrollment:12, course:it-excel, user:123
    subjects: Mapped[int] = mapped_column(default=0)  # how many people's data the action touched
    detail: Mapped[dict] = mapped_column(default=dict)  # counts, ids, codes: no names, no free text
