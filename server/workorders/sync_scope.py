"""When an order changes hands, tell both technicians' devices: the old one drops the order and
everything replicated because of it; the new one fetches it even if its checkpoint is past it."""

from __future__ import annotations

import uuid

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from server.appointments.models import AppointmentChange
from server.assets.models import Asset
from server.workorders.models import WorkOrder
from sync.scope import record_moves

Move = tuple[str, str]


def _per_order_collections() -> list[tuple[str, type[Model]]]:
    """Every replicated collection whose rows hang off one work order (photos, scans, notes…),
    read from the collection list so a new collection is handed over without an edit here."""
    from server.syncing.collections import ADAPTERS  # the list imports this module's callers

    return [
        (a.spec.name, a.model)
        for a in ADAPTERS
        if a.model is not WorkOrder and "work_order" in a.model._meta.fk_fields
    ]


async def _children(order: WorkOrder, conn: BaseDBAsyncClient) -> list[Move]:
    moves: list[Move] = [("workOrders", str(order.id))]
    for collection, model in _per_order_collections():
        ids = await model.filter(work_order_id=order.id).using_db(conn).values_list("id", flat=True)
        moves.extend((collection, str(i)) for i in ids)
    appointment_ids = [doc_id for c, doc_id in moves if c == "appointments"]
    if appointment_ids:
        change_ids = (
            await AppointmentChange.filter(appointment_id__in=appointment_ids)
            .using_db(conn)
            .values_list("id", flat=True)
        )
        moves.extend(("appointmentChanges", str(i)) for i in change_ids)
    return moves


async def _reference(
    order: WorkOrder, conn: BaseDBAsyncClient, *, unless_other_for: uuid.UUID | None
) -> list[Move]:
    """The customer, site and site assets, unless another order of that technician still needs them."""
    site_id, customer_id = order.site_id, order.customer_id  # type: ignore[attr-defined]
    if unless_other_for is not None:
        others = (
            WorkOrder.filter(assigned_to_id=unless_other_for, deleted=False)
            .exclude(id=order.id)
            .using_db(conn)
        )
        keeps_site = await others.filter(site_id=site_id).exists()
        keeps_customer = await others.filter(customer_id=customer_id).exists()
    else:
        keeps_site = keeps_customer = False
    moves: list[Move] = []
    if not keeps_customer:
        moves.append(("customers", str(customer_id)))
    if not keeps_site:
        moves.append(("sites", str(site_id)))
        asset_ids = await Asset.filter(site_id=site_id).using_db(conn).values_list("id", flat=True)
        moves.extend(("assets", str(i)) for i in asset_ids)
    return moves


async def record_reassignment(
    *, conn: BaseDBAsyncClient, order: WorkOrder, previous: uuid.UUID | None, current: uuid.UUID | None
) -> None:
    if previous == current:
        return
    children = await _children(order, conn)
    if previous is not None:
        leaving = children + await _reference(order, conn, unless_other_for=previous)
        await record_moves(conn, principal=str(previous), moves=leaving, entered=False, reason="reassigned")
    if current is not None:
        arriving = children + await _reference(order, conn, unless_other_for=None)
        await record_moves(conn, principal=str(current), moves=arriving, entered=True, reason="assigned")
