"""Scope moves: when a document enters or leaves one principal's scope (a reassigned work order),
the move is stamped with a version so that principal's next pull sees it in order."""

from __future__ import annotations

from collections.abc import Iterable

from tortoise.backends.base.client import BaseDBAsyncClient

from sync.models import SyncScopeChange
from sync.stamp import next_versions


async def record_moves(
    conn: BaseDBAsyncClient,
    *,
    principal: str,
    moves: Iterable[tuple[str, str]],
    entered: bool,
    reason: str = "",
) -> None:
    """`moves` are (collection, doc id) pairs."""
    items = list(dict.fromkeys(moves))
    if not items:
        return
    last = await next_versions(conn, len(items))
    first = last - len(items) + 1
    await SyncScopeChange.bulk_create(
        [
            SyncScopeChange(
                principal_id=principal,
                collection=collection,
                doc_id=doc_id,
                version=first + i,
                entered=entered,
                reason=reason[:64],
            )
            for i, (collection, doc_id) in enumerate(items)
        ],
        using_db=conn,
    )


async def changes_after(
    conn: BaseDBAsyncClient, *, principal: str, collection: str, after: int, limit: int
) -> list[tuple[int, str, bool]]:
    # Every pull asks this, mostly to learn there is nothing: written-out SQL, because building it
    # through the query builder costs more than running it.
    dialect = conn.capabilities.dialect
    if dialect not in _CHANGES_AFTER:
        rows = (
            await SyncScopeChange.filter(principal_id=principal, collection=collection, version__gt=after)
            .using_db(conn)
            .order_by("version")
            .limit(limit)
            .values_list("version", "doc_id", "entered")
        )
    else:
        _, found = await conn.execute_query(_CHANGES_AFTER[dialect], [principal, collection, after, limit])
        rows = [(r[0], r[1], r[2]) for r in found]
    return [(int(v), str(d), bool(e)) for v, d, e in rows]


_TABLE = SyncScopeChange._meta.db_table
_CHANGES_AFTER = {
    dialect: (
        f'SELECT "version", "doc_id", "entered" FROM "{_TABLE}" '  # noqa: S608 (the model's own name)
        f'WHERE "principal_id" = {p[0]} AND "collection" = {p[1]} AND "version" > {p[2]} '
        f'ORDER BY "version" LIMIT {p[3]}'
    )
    for dialect, p in {"sqlite": ("?", "?", "?", "?"), "postgres": ("$1", "$2", "$3", "$4")}.items()
}
