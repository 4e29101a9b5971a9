"""Writing a row: version stamp, save and audit entry in one transaction."""

from __future__ import annotations

from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model
from tortoise.transactions import in_transaction

from server.audit.service import record_change
from server.core.actor import Actor
from server.core.models import SyncedRecord
from server.core.serialize import snapshot
from server.syncing import touch
from sync.stamp import next_versions


async def save(
    obj: Model,
    *,
    actor: Actor | None,
    before: dict[str, Any] | None = None,
    action: str | None = None,
    conn: BaseDBAsyncClient | None = None,
) -> None:
    """Insert or update `obj`; `before` is the snapshot taken when it was loaded (None for new rows)."""
    if conn is None:
        async with in_transaction() as tx:
            await _save(obj, actor=actor, before=before, action=action, conn=tx)
    else:
        await _save(obj, actor=actor, before=before, action=action, conn=conn)


async def _save(
    obj: Model,
    *,
    actor: Actor | None,
    before: dict[str, Any] | None,
    action: str | None,
    conn: BaseDBAsyncClient,
) -> None:
    is_new = before is None
    if isinstance(obj, SyncedRecord):
        # The counter row stays locked until commit, so versions follow commit order (sync/stamp.py).
        obj.version = await next_versions(conn)
        touch.mark(obj)
    await obj.save(using_db=conn, force_create=is_new)
    await record_change(
        conn=conn,
        actor=actor,
        entity=obj._meta.db_table,
        entity_id=str(obj.pk),
        action=action or ("create" if is_new else "update"),
        before=before,
        after=snapshot(obj),
    )
