"""Commit-ordered version numbers.

`UPDATE ... RETURNING` takes the counter row's lock and holds it until the transaction ends,
so a transaction that stamps version N+1 cannot commit before the one holding N has finished.
A puller that sees version N+1 therefore also sees every version below it. On SQLite writes are
serialised anyway, and the same statement works.
"""

from __future__ import annotations

import weakref

from tortoise.backends.base.client import BaseDBAsyncClient

COUNTER = "global"

# Versions taken ahead by `reserve`, per transaction connection: [next, last]. Weak keys, so a
# block dies with its transaction (a rolled-back block is never handed out).
_blocks: weakref.WeakKeyDictionary[BaseDBAsyncClient, list[int]] = weakref.WeakKeyDictionary()


async def reserve(conn: BaseDBAsyncClient, count: int) -> None:
    """Take up to `count` versions now for the single stamps `conn` makes later, one statement
    instead of one per row in a pushed batch. Versions must be unique and commit-ordered, not
    dense: a version taken here and never used is simply skipped."""
    block = _blocks.get(conn)
    if count < 1 or (block is not None and block[0] <= block[1]):
        return
    last = await _take(conn, count)
    _blocks[conn] = [last - count + 1, last]


async def next_versions(conn: BaseDBAsyncClient, count: int = 1) -> int:
    """Reserve `count` consecutive versions inside the caller's transaction; returns the last one."""
    if count < 1:
        raise ValueError("count must be at least 1")
    block = _blocks.get(conn) if count == 1 else None
    if block is not None and block[0] <= block[1]:
        block[0] += 1
        return block[0] - 1
    return await _take(conn, count)


async def _take(conn: BaseDBAsyncClient, count: int) -> int:
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
