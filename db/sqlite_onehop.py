"""aiosqlite with one thread hop per statement (SQLAlchemy's adapter makes four, plus a rollback after every commit).

aiosqlite runs each sqlite3 call on its own thread and wakes the event loop when it is done; SQLAlchemy's stock
adapter awaits `cursor()`, `execute()`, `fetchall()` and `close()` separately, and the pool rolls back on every
check-in even after a commit. For this bot's short queries the hops cost far more than SQLite itself (≈ 40 µs
each against ≈ 5 µs for a primary-key read), so this adapter runs "cursor, execute, fetch all, close" as ONE
function on aiosqlite's thread and skips the check-in rollback when SQLite says no transaction is open.
`begin_with_next_statement` lets db.session send BEGIN IMMEDIATE together with the transaction's first statement.
Same thread, same order, same sqlite3 connection: only the number of round trips changes.

Used by `db.session.make_engine` for `sqlite+aiosqlite` URLs (server-side cursors keep the stock adapter).
"""
from __future__ import annotations

import collections
import sqlite3
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT
from sqlalchemy.util.concurrency import await_


def _run(conn: sqlite3.Connection, begin: str | None, operation: str, parameters: Any, many: bool):
    """On aiosqlite's thread: the pending BEGIN if any, the whole statement, and whether a transaction is still
    open afterwards."""
    cursor = conn.cursor()
    try:
        if begin is not None:
            cursor.execute(begin)
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else None
        return description, cursor.rowcount, cursor.lastrowid, rows, conn.in_transaction
    finally:
        cursor.close()


def _commit(conn: sqlite3.Connection) -> None:
    conn.commit()


def _rollback(conn: sqlite3.Connection) -> None:
    conn.rollback()


class OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ("_description", "_rowcount", "_lastrowid")

    def __init__(self, adapt_connection: "OneHopConnection") -> None:  # no hop: the cursor lives inside _run
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description = None
        self._rowcount = -1
        self._lastrowid = None

    @property
    def description(self):
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self):
        return self._lastrowid

    @property
    def arraysize(self) -> int:
        return 1

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        pass

    async def _async_soft_close(self) -> None:
        return None

    def close(self) -> None:
        self._rows.clear()

    async def _go(self, operation: Any, parameters: Any, many: bool) -> None:
        adapt = self._adapt_connection
        async with adapt._execute_mutex:
            conn = self._connection
            begin, adapt._pending_begin = adapt._pending_begin, None
            try:
                description, rowcount, lastrowid, rows, in_tx = await conn._execute(
                    _run, conn._conn, begin, operation, parameters, many)
            except BaseException:
                adapt._in_transaction = True  # we cannot tell: let the next rollback really run
                raise
        adapt._in_transaction = in_tx
        self._description, self._rowcount, self._lastrowid = description, rowcount, lastrowid
        if rows is not None:
            self._rows = collections.deque(rows)

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        try:
            return await_(self._go(operation, parameters, False))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        try:
            return await_(self._go(operation, seq_of_parameters, True))
        except Exception as error:
            self._adapt_connection._handle_exception(error)


class OneHopConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ("_in_transaction", "_pending_begin")
    _cursor_cls = OneHopCursor

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(dbapi, connection)
        self._in_transaction = True  # unknown until the first statement: roll back to be sure
        self._pending_begin: str | None = None

    def begin_with_next_statement(self, sql: str) -> None:
        """Send `sql` (e.g. BEGIN IMMEDIATE) in the same hop as the next statement, right before it; nothing
        else can run on this connection in between. A transaction that ends before any statement never began."""
        self._pending_begin = sql

    @property
    def isolation_level(self):
        return AsyncAdapt_aiosqlite_connection.isolation_level.fget(self)

    @isolation_level.setter
    def isolation_level(self, value) -> None:
        AsyncAdapt_aiosqlite_connection.isolation_level.fset(self, value)
        self._in_transaction = True  # sqlite3 may commit or begin on a change of mode: don't assume

    def cursor(self, server_side: bool = False):
        if server_side and self._pending_begin is not None:  # the stock streaming cursor: send BEGIN on its own
            begin, self._pending_begin = self._pending_begin, None
            try:
                await_(self._connection._execute(_run, self._connection._conn, None, begin, None, False))
            except Exception as error:
                self._handle_exception(error)
            self._in_transaction = True
        return super().cursor(server_side)

    def _end(self, fn) -> None:
        if self._pending_begin is not None:  # BEGIN never sent: there is nothing to end
            self._pending_begin = None
            if not self._in_transaction:
                return
        if not self._connection._connection:
            return
        try:
            await_(self._connection._execute(fn, self._connection._conn))
        except Exception as error:
            self._handle_exception(error)
        self._in_transaction = False

    def commit(self) -> None:
        self._end(_commit)

    def rollback(self) -> None:
        # The pool rolls back on every check-in; after a commit (or a read in autocommit mode) there is nothing
        # to roll back, and SQLite told us so after the last statement.
        if self._in_transaction or self._pending_begin is not None:
            self._end(_rollback)


class OneHopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> OneHopConnection:
        stock = super().connect(*arg, **kw)
        return OneHopConnection(self, stock._connection)


def dbapi() -> OneHopDBAPI:
    return OneHopDBAPI(aiosqlite, sqlite3)
