"""Checklist runs: one per work order, answered item by item on the technician's phone.

A run is answered against the template version it was started on, so later template changes
never alter what a finished visit was checked against.
"""

from __future__ import annotations

import uuid
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Subquery
from tortoise.transactions import in_transaction

from server.checklists.models import ChecklistRun
from server.checklists.template_format import answer_is_acceptable, missing_required
from server.checklists.templates import DEFAULT_TEMPLATE_KEY, active_template, template_doc
from server.core import persist
from server.core.actor import Actor, require
from server.core.clock import utcnow
from server.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from server.core.roles import DESK, Role
from server.core.serialize import snapshot
from server.workorders import scope
from server.workorders.models import Status, WorkOrder

# From work done on, the checklist is part of the service record and no longer changes.
LOCKED_STATUSES = frozenset(
    {Status.WORK_DONE, Status.CUSTOMER_SIGNED, Status.CALLED_BACK, Status.CLOSED, Status.CANCELLED}
)
WRITERS = (Role.TECHNICIAN, *DESK)


class ChecklistLocked(DomainError):
    code = "CHECKLIST_LOCKED"
    http_status = 409


async def missing_required_items(
    *, work_order_id: uuid.UUID, conn: BaseDBAsyncClient | None = None
) -> list[str]:
    """Required item keys not acceptably answered for the order, in display order.

    Without a run every required item of the active default template is missing; without an
    active template nothing is required.
    """
    query = ChecklistRun.filter(work_order_id=work_order_id, deleted=False).prefetch_related("template")
    if conn is not None:
        query = query.using_db(conn)
    run = await query.order_by("created_at").first()
    if run is not None:
        return run_missing_required(run)
    template = await active_template(key=DEFAULT_TEMPLATE_KEY, conn=conn)
    if template is None:
        return []
    return missing_required(template_doc(template), {})


def run_missing_required(run: ChecklistRun) -> list[str]:
    """Missing required items of a run whose template is loaded."""
    return missing_required(template_doc(run.template), answer_values(run.answers))


def answer_values(answers: dict[str, Any]) -> dict[str, Any]:
    """Item key -> the bare answered value (answers are stored with who and when)."""
    return {key: entry.get("value") if isinstance(entry, dict) else None for key, entry in answers.items()}


async def get_run(*, actor: Actor, work_order_id: uuid.UUID) -> ChecklistRun | None:
    """The order's run (template loaded), or None when the checklist was not started yet."""
    order = await _visible_order(actor, work_order_id)
    return await _run_of(order.id)


async def ensure_run(
    *,
    actor: Actor,
    work_order_id: uuid.UUID,
    template_key: str = DEFAULT_TEMPLATE_KEY,
    id: uuid.UUID | None = None,
) -> ChecklistRun:
    """The order's run, started on the active version of `template_key` if there is none yet."""
    require(actor, *WRITERS)
    async with in_transaction() as conn:
        order = await _visible_order(actor, work_order_id, conn=conn, lock=True)
        if id is not None:
            await _check_id_free(id, order.id, conn)
        existing = await _run_of(order.id, conn=conn)
        if existing is not None:
            if existing.template.key != template_key:
                raise Conflict(
                    f"This work order's checklist was started on {existing.template.key!r}.",
                    template_key=existing.template.key,
                )
            return existing
        _refuse_if_locked(order)
        template = await active_template(key=template_key, conn=conn)
        if template is None:
            raise NotFound(f"No active checklist template {template_key!r}.")
        run = ChecklistRun(
            id=id or uuid.uuid4(),
            work_order_id=order.id,
            template=template,
            answers={},
            technician_id=order.assigned_to_id,  # type: ignore[attr-defined]
        )
        await persist.save(run, actor=actor, action="start", conn=conn)
    return run


async def answer_item(*, actor: Actor, run_id: uuid.UUID, item_key: str, value: Any) -> ChecklistRun:
    """Record the answer to one item; `value` None clears it (a mistaken tap can be undone)."""
    require(actor, *WRITERS)
    async with in_transaction() as conn:
        run = await _visible_run(actor, run_id, conn=conn)
        order = await WorkOrder.filter(id=run.work_order_id).using_db(conn).get()  # type: ignore[attr-defined]
        _refuse_if_locked(order)
        doc = template_doc(run.template)
        try:
            item = doc.item(item_key)
        except KeyError:
            raise ValidationFailed(
                f"The checklist has no item {item_key!r}.", field="itemKey", item_key=item_key
            ) from None
        if value is not None and not answer_is_acceptable(item, value):
            raise ValidationFailed(_expected(item.evidence), field="value", item_key=item_key)
        before = snapshot(run)
        answers = dict(run.answers)
        if value is None:
            answers.pop(item_key, None)
        else:
            answers[item_key] = {"value": value, "at": utcnow().isoformat(), "by": str(actor.user_id)}
        run.answers = answers
        complete = not missing_required(doc, answer_values(answers))
        if complete and run.completed_at is None:
            run.completed_at = utcnow()
        elif not complete:
            run.completed_at = None
        await persist.save(run, actor=actor, before=before, action="answer", conn=conn)
    return run


def _expected(evidence: str) -> str:
    return {
        "check": "This item is answered by ticking it (true).",
        "customer_confirm": "This item needs the customer's confirmation (true).",
        "text": "This item needs a non-empty text.",
        "photo": "This item needs a list of one or more photo ids.",
    }.get(evidence, "This answer does not fit the item.")


def is_locked(order: WorkOrder) -> bool:
    # An order put on hold keeps the lock of the status it was held in.
    status = order.status_before_hold if order.status is Status.ON_HOLD else order.status
    return status in LOCKED_STATUSES


def _refuse_if_locked(order: WorkOrder) -> None:
    if is_locked(order):
        raise ChecklistLocked("The checklist cannot change once the work is done.", status=order.status.value)


async def _visible_order(
    actor: Actor, work_order_id: uuid.UUID, *, conn: BaseDBAsyncClient | None = None, lock: bool = False
) -> WorkOrder:
    query = scope.work_orders_for(actor).filter(id=work_order_id)
    if conn is not None:
        query = query.using_db(conn)
    if lock:
        # Two devices starting the checklist at once must not create two runs (PostgreSQL).
        query = query.select_for_update()
    order = await query.first()
    if order is None:
        raise NotFound("No such work order.")
    return order


async def _run_of(work_order_id: uuid.UUID, *, conn: BaseDBAsyncClient | None = None) -> ChecklistRun | None:
    query = ChecklistRun.filter(work_order_id=work_order_id, deleted=False)
    if conn is not None:
        query = query.using_db(conn)
    return await query.order_by("created_at").prefetch_related("template").first()


async def _visible_run(actor: Actor, run_id: uuid.UUID, *, conn: BaseDBAsyncClient) -> ChecklistRun:
    orders = Subquery(scope.work_orders_for(actor).values("id"))
    run = (
        await ChecklistRun.filter(id=run_id, deleted=False, work_order_id__in=orders)
        .using_db(conn)
        .select_for_update()
        .prefetch_related("template")
        .first()
    )
    if run is None:
        raise NotFound("No such checklist run.")
    return run


async def _check_id_free(id: uuid.UUID, work_order_id: uuid.UUID, conn: BaseDBAsyncClient) -> None:
    # A retried start reuses its id; the same id on another order is a different record.
    other = await ChecklistRun.filter(id=id).using_db(conn).first()
    if other is not None and other.work_order_id != work_order_id:  # type: ignore[attr-defined]
        raise Conflict("This checklist run id is already used for another work order.")
