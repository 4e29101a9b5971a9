"""`pull<Collection>`, `push<Collection>` and `stream<Collection>` for every registered collection,
in the shape RxDB's GraphQL replication expects (documents travel as JSON: see docs/sync-protocol.md)."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Mapping
from datetime import datetime
from typing import Any, cast

import orjson
import strawberry
from strawberry.types.arguments import InputContext
from strawberry.types.base import get_object_definition

from server.core.errors import ValidationFailed
from server.core.roles import STAFF
from server.graphql.context import Info
from server.graphql.pagination import Connection, paginate
from server.graphql.scalars import JSON
from server.syncing.collections import ADAPTERS
from sync.engine import PullResult
from sync.errors import BadCheckpoint
from sync.models import SyncConflict


@strawberry.type
class PullBatch:
    # A JSON array of documents. One scalar rather than a list of them: the page goes out as the
    # text the engine already holds (an `orjson.Fragment`), not walked value by value by GraphQL.
    documents: JSON
    checkpoint: JSON
    # Stream only: true means "pull from your checkpoint now" (RxDB's 'RESYNC').
    resync: bool = False

    @classmethod
    def of(cls, result: PullResult) -> PullBatch:
        return cls(documents=orjson.Fragment(result.encoded), checkpoint=result.checkpoint)


@strawberry.input
class PushRow:
    new_document_state: JSON
    assumed_master_state: JSON | None = None
    mutation_id: str | None = None


def _plain_row(cls: type, value: Mapping[str, Any], context: InputContext) -> dict[str, Any]:
    # A push row is handed to the engine as the plain mapping it arrived as. Building PushRow
    # objects field by field costs more than answering a replayed 100-row batch: its three
    # values are JSON and a string, which need no conversion.
    return {key: value.get(key) for key in ("newDocumentState", "assumedMasterState", "mutationId")}


get_object_definition(PushRow, strict=True).from_input = _plain_row


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
        return PullBatch.of(result)

    return resolve


def _push(collection: str) -> Callable[..., Any]:
    async def resolve(info: Info, rows: list[PushRow]) -> list[JSON]:
        actor = info.context.require()
        plain = cast(list[dict[str, Any]], rows)  # built by `_plain_row`
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
                yield PullBatch.of(batch)

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
