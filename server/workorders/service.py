"""Work orders: recording, dispatching, editing and reading. Status moves live in actions.py and
are re-exported here, so callers use one module."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from server.assets.models import Asset
from server.auth.models import User
from server.core import persist
from server.core.actor import Actor, require
from server.core.clock import utcnow
from server.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from server.core.roles import DESK, Role
from server.core.serialize import snapshot
from server.customers.models import Customer, Site
from server.problems.detection import flag_repeat_fault
from server.workorders import scope
from server.workorders.actions import (
    acknowledge_escalation,
    apply_transition,
    cancel_work_order,
    hold_work_order,
    load_for_update,
    raise_escalation,
    report_late,
    resume_work_order,
    transaction,
    transition,
)
from server.workorders.lifecycle import TERMINAL, label
from server.workorders.models import SourceChannel, Status, WorkOrder
from server.workorders.numbering import local_day, next_number
from server.workorders.sla_state import load_sla_context
from server.workorders.sync_scope import record_reassignment
from server.workorders.validation import (
    check_cause_category,
    check_fault_level,
    check_parts_used,
    check_symptom,
    check_text,
)

__all__ = [
    "acknowledge_escalation",
    "assign_work_order",
    "cancel_work_order",
    "create_work_order",
    "get_work_order",
    "hold_work_order",
    "list_work_orders",
    "raise_escalation",
    "report_late",
    "resume_work_order",
    "transition",
    "update_work_order",
]

NUMBER_ATTEMPTS = 25  # concurrent creates on one day each retry once per collision
CLOCK_SKEW = timedelta(minutes=5)
DESK_FIELDS = frozenset({"symptom", "fault_level", "sla_tier", "asset_ids"})
FIELD_WORK_FIELDS = frozenset({"progress_note", "parts_used", "resolution", "cause_category"})


# Reads ------------------------------------------------------------------------------------------


async def get_work_order(*, actor: Actor, work_order_id: uuid.UUID) -> WorkOrder:
    require(actor)
    order = await scope.work_orders_for(actor).filter(id=work_order_id).first()
    if order is None:
        raise NotFound("No such work order.")
    return order


def list_work_orders(
    *,
    actor: Actor,
    status: Status | None = None,
    technician_id: uuid.UUID | None = None,
    customer_id: uuid.UUID | None = None,
    scheduled_date: date | None = None,
) -> QuerySet[WorkOrder]:
    """The orders `actor` may see, filtered; a technician only ever gets his own."""
    require(actor)
    query = scope.work_orders_for(actor)
    if status is not None:
        query = query.filter(status=status)
    if technician_id is not None:
        query = query.filter(assigned_to_id=technician_id)
    if customer_id is not None:
        query = query.filter(customer_id=customer_id)
    if scheduled_date is not None:
        query = query.filter(scheduled_date=scheduled_date)
    return query


# Recording --------------------------------------------------------------------------------------


async def create_work_order(
    *,
    actor: Actor,
    customer_id: uuid.UUID,
    site_id: uuid.UUID,
    symptom: str,
    fault_level: int = 3,
    sla_tier: str | None = None,
    source_channel: SourceChannel = SourceChannel.PHONE,
    asset_ids: Sequence[uuid.UUID] = (),
    received_at: datetime | None = None,
    scheduled_date: date | None = None,
    id: uuid.UUID | None = None,
) -> WorkOrder:
    """Record a request. Re-sending the same create (same `id`, same content) returns the stored order."""
    require(actor, *DESK)
    customer = await Customer.filter(id=customer_id, deleted=False).first()
    if customer is None:
        raise NotFound("No such customer.")
    site = await _site_of(customer, site_id)
    assets = await _assets_at(site, asset_ids)
    wanted: dict[str, Any] = {
        "customer_id": customer.id,
        "site_id": site.id,
        "symptom": check_symptom(symptom),
        "fault_level": check_fault_level(fault_level),
        "sla_tier": await _check_tier(sla_tier if sla_tier is not None else customer.sla_tier),
        "source_channel": SourceChannel(source_channel),
        "scheduled_date": scheduled_date,
    }
    if received_at is not None:
        wanted["received_at"] = _check_received_at(received_at)
    asset_set = {a.id for a in assets}
    if id is not None and (existing := await WorkOrder.filter(id=id).first()) is not None:
        return await _same_or_conflict(existing, wanted, asset_set)
    received = wanted.get("received_at") or utcnow()
    for _ in range(NUMBER_ATTEMPTS):
        try:
            fields = {**wanted, "received_at": received}
            return await _insert(actor, id=id or uuid.uuid4(), fields=fields, assets=assets)
        except IntegrityError:
            # Either another desk took the number (retry with a fresh read) or a concurrent retry
            # of this very create stored the id first (answer as for any repeat).
            if id is not None and (existing := await WorkOrder.filter(id=id).first()) is not None:
                return await _same_or_conflict(existing, wanted, asset_set)
    raise Conflict("Could not allocate a work order number; try again.", code="NUMBER_BUSY")


async def _insert(actor: Actor, *, id: uuid.UUID, fields: dict[str, Any], assets: list[Asset]) -> WorkOrder:
    async with in_transaction() as conn:
        number = await next_number(day=local_day(fields["received_at"]), conn=conn)
        order = WorkOrder(id=id, number=number, received_by_id=actor.user_id, **fields)
        await persist.save(order, actor=actor, conn=conn)
        if assets:
            await order.assets.add(*assets, using_db=conn)
        await flag_repeat_fault(order, conn=conn)
    return order


async def _same_or_conflict(
    existing: WorkOrder, wanted: Mapping[str, Any], assets: set[uuid.UUID]
) -> WorkOrder:
    stored_assets = set(await existing.assets.all().values_list("id", flat=True))
    same = assets == stored_assets and all(
        _same_value(getattr(existing, key), value) for key, value in wanted.items()
    )
    if not same:
        raise Conflict("A different work order already uses this id.", number=existing.number)
    return existing


def _same_value(stored: object, wanted: object) -> bool:
    if isinstance(stored, datetime) and isinstance(wanted, datetime):
        # The database may keep fewer sub-second digits than the client sent.
        return abs(stored - wanted) < timedelta(milliseconds=1)
    return stored == wanted


async def _site_of(customer: Customer, site_id: uuid.UUID) -> Site:
    site = await Site.filter(id=site_id, deleted=False).first()
    if site is None:
        raise NotFound("No such site.")
    if site.customer_id != customer.id:  # type: ignore[attr-defined]
        raise ValidationFailed("This site belongs to another customer.", field="siteId", code="SITE_MISMATCH")
    return site


async def _assets_at(site: Site, asset_ids: Iterable[uuid.UUID]) -> list[Asset]:
    wanted = set(asset_ids)
    if not wanted:
        return []
    assets = await Asset.filter(id__in=wanted, deleted=False)
    if len(assets) != len(wanted):
        raise NotFound("No such asset.", field="assetIds")
    if any(a.site_id != site.id for a in assets):  # type: ignore[attr-defined]
        raise ValidationFailed(
            "Every asset must be at the work order's site.", field="assetIds", code="ASSET_MISMATCH"
        )
    return assets


async def _check_tier(code: str) -> str:
    value = code.strip()
    context = await load_sla_context()
    if not context.knows_tier(value):
        known = ", ".join(sorted(context.tiers))
        raise ValidationFailed(f"Unknown SLA tier {value!r} (known: {known}).", field="slaTier")
    return value


def _check_received_at(value: datetime) -> datetime:
    if value.utcoffset() is None:
        raise ValidationFailed("receivedAt needs a time zone.", field="receivedAt")
    if value > utcnow() + CLOCK_SKEW:
        raise ValidationFailed("receivedAt is in the future.", field="receivedAt")
    return value


# Dispatching ------------------------------------------------------------------------------------


async def assign_work_order(
    *,
    actor: Actor,
    work_order_id: uuid.UUID,
    technician_id: uuid.UUID,
    scheduled_date: date | None = None,
    conn: BaseDBAsyncClient | None = None,
) -> WorkOrder:
    """Dispatch to a technician, or reassign: the order goes (back) to dispatched."""
    require(actor, *DESK)
    technician = await User.filter(id=technician_id, role=Role.TECHNICIAN).first()
    if technician is None:
        raise NotFound("No such technician.", field="technicianId")
    if not technician.active:
        raise ValidationFailed(
            f"{technician.display_name} is not an active technician.",
            field="technicianId",
            code="TECHNICIAN_INACTIVE",
        )
    async with transaction(conn) as tx:
        order = await load_for_update(actor, work_order_id, conn=tx)
        before = snapshot(order)
        previous = order.assigned_to_id  # type: ignore[attr-defined]
        order.assigned_to = technician
        if scheduled_date is not None:
            order.scheduled_date = scheduled_date
        await apply_transition(
            order, actor=actor, target=Status.DISPATCHED, conn=tx, reassign=True, before=before
        )
        await record_reassignment(conn=tx, order=order, previous=previous, current=technician.id)
    return order


# Editing ----------------------------------------------------------------------------------------


async def update_work_order(
    *, actor: Actor, work_order_id: uuid.UUID, conn: BaseDBAsyncClient | None = None, **changes: Any
) -> WorkOrder:
    """Change details: the desk edits the request, the assigned technician (or desk) the field work."""
    require(actor, Role.TECHNICIAN, *DESK)
    unknown = set(changes) - DESK_FIELDS - FIELD_WORK_FIELDS
    if unknown:
        raise ValidationFailed(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")
    async with transaction(conn) as tx:
        order = await load_for_update(actor, work_order_id, conn=tx)
        if actor.role not in DESK and changes.keys() & DESK_FIELDS:
            raise Forbidden("Only the service desk may change the request details.")
        if order.status in TERMINAL:
            raise Conflict(
                f"A work order that is {label(order.status)} can no longer be changed.",
                code="WORK_ORDER_CLOSED",
            )
        before = snapshot(order)
        await _apply_changes(order, changes, conn=tx)
        await persist.save(order, actor=actor, before=before, conn=tx)
    return order


async def _apply_changes(order: WorkOrder, changes: Mapping[str, Any], *, conn: BaseDBAsyncClient) -> None:
    for key, value in changes.items():
        if key == "symptom":
            order.symptom = check_symptom(value)
        elif key == "fault_level":
            order.fault_level = check_fault_level(value)
        elif key == "sla_tier":
            order.sla_tier = await _check_tier(value)
        elif key == "asset_ids":
            site = await Site.filter(id=order.site_id).using_db(conn).get()  # type: ignore[attr-defined]
            assets = await _assets_at(site, value)
            await order.assets.clear(using_db=conn)
            if assets:
                await order.assets.add(*assets, using_db=conn)
        elif key == "parts_used":
            order.parts_used = check_parts_used(value)
        elif key == "cause_category":
            order.cause_category = check_cause_category(value)
        else:  # progress_note, resolution
            setattr(order, key, check_text(value, field=key))
