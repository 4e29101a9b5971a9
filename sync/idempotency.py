"""Exactly-once pushes: each row's mutation id is remembered with the answer it got."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from sync.bulk import insert_rows, placeholders
from sync.canonical import sha256_hex
from sync.clock import utcnow
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


@dataclass(frozen=True)
class Answered:
    """What a mutation id was answered the first time."""

    outcome: str
    response: dict[str, Any] | None
    doc_version: int | None


async def seen(conn: BaseDBAsyncClient, ids: Sequence[str]) -> dict[str, Answered]:
    # Written-out SQL and only the columns a replay needs: a replayed batch is mostly this lookup.
    unique = list(dict.fromkeys(ids))
    if not unique:
        return {}
    table = SyncMutation._meta.db_table
    sql = (
        f'SELECT "mutation_id", "outcome", "response", "doc_version" FROM "{table}" '  # noqa: S608 (names from the model)
        f'WHERE "mutation_id" IN ({placeholders(conn, len(unique))})'
    )
    _, rows = await conn.execute_query(sql, unique)
    decode = SyncMutation._meta.fields_map["response"].to_python_value
    return {
        row["mutation_id"]: Answered(
            outcome=row["outcome"],
            response=decode(row["response"]),
            doc_version=None if row["doc_version"] is None else int(row["doc_version"]),
        )
        for row in rows
    }


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
) -> dict[str, Any]:
    """The stored answer to one pushed row, as column values for `store`."""
    return {
        "mutation_id": mid,
        "principal_id": principal,
        "collection": collection,
        "doc_id": doc_id,
        "outcome": outcome,
        "response": response,
        "attempted": attempted,
        "doc_version": doc_version,
        "created_at": utcnow(),
    }


async def store(conn: BaseDBAsyncClient, records: Sequence[dict[str, Any]]) -> None:
    await insert_rows(conn, SyncMutation, records)
