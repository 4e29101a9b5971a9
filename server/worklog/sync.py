"""Notes and time entries replicate both ways; a technician writes only on his own work orders."""

from __future__ import annotations

import weakref
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient
from tortoise.expressions import Subquery
from tortoise.models import Model
from tortoise.queryset import QuerySet

from server.core import persist
from server.core.actor import Actor
from server.core.errors import NotFound, ValidationFailed
from server.core.serialize import snapshot
from server.syncing.adapter import ModelAdapter
from server.syncing.fields import choice, ref, text, when
from server.worklog.models import TimeEntry, WorkNote
from server.workorders import scope
from sync.registry import Owner

TIME_KINDS = {"travel", "work", "waiting"}


def _on_my_orders(model: type[Model]) -> Any:
    def query(actor: Actor, *, include_deleted: bool = False) -> QuerySet[Any]:
        orders = scope.work_orders_for(actor).values("id")
        base = model.all() if include_deleted else model.filter(deleted=False)
        return base.filter(work_order_id__in=Subquery(orders))

    return query


# Orders already found in the actor's scope, per transaction (weak keys: a set dies with its
# transaction or savepoint). A pushed batch writes many rows on a few orders: each order's scope
# query is built and run once per batch instead of once per row.
_in_scope: weakref.WeakKeyDictionary[BaseDBAsyncClient, set[tuple[Any, Any]]] = weakref.WeakKeyDictionary()


async def _check_order(actor: Actor, work_order_id: Any, conn: BaseDBAsyncClient) -> None:
    # Outside a transaction nothing is remembered: the connection outlives any one request.
    checked = _in_scope.setdefault(conn, set()) if isinstance(conn, TransactionalDBClient) else set()
    key = (actor.user_id, work_order_id)
    if key in checked:
        return
    if not await scope.work_orders_for(actor).using_db(conn).filter(id=work_order_id).exists():
        raise NotFound("That work order is not assigned to you.", code="NOT_IN_SCOPE")
    checked.add(key)


async def _save(
    actor: Actor, model: type[Model], values: dict[str, Any], row: Model | None, conn: BaseDBAsyncClient
) -> Model:
    if row is not None and values.get("work_order_id") != row.work_order_id:  # type: ignore[attr-defined]
        raise ValidationFailed("A record cannot move to another work order.", code="IMMUTABLE_FIELD")
    await _check_order(actor, values["work_order_id"], conn)
    before = snapshot(row) if row is not None else None
    target = row or model(id=values["id"])
    for key, value in values.items():
        if key != "id":
            setattr(target, key, value)
    await persist.save(target, actor=actor, before=before, conn=conn)
    return target


async def write_note(
    actor: Actor, values: dict[str, Any], row: Any, changed: set[str], conn: BaseDBAsyncClient
) -> Model:
    if not str(values.get("body") or "").strip():
        raise ValidationFailed("A note needs some text.")
    if row is None:
        values["author_id"] = actor.user_id
    elif row.author_id != actor.user_id and actor.is_technician:
        raise ValidationFailed("Only the author may change a note.", code="FORBIDDEN")
    return await _save(actor, WorkNote, values, row, conn)


async def write_time_entry(
    actor: Actor, values: dict[str, Any], row: Any, changed: set[str], conn: BaseDBAsyncClient
) -> Model:
    if values.get("kind") not in TIME_KINDS:
        raise ValidationFailed(f"kind must be one of {', '.join(sorted(TIME_KINDS))}.")
    started, ended = values.get("started_at"), values.get("ended_at")
    if started is None:
        raise ValidationFailed("startedAt is required.")
    if ended is not None and ended < started:
        raise ValidationFailed("endedAt cannot be before startedAt.")
    if row is None:
        values["technician_id"] = actor.user_id
    return await _save(actor, TimeEntry, values, row, conn)


NOTES = ModelAdapter.build(
    name="workNotes",
    model=WorkNote,
    fields={
        "workOrderId": ref("work_order_id", Owner.IMMUTABLE),
        "authorId": ref("author_id", Owner.SERVER),
        "body": text("body", Owner.TECHNICIAN),
        "writtenAt": when("written_at", Owner.TECHNICIAN),
    },
    scope=_on_my_orders(WorkNote),
    write=write_note,
    holds_writes=True,  # `_save` reads only the work order, which no push of these changes
)

TIME_ENTRIES = ModelAdapter.build(
    name="timeEntries",
    model=TimeEntry,
    fields={
        "workOrderId": ref("work_order_id", Owner.IMMUTABLE),
        "technicianId": ref("technician_id", Owner.SERVER),
        "kind": choice("kind", Owner.TECHNICIAN),
        "startedAt": when("started_at", Owner.TECHNICIAN),
        "endedAt": when("ended_at", Owner.TECHNICIAN),
        "note": text("note", Owner.TECHNICIAN),
    },
    scope=_on_my_orders(TimeEntry),
    write=write_time_entry,
    holds_writes=True,
)
