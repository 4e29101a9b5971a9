"""Commit-ordered version numbers.

`UPDATE ... RETURNING` takes the counter row's lock and holds it until the transaction ends,
so a transaction that stamps version N+1 cannot commit before the one holding N has finished.
A puller that sees version N+1 therefore also sees every version below it. On SQLite writes are
serialised anyway, and the same statement works.
"""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

COUNTER = "global"


async def next_versions(conn: BaseDBAsyncClient, count: int = 1) -> int:
    """Reserve `count` consecutive versions inside the caller's transaction; returns the last one."""
    if count < 1:
        raise ValueError("count must be at least 1")
    rows = await conn.execute_query_dict(
        "UPDATE sync_counter SET value = value + $1 WHERE name = $2 RETURNING value"
        if conn.capabilities.dialect == "postgres"
        else "UPDATE sync_counter SET value = value + ? WHERE name = ? RETURNING value",
        [count, COUNTER],
    )
    if not rows:
        raise RuntimeError("sync_counter row missing: run `doorstep migrate`")
    return int(rows[0]["value"])


async def current_version() -> int:
    """The newest committed version: every row at or below it is visible to a new reader."""
    from sync.models import SyncCounter

    row = await SyncCounter.get_or_none(name=COUNTER)
    return int(row.value) if row is not None else 0
