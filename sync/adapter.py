"""What a domain gives the engine for one collection. The engine never sees a model class."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from tortoise.backends.base.client import BaseDBAsyncClient

from sync.registry import CollectionSpec

Document = dict[str, Any]


class Principal(Protocol):
    """The caller; `principal_key` identifies him in idempotency and scope records."""

    @property
    def principal_key(self) -> str: ...


@dataclass(frozen=True)
class Loaded:
    visible: Mapping[str, Document]  # masters the principal may see, by id (tombstones included)
    hidden: frozenset[str]  # ids that exist but are outside the principal's scope


@dataclass(frozen=True)
class EncodedRows:
    """A pull page already encoded: a JSON array of the documents, in version order."""

    json: bytes
    count: int
    last_version: int | None


class EncodedPull(Protocol):
    """Optional: an adapter that can hand over a pull page as JSON text, sparing the server the
    documents' dicts. None means "not for this page": the engine then calls `pull`."""

    async def pull_encoded(
        self, *, principal: Principal, after_version: int, limit: int, conn: BaseDBAsyncClient
    ) -> EncodedRows | None: ...


class CollectionAdapter(Protocol):
    spec: CollectionSpec

    async def pull(
        self, *, principal: Principal, after_version: int, limit: int, conn: BaseDBAsyncClient
    ) -> Sequence[Document]:
        """Documents in scope with version > after_version, ascending by version, at most `limit`."""
        ...

    async def load(self, *, principal: Principal, ids: Sequence[str], conn: BaseDBAsyncClient) -> Loaded: ...

    async def write(
        self, *, principal: Principal, document: Document, master: Document | None, conn: BaseDBAsyncClient
    ) -> Document:
        """Check the domain's rules (raise `Rejected`), store the merged document, return the new master."""
        ...
