"""Builds the Application: database, clock, search index, handlers, dispatcher and scheduler jobs."""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder
from telegram.request import BaseRequest

from bot.sender import TelegramSender
from bot.settings import Settings
from db.clock import Clock
from db.migrate import migration_lock, schema_status, upgrade
from db.seed import seed_all
from db.session import make_engine, make_sessionmaker, session_scope
from handlers.notices import render_notice
from handlers.registry import register_all
from handlers.services import SERVICES_KEY, Services
from locales import translator
from notifications.dispatcher import Dispatcher
from notifications.send_rate import limits_for

log = logging.getLogger(__name__)
INSUFFICIENT_PRIVILEGE = "42501"  # PostgreSQL's SQLSTATE for "permission denied"


async def prepare_database(engine: AsyncEngine, clock: Clock) -> int:
    """Migrate and seed (idempotent): `hrdbot migrate`, the console and `hrdbot run` on a brand-new database.

    Under the migration lock, so processes starting together on PostgreSQL take turns instead of racing. At head it
    only reads, so the bot's role that owns nothing (`hrdbot db app-role`) runs it; behind, that role may not."""
    async with migration_lock(engine):
        try:
            await upgrade(engine)
        except DBAPIError as exc:
            if getattr(exc.orig, "sqlstate", None) != INSUFFICIENT_PRIVILEGE:
                raise
            status = await schema_status(engine)
            raise SchemaNotAtHead(f"{status.describe()}, and this database role may not change the schema: "
                                  f"run `hrdbot migrate` as the tables' owner first") from None
        async with session_scope(make_sessionmaker(engine)) as session:
            report = await seed_all(session, clock.now())
    return report.total


class SchemaNotAtHead(Exception):
    """`hrdbot web|worker` on a database that `hrdbot migrate` has not brought up to this version."""


async def require_schema_at_head(engine: AsyncEngine) -> None:
    status = await schema_status(engine)
    if not status.at_head:
        raise SchemaNotAtHead(f"{status.describe()}; run `hrdbot migrate` first")


def render_for_language(kind: str, params: dict, language: str):
    return render_notice(kind, params, translator(language))


@dataclass
class Runtime:
    """Everything one running bot owns; `close()` releases it."""

    app: Application
    services: Services
    engine: AsyncEngine
    dispatcher: Dispatcher
    tasks: list[asyncio.Task] = field(default_factory=list)

    async def tick(self) -> None:
        """One pass of the periodic work: plan due reminders, start due broadcasts, send the outbox."""
        for job in periodic_jobs():
            await job(self)
        await self.dispatcher.drain()

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            try:
                await task
            except (asyncio.CancelledError, Exception):
                pass
        await self.engine.dispose()


def periodic_jobs() -> list:
    """The scheduler tick's jobs (exam reminders, scheduled broadcasts and their reports). Each: async fn(runtime)."""
    from notifications import course_start, digest
    from notifications.broadcasts import jobs as broadcast_jobs
    from notifications.exams import jobs as exam_jobs

    return [refresh_catalog, expire_flows, refresh_commands, *exam_jobs.JOBS, *course_start.JOBS, *digest.JOBS,
            *broadcast_jobs.JOBS, daily_retention]


async def refresh_commands(runtime: "Runtime") -> None:
    """Staff get the staff command menu in their chat, whichever route changed their role (checked every tick)."""
    from handlers.commands import refresh_staff

    published = runtime.services.extras.setdefault("staff_menus", {})
    async with session_scope(runtime.services.sessionmaker) as session:
        await refresh_staff(runtime.app.bot, session, runtime.services.admin_ids, published)


async def expire_flows(runtime: "Runtime") -> None:
    """Conversations untouched for HRDBOT_RETAIN_FLOW_HOURS end here, not only when the person writes again."""
    from db.flows import expire_flows as expire

    services = runtime.services
    async with session_scope(services.sessionmaker) as session:
        await expire(session, services.clock.now() - services.retention.flow_ttl)


RETENTION_EVERY = timedelta(days=1)


async def daily_retention(runtime: "Runtime") -> None:
    """Personal data past its period goes (catalog/retention.py): at most once a day, on the bot's clock."""
    from catalog.retention import run_retention

    services = runtime.services
    now = services.clock.now()
    last = services.extras.get("retention_ran_at")
    if last is not None and now - last < RETENTION_EVERY:
        return
    async with session_scope(services.sessionmaker) as session:
        await run_retention(session, now, services.retention)
    services.extras["retention_ran_at"] = now


async def refresh_catalog(runtime: "Runtime") -> None:
    """Staff may import courses with `hrdbot import` while the bot runs: search and cards follow within a tick."""
    await runtime.services.refresh_if_catalog_changed()


async def build_runtime(settings: Settings, *, request: BaseRequest | None = None, clock: Clock | None = None,
                        engine: AsyncEngine | None = None, rate_limit: bool = True,
                        prepare: bool = True) -> Runtime:
    clock = clock or settings.clock()
    settings.apply_limits()
    engine = engine or make_engine(settings.database_url)
    if prepare:
        await prepare_database(engine, clock)
    services = Services(sessionmaker=make_sessionmaker(engine), clock=clock, admin_ids=settings.admin_ids,
                        default_language=settings.locale, public_url=settings.public_url,
                        contact=settings.contact)
    services.extras["retention"] = settings.retention
    await services.reload_search()

    builder: ApplicationBuilder = Application.builder().token(settings.token or "0:console")
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    if settings.bot_api_url:  # HRDBOT_BOT_API_URL: a local Bot API server or the e2e tests' emulator
        base = settings.bot_api_url.rstrip("/")
        builder = builder.base_url(base).base_file_url(base.rsplit("/", 1)[0] + "/file/bot")
    if rate_limit and request is None:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=2))
    app = builder.build()
    app.bot_data[SERVICES_KEY] = services
    register_all(app)
    limits = limits_for(services.sessionmaker, (settings.token or "0").split(":", 1)[0])
    dispatcher = Dispatcher(services.sessionmaker, clock, TelegramSender(app.bot), render_for_language, limits=limits,
                            lease=timedelta(seconds=settings.outbox_lease_seconds))
    runtime = Runtime(app, services, engine, dispatcher)
    services.extras["runtime"] = runtime
    return runtime
