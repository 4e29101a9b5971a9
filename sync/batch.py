"""Optional for an adapter, to make pushes cheaper: the writes of a pushed batch as one unit, and
the documents' current versions for answering replays."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Protocol, runtime_checkable

from tortoise.backends.base.client import BaseDBAsyncClient

from sync.adapter import Principal


@runtime_checkable
class BatchWrites(Protocol):
    def writing(
        self, *, principal: Principal, ids: Sequence[str], conn: BaseDBAsyncClient
    ) -> AbstractAsyncContextManager[None]:
        """Wraps every `write` of one pushed batch, all made on `conn` (the batch's savepoint);
        `ids` are the documents of the batch that exist. Inside, the adapter may read those rows
        in one statement and hold its statements back until the block ends, where they run
        together. A block left by an exception writes nothing it held: the engine then rolls the
        savepoint back."""
        ...


@runtime_checkable
class DocumentVersions(Protocol):
    async def versions(self, *, ids: Sequence[str], conn: BaseDBAsyncClient) -> Mapping[str, int]:
        """The current version of each of `ids` that exists, in the caller's scope or not, by id."""
        ...
