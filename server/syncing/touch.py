"""Which replicated collections a request changed, so their streams can be woken once it is done.

`persist.save` marks the collection of every row it writes (a set lookup, no query); the
`WakeStreams` extension wakes those streams after the GraphQL operation, when its transactions
have committed, and on PostgreSQL tells the other processes too."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextvars import ContextVar
from functools import cache

from strawberry.extensions import SchemaExtension
from tortoise.connection import get_connection
from tortoise.models import Model

from sync.notify import CHANNEL

_touched: ContextVar[set[str] | None] = ContextVar("doorstep_touched", default=None)


@cache
def _collections_by_model() -> dict[type[Model], tuple[str, ...]]:
    from server.syncing.collections import ADAPTERS  # the list imports the modules that call us

    found: dict[type[Model], list[str]] = {}
    for adapter in ADAPTERS:
        found.setdefault(adapter.model, []).append(adapter.spec.name)
    return {model: tuple(names) for model, names in found.items()}


def mark(obj: Model) -> None:
    touched = _touched.get()
    if touched is not None:
        touched.update(_collections_by_model().get(type(obj), ()))


class WakeStreams(SchemaExtension):
    async def on_operation(self) -> AsyncIterator[None]:
        touched: set[str] = set()
        token = _touched.set(touched)
        try:
            yield
        finally:
            _touched.reset(token)
        if not touched:
            return
        self.execution_context.context.sync.notifier.wake(touched)
        conn = get_connection("default")
        if conn.capabilities.dialect == "postgres":
            for name in sorted(touched):
                await conn.execute_query("SELECT pg_notify($1, $2)", [CHANNEL, name])
