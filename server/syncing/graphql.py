"""`pull<Collection>`, `push<Collection>` and `stream<Collection>` for every registered collection,
in the shape RxDB's GraphQL replication expects (documents travel as JSON: see docs/sync-protocol.md)."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from datetime import datetime
from typing import Any

import strawberry

from server.core.errors import ValidationFailed
from server.core.roles import STAFF
from server.graphql.context import Info
from server.graphql.pagination import Connection, paginate
from server.graphql.scalars import JSON
from server.syncing.collections import ADAPTERS
from sync.errors import BadCheckpoint
from sync.models import SyncConflict


@strawberry.type
class PullBatch:
    documents: list[JSON]
    checkpoint: JSON
    # Stream only: true means "pull from your checkpoint now" (RxDB's 'RESYNC').
    resync: bool = False


@strawberry.input
class PushRow:
    new_document_state: JSON
    assumed_master_state: JSON | None = None
    mutation_id: str | None = None


@strawberry.type(name="SyncConflict")
class SyncConflictType:
    id: strawberry.ID
    at: datetime
    collection: str
    doc_id: str
    field: str
    base: JSON | None
    lost: JSON | None
    won: JSON | None
    winner: str
    principal_id: str
    mutation_id: str

    @classmethod
    def from_model(cls, row: SyncConflict) -> SyncConflictType:
        return cls(
            id=strawberry.ID(str(row.id)),
            at=row.at,
            collection=row.collection,
            doc_id=row.doc_id,
            field=row.field,
            base=row.values.get("base"),
            lost=row.values.get("lost"),
            won=row.values.get("won"),
            winner=row.winner,
            principal_id=row.principal_id,
            mutation_id=row.mutation_id,
        )


def _cap(name: str) -> str:
    return name[0].upper() + name[1:]


def _pull(collection: str) -> Callable[..., Any]:
    async def resolve(info: Info, limit: int, checkpoint: JSON | None = None) -> PullBatch:
        actor = info.context.require()
        try:
            result = await info.context.sync.pull(
                collection=collection, principal=actor, checkpoint=checkpoint, limit=limit
            )
        except BadCheckpoint as exc:
            raise ValidationFailed(str(exc), code="BAD_CHECKPOINT") from exc
        return PullBatch(documents=result.documents, checkpoint=result.checkpoint)

    return resolve


def _push(collection: str) -> Callable[..., Any]:
    async def resolve(info: Info, rows: list[PushRow]) -> list[JSON]:
        actor = info.context.require()
        plain = [
            {
                "newDocumentState": r.new_document_state,
                "assumedMasterState": r.assumed_master_state,
                "mutationId": r.mutation_id,
            }
            for r in rows
        ]
        try:
            return await info.context.sync.push(collection=collection, principal=actor, rows=plain)
        except ValueError as exc:
            raise ValidationFailed(str(exc), code="BAD_PUSH") from exc

    return resolve


def _stream(collection: str) -> Callable[..., Any]:
    async def resolve(info: Info, checkpoint: JSON | None = None) -> AsyncGenerator[PullBatch, None]:
        actor = info.context.require()
        async for batch in info.context.sync.stream(
            collection=collection, principal=actor, checkpoint=checkpoint
        ):
            if batch is None:
                yield PullBatch(documents=[], checkpoint=checkpoint or {"version": 0}, resync=True)
            else:
                yield PullBatch(documents=batch.documents, checkpoint=batch.checkpoint)

    return resolve


def _build(
    kind: str,
    make: Callable[[str], Callable[..., Any]],
    decorate: Callable[..., Any],
    *,
    writable_only: bool = False,
) -> type:
    attrs = {
        f"{kind}_{a.spec.name}": decorate(resolver=make(a.spec.name), name=f"{kind}{_cap(a.spec.name)}")
        for a in ADAPTERS
        if not (writable_only and a.spec.read_only)
    }
    return strawberry.type(type(f"Sync{_cap(kind)}", (), attrs))


async def _conflicts(
    info: Info,
    first: int | None = 50,
    after: str | None = None,
    collection: str | None = None,
    doc_id: str | None = None,
) -> Connection[SyncConflictType]:
    info.context.require(*STAFF)
    query = SyncConflict.all()
    if collection:
        query = query.filter(collection=collection)
    if doc_id:
        query = query.filter(doc_id=doc_id)
    return await paginate(
        query, first=first, after=after, to_node=SyncConflictType.from_model, order_field="id"
    )


_PullQuery = _build("pull", _pull, strawberry.field)
Query = strawberry.type(
    type(
        "SyncQuery",
        (_PullQuery,),
        {"sync_conflicts": strawberry.field(resolver=_conflicts, name="syncConflicts")},
    )
)
Mutation = _build("push", _push, strawberry.mutation, writable_only=True)
Subscription = _build("stream", _stream, strawberry.subscription)
