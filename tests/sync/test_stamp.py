"""Versions taken ahead for a pushed batch: handed out once, and never after their transaction."""

from __future__ import annotations

from typing import Any

import pytest
from tortoise.transactions import in_transaction

from sync.stamp import current_version, next_versions, reserve


class _Abort(Exception):
    pass


async def test_a_reserved_block_is_used_before_the_counter_moves_again(db: Any) -> None:
    start = await current_version()
    async with in_transaction() as conn:
        await reserve(conn, 3)
        await reserve(conn, 3)  # a block with versions left is kept, not replaced
        singles = [await next_versions(conn) for _ in range(4)]
        pair = await next_versions(conn, 2)  # several at once always come from the counter
    assert singles == [start + 1, start + 2, start + 3, start + 4]
    assert pair == start + 6
    assert await current_version() == start + 6


async def _reserve_then_fail(start: int) -> None:
    async with in_transaction() as conn:
        await reserve(conn, 5)
        assert await next_versions(conn) == start + 1
        raise _Abort


async def test_a_rolled_back_block_is_never_handed_out(db: Any) -> None:
    start = await current_version()
    with pytest.raises(_Abort):
        await _reserve_then_fail(start)
    async with in_transaction() as conn:
        assert await next_versions(conn) == start + 1  # the counter was rolled back with it
    assert await current_version() == start + 1
