"""Waking streams when a collection changes, in this process and, on PostgreSQL, in every other
process through LISTEN/NOTIFY. A wake carries no data: a woken stream pulls from its checkpoint,
so lost or duplicated wakes are harmless."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterable
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

CHANNEL = "doorstep_sync"
log = logging.getLogger("doorstep.sync")


class Notifier:
    def __init__(self) -> None:
        self._events: dict[str, set[asyncio.Event]] = {}
        self._listener: Any = None

    def wake(self, collections: Iterable[str]) -> None:
        for name in set(collections):
            for event in self._events.get(name, ()):
                event.set()

    @contextlib.asynccontextmanager
    async def subscribe(self, collection: str) -> AsyncIterator[asyncio.Event]:
        event = asyncio.Event()
        self._events.setdefault(collection, set()).add(event)
        try:
            yield event
        finally:
            self._events[collection].discard(event)

    @staticmethod
    async def announce(conn: BaseDBAsyncClient, collections: Iterable[str]) -> None:
        """Inside the writing transaction: PostgreSQL delivers NOTIFY only if it commits."""
        if conn.capabilities.dialect != "postgres":
            return
        for name in sorted(set(collections)):
            await conn.execute_query("SELECT pg_notify($1, $2)", [CHANNEL, name])

    async def listen(self, dsn: str) -> None:
        """Start forwarding other processes' NOTIFYs to local streams (PostgreSQL only)."""
        import asyncpg

        self._listener = await asyncpg.connect(dsn)

        def on_notice(_conn: Any, _pid: int, _channel: str, payload: str) -> None:
            self.wake([payload])

        await self._listener.add_listener(CHANNEL, on_notice)

    async def close(self) -> None:
        if self._listener is not None:
            await self._listener.close()
            self._listener = None
