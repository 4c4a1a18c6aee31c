"""What every handler can reach: the database, the clock, the search index. Built by bot/, kept in bot_data."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalog.center import ContactDetails
from catalog.courses import CardCache, catalog_version
from catalog.retention import Periods
from db.clock import Clock


@dataclass
class Services:
    sessionmaker: async_sessionmaker[AsyncSession]
    clock: Clock
    admin_ids: frozenset[int] = frozenset()
    default_language: str = "ko"
    public_url: str = "http://127.0.0.1:8080"  # the staff dashboard's address (its sign-in links start with it)
    contact: ContactDetails = field(default_factory=ContactDetails)  # deployment settings; empty unless configured
    search: Any = None  # catalog.search.SearchIndex, rebuilt when the catalog changes
    cards: CardCache = field(default_factory=CardCache)  # course cards' texts, cleared when the catalog changes
    catalog_version: int | None = None  # what search and the card texts were built from
    outbox_ready: asyncio.Event = field(default_factory=asyncio.Event)  # wakes the dispatcher after a commit
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def retention(self) -> Periods:
        """The retention periods (HRDBOT_RETAIN_*), among them how long an untouched conversation lives."""
        return self.extras.get("retention") or Periods()

    async def catalog_changed(self) -> None:
        """Call after courses or cohorts were imported or edited: forgets cached card texts, rebuilds search."""
        from catalog.search.loader import load_index
        from db.session import session_scope

        self.cards.clear()
        async with session_scope(self.sessionmaker) as session:
            self.catalog_version = await catalog_version(session)
            self.search = await load_index(session)
        self.cards.clear()  # a card read while the index was being rebuilt may hold the old texts

    async def refresh_if_catalog_changed(self) -> bool:
        """The scheduler tick's check: rebuild when another process (a CLI import) changed the catalog."""
        from db.session import session_scope

        async with session_scope(self.sessionmaker) as session:
            version = await catalog_version(session)
        if version == self.catalog_version:
            return False
        await self.catalog_changed()
        return True

    async def reload_search(self) -> None:
        """The older name of `catalog_changed` (same effect)."""
        await self.catalog_changed()


SERVICES_KEY = "hrdbot.services"


def services_of(application_or_context: Any) -> Services:
    bot_data = getattr(application_or_context, "bot_data")
    return bot_data[SERVICES_KEY]
