"""Exactly-once pushes: each row's mutation id is remembered with the answer it got."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from sync.canonical import sha256_hex
from sync.models import SyncMutation

MAX_ID_LENGTH = 80


def mutation_id(*, principal: str, collection: str, row: Mapping[str, Any]) -> str:
    """`<caller>:<client id>`, or `<caller>:h:<hash of the row>` when the client sent none, so a
    stock client that resends the very same row after a lost response is still recognised. Keyed
    by the caller: one user's id can never fetch another user's stored answer."""
    given = row.get("mutationId")
    if isinstance(given, str) and given.strip():
        return f"{principal}:{given.strip()}"[:MAX_ID_LENGTH]
    body = {"c": collection, "a": row.get("assumedMasterState"), "n": row.get("newDocumentState")}
    return f"{principal}:h:{sha256_hex(body)[:40]}"


async def seen(conn: BaseDBAsyncClient, ids: Sequence[str]) -> dict[str, SyncMutation]:
    if not ids:
        return {}
    rows = await SyncMutation.filter(mutation_id__in=list(ids)).using_db(conn)
    return {row.mutation_id: row for row in rows}


def record(
    *,
    principal: str,
    collection: str,
    doc_id: str,
    mid: str,
    outcome: str,
    response: dict[str, Any] | None,
    attempted: dict[str, Any] | None = None,
    doc_version: int | None = None,
) -> SyncMutation:
    return SyncMutation(
        mutation_id=mid,
        principal_id=principal,
        collection=collection,
        doc_id=doc_id,
        outcome=outcome,
        response=response,
        attempted=attempted,
        doc_version=doc_version,
    )
