"""The access record (개인정보 접속기록): one append-only row per staff action or read of personal data.

`record` is called by the service that acts, in the caller's transaction, so an action and its record commit or
roll back together. Rows carry ids, counts and codes — never names, reasons or other personal values — so the log
itself needs no deleting when someone uses /forget. The database refuses UPDATE and DELETE (triggers, migration
0002) except DELETE of rows older than two years; `purge_expired` is the retention job's side of that.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Text, cast, delete, func, insert, or_, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from db.access import Actor, require_staff, role_of
from db.models import AuditEntry

COUNT_CAP = 10_000  # the audit page counts matches up to this many
PEOPLE = "people"  # detail key: the ids of the people an action touched
MIN_KEEP = timedelta(days=731)  # two years, whatever the leap days: the law's minimum, also enforced by the trigger


async def record(session: AsyncSession, actor: Actor, action: str, *, now: datetime, target: str | None = None,
                 subjects: int = 0, detail: dict | None = None, role: str | None = None,
                 people: Iterable[int] | None = None) -> None:
    """Append one row. `detail` holds counts, ids and codes only (callers never pass free text or names).

    `people`: the Telegram ids of everyone whose data the action read or changed (the access record names the data
    subjects, and /mydata shows each person the rows about them). Kept last in `detail` as `"people": [ids]`, so
    `about_person` can find a person with one LIKE on both databases."""
    detail = {k: v for k, v in (detail or {}).items() if k != PEOPLE}
    if people is not None:
        ids = sorted({int(i) for i in people})
        subjects = subjects or len(ids)
        detail[PEOPLE] = ids  # last: see about_person
    row = dict(at=now, actor=actor.label, actor_id=actor.user_id, role=role or await role_of(session, actor),
               action=action[:48], target=(target or None) and target[:80], subjects=max(int(subjects), 0),
               detail=detail)
    await session.flush()  # what the caller changed first, then its record (as one ORM flush did before)
    await session.execute(_APPEND, row)  # a plain INSERT: no ORM object to build, track and flush


_APPEND = insert(AuditEntry.__table__)


def _people_patterns(user_id: int) -> list[str]:
    """`"people": [ids]` is the last member of `detail`, stored as Python's json.dumps writes it (SQLite text and
    PostgreSQL json keep it verbatim): the id is the list's only, first, a middle or the last element."""
    head = f'%"{PEOPLE}": ['
    return [f"{head}{user_id}]}}", f"{head}{user_id}, %", f"{head}%, {user_id}, %", f"{head}%, {user_id}]}}"]


async def about_person(session: AsyncSession, user_id: int, enrollment_ids: Iterable[int] = ()) -> list[AuditRow]:
    """Every row about one person, oldest first: actions on them (`user:ID`, their requests `enrollment:ID`) and reads
    or imports that named them among `people`. Their own actions on others are not "about" them."""
    text = cast(AuditEntry.detail, Text)
    targets = [f"user:{user_id}", *(f"enrollment:{i}" for i in enrollment_ids)]
    stmt = (select(AuditEntry).where(or_(AuditEntry.target.in_(targets),
                                         *(text.like(p) for p in _people_patterns(user_id))))
            .order_by(AuditEntry.id))
    return [_row(e) for e in (await session.execute(stmt)).scalars()]


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor: str
    actor_id: int | None
    role: str
    action: str
    target: str | None
    subjects: int
    detail: dict

    def as_json(self) -> dict:
        return {"id": self.id, "at": self.at.isoformat(), "actor": self.actor, "actor_id": self.actor_id,
                "role": self.role, "action": self.action, "target": self.target, "subjects": self.subjects,
                "detail": self.detail}


async def entries(session: AsyncSession, *, since: datetime | None = None, limit: int | None = None) -> list[AuditRow]:
    """Rows in the order they were written (all of them without `since`)."""
    stmt = select(AuditEntry).order_by(AuditEntry.id)
    if since is not None:
        stmt = stmt.where(AuditEntry.at >= since)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [AuditRow(e.id, e.at, e.actor, e.actor_id, e.role, e.action, e.target, e.subjects, dict(e.detail or {}))
            for e in (await session.execute(stmt)).scalars()]


