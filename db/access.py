"""Who is acting, and the one staff rule every mutating service applies (handlers, CLI and dashboard share it).

An `Actor` is built per update / command / web request and passed to the service, which checks the role itself
(`require_staff`) right before acting:

* a Telegram person (`Actor.person`) is staff when their `users.role` row says so *now* (read from the database on
  every check, so `hrdbot admin remove` takes effect at the next action) or when their id is in HRDBOT_ADMIN_IDS as
  this process reads it (`admin_ids`; never copied into the database, so removing an id from the variable and
  restarting revokes the role);
* the command-line operator (`Actor.operator`, audited as ``cli:<OS user>``) passes every role check: whoever can
  run `hrdbot` on the server already holds the database credentials;
* `Actor.system` is a scheduled job (retention) that writes audit rows but may do no staff action.
"""
from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import User


class Forbidden(PermissionError):
    """The actor may not do this. Raised before anything is written; the caller's transaction rolls back."""

    def __init__(self, action: str, actor: "Actor") -> None:
        super().__init__(f"{actor.label} may not {action}")  # ids only: safe to log
        self.action = action
        self.actor = actor


@dataclass(frozen=True)
class Actor:
    kind: str  # person | operator | system
    label: str  # tg:123, web:123, cli:alice, system:retention — what the audit log shows
    user_id: int | None = None  # the Telegram id of a person
    admin_ids: frozenset[int] = field(default=frozenset(), repr=False)  # HRDBOT_ADMIN_IDS as this process read it

    @classmethod
    def person(cls, user_id: int, *, admin_ids: frozenset[int] | set[int] = frozenset(), via: str = "tg") -> "Actor":
        return cls("person", f"{via}:{user_id}", int(user_id), frozenset(admin_ids))

    @classmethod
    def operator(cls, os_user: str | None = None) -> "Actor":
        if os_user is None:
            try:
                os_user = getpass.getuser()
            except (KeyError, OSError):  # no passwd entry (some containers)
                os_user = "unknown"
        return cls("operator", f"cli:{os_user}"[:80])

    @classmethod
    def system(cls, job: str) -> "Actor":
        return cls("system", f"system:{job}"[:80])


async def role_of(session: AsyncSession, actor: Actor) -> str:
    """operator | staff | employee | system, decided now (never cached: a removed staff member is refused at once)."""
    if actor.kind in ("operator", "system"):
        return actor.kind
    if actor.user_id is None:
        return "employee"
    if actor.user_id in actor.admin_ids:
        return "staff"
    # A column read, not session.get(): the identity map may hold a row loaded before the role changed.
    return person_role(actor, (await session.execute(_ROLE, {"user_id": actor.user_id})).scalar_one_or_none())


# Every service call checks the role: the statement is built once (building a select costs as much as running it).
_ROLE = select(User.__table__.c.role).where(User.__table__.c.id == bindparam("user_id"))


def person_role(actor: Actor, stored: str | None) -> str:
    """`role_of` for a person whose `users.role` the caller has just read itself (in the same statement as something
    else it needed, e.g. the dashboard's session row): staff or employee, by the same rule."""
    return "staff" if actor.user_id in actor.admin_ids or stored == "staff" else "employee"


async def require_staff(session: AsyncSession, actor: Actor, action: str) -> str:
    """The role (staff or operator) when the actor may do a staff action; Forbidden otherwise."""
    role = await role_of(session, actor)
    if role not in ("staff", "operator"):
        raise Forbidden(action, actor)
    return role


# -- role changes ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RoleChange:
    user_id: int
    changed: bool  # False: they already had (or never had) the role


async def set_staff(session: AsyncSession, actor: Actor, user_id: int, staff: bool, now: datetime) -> RoleChange:
    """Grant or revoke the staff role. Granting to someone who never wrote makes a role-only row (not a user in any
    count, not a recipient); revoking from a stranger writes nothing but the audit row."""
    from db.audit import record

    action = "role.grant" if staff else "role.revoke"
    await require_staff(session, actor, action)
    user = await session.get(User, user_id)
    changed = False
    if staff and user is None:
        session.add(User(id=user_id, chat_id=user_id, first_name="", language="ko", role="staff", role_only=True,
                         created_at=now))
        changed = True
    elif user is not None and (user.role == "staff") != staff:
        user.role = "staff" if staff else "user"
        changed = True
    await record(session, actor, action, now=now, target=f"user:{user_id}", subjects=1, detail={"changed": changed})
    return RoleChange(user_id, changed)


async def staff_ids(session: AsyncSession) -> list[int]:
    """Ids holding the staff role in the database (HRDBOT_ADMIN_IDS is listed separately by the caller)."""
    return list((await session.execute(select(User.id).where(User.role == "staff").order_by(User.id))).scalars())
