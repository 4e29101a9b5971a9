"""Writing a row: version stamp, save and audit entry in one transaction."""

from __future__ import annotations

import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Expression
from tortoise.fields import Field
from tortoise.models import Model
from tortoise.signals import Signals
from tortoise.transactions import in_transaction

from server.audit.models import AuditEntry
from server.audit.service import record_change
from server.core.actor import Actor
from server.core.clock import utcnow
from server.core.models import SyncedRecord
from server.core.serialize import diff, snapshot
from server.syncing import touch
from sync.bulk import insert_rows
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
    held = _held.get(conn)
    if held is not None:
        if held.add(obj, conn, is_new=is_new, actor=actor, before=before, action=action):
            return
        await held.flush(conn)  # whatever is written now must come after what was held
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


@asynccontextmanager
async def held_back(conn: BaseDBAsyncClient) -> AsyncIterator[None]:
    """Inside the block, `save(..., conn=conn)` stamps the row and takes its values and audit entry
    at once, but holds the statements back: they run when the block ends, one `executemany` per
    statement shape, instead of two statements per row. For a pushed batch, whose per-statement
    cost (a thread hand-off on SQLite, a round trip on PostgreSQL) outweighed the work.

    Only for callers that read nothing back through the database that they saved in the block: a
    held row is not in the database yet. Rows of models with save signals, database defaults or
    generated columns are saved at once, after what was held. If the block raises, nothing held is
    written (the caller's transaction or savepoint is rolled back anyway)."""
    if conn in _held:
        yield
        return
    held = _Held()
    _held[conn] = held
    try:
        yield
        await held.flush(conn)
    finally:
        del _held[conn]


@dataclass
class _Held:
    # statement -> parameter rows, in the order the saves came; dicts keep insertion order
    statements: dict[str, list[list[Any]]] = field(default_factory=dict)
    audit: list[dict[str, Any]] = field(default_factory=list)

    def add(
        self,
        obj: Model,
        conn: BaseDBAsyncClient,
        *,
        is_new: bool,
        actor: Actor | None,
        before: dict[str, Any] | None,
        action: str | None,
    ) -> bool:
        """Takes what `obj.save()` and `record_change` would write; False when `obj` must be saved now."""
        plan = _plan(type(obj), conn)
        if (
            plan is None
            or obj._await_when_save  # async defaults: `save` would await them first
            or any(obj._listeners.get(s, {}).get(type(obj)) for s in (Signals.pre_save, Signals.post_save))
        ):
            return False
        # As `obj.save(force_create=is_new)` decides: a row not loaded from the database is inserted.
        sql, fields = plan.insert if is_new or not obj._saved_in_db else plan.update
        values = [getattr(obj, name) for name, _ in fields]
        if any(isinstance(v, Expression) for v in values):
            return False
        # `to_db_value` also sets auto_now / auto_now_add values on `obj`, as `save` does.
        values = [f.to_db_value(v, obj) for (_, f), v in zip(fields, values, strict=True)]
        self.statements.setdefault(sql, []).append(values)
        obj._saved_in_db = True
        entry = _audit_entry(
            obj, actor=actor, before=before, action=action or ("create" if is_new else "update")
        )
        if entry is not None:
            self.audit.append(entry)
        return True

    async def flush(self, conn: BaseDBAsyncClient) -> None:
        statements, audit = self.statements, self.audit
        self.statements, self.audit = {}, []
        for sql, rows in statements.items():
            await conn.execute_many(sql, rows)
        await insert_rows(conn, AuditEntry, audit)


@dataclass(frozen=True)
class _Plan:
    """A model's two statements, each with the fields whose values it takes, in order."""

    insert: tuple[str, tuple[tuple[str, Field[Any]], ...]]
    update: tuple[str, tuple[tuple[str, Field[Any]], ...]]


def _plan(model: type[Model], conn: BaseDBAsyncClient) -> _Plan | None:
    """The statements `save` would run for `model` on `conn`'s database (Tortoise's own, from its
    executor), or None when a row of it cannot be held: the database fills in some of its values."""
    key = (model, conn.executor_class, conn.connection_name)
    if key not in _plans:
        meta = model._meta
        if meta.generated_db_fields or meta.db_default_db_columns:
            _plans[key] = None
        else:
            executor = conn.executor_class(model=model, db=conn)
            fields_map = meta.fields_map
            changing = [f for f in meta.fields_db_projection if not fields_map[f].pk]
            _plans[key] = _Plan(
                insert=(executor.insert_query, tuple((f, fields_map[f]) for f in executor.regular_columns)),
                # The primary key comes last: the statement's WHERE.
                update=(
                    executor.get_update_sql(changing, None),
                    tuple((f, fields_map[f]) for f in (*changing, meta.pk_attr)),
                ),
            )
    return _plans[key]


_plans: dict[tuple[type[Model], type[Any], str], _Plan | None] = {}


def _audit_entry(
    obj: Model, *, actor: Actor | None, before: dict[str, Any] | None, action: str
) -> dict[str, Any] | None:
    """The row `record_change` inserts for this save (server/audit/service.py), None when it would skip it."""
    after: dict[str, Any] | None = snapshot(obj)
    if action == "update":
        before, after = diff(before, after)
        if not before and not after:
            return None
    return {
        "at": utcnow(),
        "actor_id": actor.user_id if actor else None,
        "device_id": actor.device_id if actor else None,
        "entity": obj._meta.db_table,
        "entity_id": str(obj.pk),
        "action": action,
        "before": before,
        "after": after,
    }


# What `held_back` holds, per transaction connection (weak keys: it dies with the connection).
_held: weakref.WeakKeyDictionary[BaseDBAsyncClient, _Held] = weakref.WeakKeyDictionary()