async def purge_expired(session: AsyncSession, *, now: datetime, keep: timedelta = MIN_KEEP) -> int:
    """Delete rows older than `keep` (never less than two years). The trigger checks the same rule with the
    database's own clock; when the two clocks disagree (a demo clock ahead of real time) nothing is deleted."""
    cutoff = now - max(keep, MIN_KEEP)
    try:
        async with session.begin_nested():
            result = await session.execute(delete(AuditEntry).where(AuditEntry.at < cutoff))
    except DBAPIError:
        return 0
    return max(result.rowcount or 0, 0)


@dataclass(frozen=True)
class AuditPage:
    rows: tuple[AuditRow, ...]
    total: int  # capped at COUNT_CAP + 1 ("10,000+"): counting 100,000 rows on every page view buys nothing
    offset: int
    limit: int
    actions: tuple[str, ...]  # every action recorded (the filter's choices)

    @property
    def total_capped(self) -> bool:
        return self.total > COUNT_CAP

    @property
    def has_next(self) -> bool:
        return self.offset + self.limit < self.total


def _row(e: AuditEntry) -> AuditRow:
    return AuditRow(e.id, e.at, e.actor, e.actor_id, e.role, e.action, e.target, e.subjects, dict(e.detail or {}))


# AuditRow's fields as plain columns: a page of rows without building (and tracking) an ORM object for each.
_COLUMNS = (AuditEntry.id, AuditEntry.at, AuditEntry.actor, AuditEntry.actor_id, AuditEntry.role, AuditEntry.action,
            AuditEntry.target, AuditEntry.subjects, AuditEntry.detail)


def _plain_row(row) -> AuditRow:
    *head, detail = row
    return AuditRow(*head, dict(detail or {}))


def _filters(actor: str | None, action: str | None, since: datetime | None, until: datetime | None) -> list:
    where = []
    if actor:
        where.append(AuditEntry.actor == actor)
    if action:
        where.append(AuditEntry.action == action)
    if since is not None:
        where.append(AuditEntry.at >= since)
    if until is not None:
        where.append(AuditEntry.at < until)
    return where


async def recorded_actions(session: AsyncSession) -> tuple[str, ...]:
    """Every action recorded, in order: one index probe per distinct action (a loose index scan over
    ix_audit_log_action_id), where DISTINCT would read all 100,000 rows."""
    steps = select(func.min(AuditEntry.action).label("action")).cte("actions", recursive=True)
    following = select(func.min(AuditEntry.action)).where(AuditEntry.action > steps.c.action).scalar_subquery()
    steps = steps.union_all(select(following).where(steps.c.action.is_not(None)))
    return tuple((await session.execute(
        select(steps.c.action).where(steps.c.action.is_not(None)).order_by(steps.c.action))).scalars())


async def search(session: AsyncSession, viewer: Actor, *, actor: str | None = None, action: str | None = None,
                 since: datetime | None = None, until: datetime | None = None, offset: int = 0,
                 limit: int = 50, actions: tuple[str, ...] | None = None) -> AuditPage:
    """Newest first, filtered, one page (the dashboard's audit page). Staff only. `actions`: the filter's choices
    when the caller has them already (they change rarely; listing them scans the table)."""
    await require_staff(session, viewer, "audit.view")
    where = _filters(actor, action, since, until)
    matching_ids = select(AuditEntry.id).where(*where).limit(COUNT_CAP + 1).subquery()
    total = (await session.execute(select(func.count()).select_from(matching_ids))).scalar_one()
    found = await session.execute(select(*_COLUMNS).where(*where).order_by(AuditEntry.id.desc())
                                  .offset(max(offset, 0)).limit(limit))
    rows = tuple(_plain_row(r) for r in found)
    return AuditPage(rows, max(total, offset + len(rows)), max(offset, 0), limit,
                     actions if actions is not None else await recorded_actions(session))


async def matching(session: AsyncSession, viewer: Actor, *, actor: str | None = None, action: str | None = None,
                   since: datetime | None = None, until: datetime | None = None, limit: int = 100_000) -> list[AuditRow]:
    """Oldest first, filtered (the export). Staff only."""
    await require_staff(session, viewer, "audit.export")
    stmt = select(AuditEntry).where(*_filters(actor, action, since, until)).order_by(AuditEntry.id).limit(limit)
    return [_row(e) for e in (await session.execute(stmt)).scalars()]
