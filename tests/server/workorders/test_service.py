from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import pytest

from server.audit.models import AuditEntry
from server.core.clock import utcnow
from server.core.roles import Role
from server.workorders import service
from server.workorders.models import SourceChannel, Status, WorkOrder
from tests.factories import actor_of, make_asset, make_customer, make_site, make_user
from tests.server.workorders._support import code_of, freeze, order_in, people, sh


async def _create(desk: Any, site: Any, **kw: Any) -> WorkOrder:
    return await service.create_work_order(
        actor=desk, customer_id=site.customer_id, site_id=site.id, symptom="No signal on the TV", **kw
    )


# --- create ------------------------------------------------------------------------------------


async def test_create_records_the_request(db: Any) -> None:
    _, _, desk = await people()
    customer = await make_customer(sla_tier="vip")
    site = await make_site(customer)
    asset = await make_asset(site)
    freeze(sh(2026, 3, 9, 8, 30))
    order = await _create(
        desk, site, fault_level=1, source_channel=SourceChannel.WEB, asset_ids=[asset.id], scheduled_date=None
    )
    stored = await WorkOrder.get(id=order.id).prefetch_related("assets")
    assert stored.number == "WO-20260309-0001"
    assert (stored.status, stored.sla_tier, stored.fault_level) == (Status.RECEIVED, "vip", 1)
    assert stored.received_at == sh(2026, 3, 9, 8, 30)
    assert stored.received_by_id == desk.user_id  # type: ignore[attr-defined]
    assert [a.id for a in stored.assets] == [asset.id]
    assert stored.version > 0
    assert await AuditEntry.filter(entity="work_order", entity_id=str(order.id), action="create").exists()


async def test_numbers_count_per_day_in_the_default_time_zone(db: Any) -> None:
    _, _, desk = await people()
    site = await make_site()
    freeze(sh(2026, 3, 9, 23, 50))
    first = await _create(desk, site)
    second = await _create(desk, site)
    freeze(sh(2026, 3, 10, 0, 10))  # 16:10 UTC the day before: the Shanghai date counts
    third = await _create(desk, site)
    assert [first.number, second.number, third.number] == [
        "WO-20260309-0001",
        "WO-20260309-0002",
        "WO-20260310-0001",
    ]


async def test_create_only_by_the_desk(db: Any) -> None:
    _, me, _ = await people()
    supervisor = actor_of(await make_user(Role.SUPERVISOR))
    site = await make_site()
    assert await code_of(_create(me, site)) == "FORBIDDEN"
    assert await code_of(_create(supervisor, site)) == "FORBIDDEN"


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"fault_level": 4}, "VALIDATION_FAILED"),
        ({"fault_level": 0}, "VALIDATION_FAILED"),
        ({"sla_tier": "platinum"}, "VALIDATION_FAILED"),
        ({"received_at": sh(2030, 1, 1)}, "VALIDATION_FAILED"),
    ],
)
async def test_create_checks_fields(db: Any, kw: dict[str, Any], code: str) -> None:
    _, _, desk = await people()
    assert await code_of(_create(desk, await make_site(), **kw)) == code


async def test_create_needs_a_symptom(db: Any) -> None:
    _, _, desk = await people()
    site = await make_site()
    code = await code_of(
        service.create_work_order(actor=desk, customer_id=site.customer_id, site_id=site.id, symptom="  ")  # type: ignore[attr-defined]
    )
    assert code == "VALIDATION_FAILED"


async def test_site_must_belong_to_the_customer_and_assets_to_the_site(db: Any) -> None:
    _, _, desk = await people()
    site, other_site = await make_site(), await make_site()
    code = await code_of(
        service.create_work_order(
            actor=desk,
            customer_id=other_site.customer_id,  # type: ignore[attr-defined]
            site_id=site.id,
            symptom="Slow internet",
        )
    )
    assert code == "SITE_MISMATCH"
    elsewhere = await make_asset(other_site)
    assert await code_of(_create(desk, site, asset_ids=[elsewhere.id])) == "ASSET_MISMATCH"
    assert await code_of(_create(desk, site, asset_ids=[uuid.uuid4()])) == "NOT_FOUND"


async def test_create_with_client_id_is_idempotent(db: Any) -> None:
    _, _, desk = await people()
    site = await make_site()
    client_id = uuid.uuid4()
    received = utcnow() - timedelta(minutes=3)
    first = await _create(desk, site, id=client_id, received_at=received, fault_level=2)
    again = await _create(desk, site, id=client_id, received_at=received, fault_level=2)
    assert again.id == first.id == client_id
    assert again.number == first.number
    assert await WorkOrder.filter(id=client_id).count() == 1
    assert await code_of(_create(desk, site, id=client_id, received_at=received, fault_level=1)) == "CONFLICT"


async def test_numbers_stay_unique_under_concurrent_creates(db: Any) -> None:
    import asyncio

    _, _, desk = await people()
    site = await make_site()
    orders = await asyncio.gather(*(_create(desk, site) for _ in range(10)))
    numbers = [o.number for o in orders]
    assert len(set(numbers)) == 10
    prefix = numbers[0][:-4]
    assert sorted(numbers) == [f"{prefix}{n:04d}" for n in range(1, 11)]


# --- assign ------------------------------------------------------------------------------------


async def test_assign_dispatches_to_an_active_technician(db: Any) -> None:
    tech, _, desk = await people()
    order = await order_in(Status.RECEIVED, technician=None)
    day = date(2026, 3, 10)
    moved = await service.assign_work_order(
        actor=desk, work_order_id=order.id, technician_id=tech.id, scheduled_date=day
    )
    assert (moved.status, moved.assigned_to_id, moved.scheduled_date) == (  # type: ignore[attr-defined]
        Status.DISPATCHED,
        tech.id,
        day,
    )
    assert moved.dispatched_at is not None
    assert moved.redispatched_at is None


async def test_assign_refuses_inactive_or_non_technicians(db: Any) -> None:
    _, _, desk = await people()
    order = await order_in(Status.RECEIVED, technician=None)
    retired = await make_user(active=False)
    dispatcher = await make_user(Role.DISPATCHER)
    assert (
        await code_of(service.assign_work_order(actor=desk, work_order_id=order.id, technician_id=retired.id))
        == "TECHNICIAN_INACTIVE"
    )
    assert (
        await code_of(
            service.assign_work_order(actor=desk, work_order_id=order.id, technician_id=dispatcher.id)
        )
        == "NOT_FOUND"
    )


async def test_assign_is_desk_only_and_not_after_the_visit(db: Any) -> None:
    tech, me, desk = await people()
    order = await order_in(Status.DISPATCHED, technician=tech)
    assert (
        await code_of(service.assign_work_order(actor=me, work_order_id=order.id, technician_id=tech.id))
        == "FORBIDDEN"
    )
    done = await order_in(Status.WORK_DONE, technician=tech)
    assert (
        await code_of(service.assign_work_order(actor=desk, work_order_id=done.id, technician_id=tech.id))
        == "INVALID_TRANSITION"
    )


async def test_reassigning_a_held_order_ends_the_hold(db: Any) -> None:
    tech, _, desk = await people()
    order = await order_in(Status.ON_HOLD, technician=tech)
    other = await make_user()
    moved = await service.assign_work_order(actor=desk, work_order_id=order.id, technician_id=other.id)
    assert (moved.status, moved.assigned_to_id) == (Status.DISPATCHED, other.id)  # type: ignore[attr-defined]
    assert all(p["end"] is not None for p in moved.pauses)


# --- update ------------------------------------------------------------------------------------


async def test_technician_records_field_work(db: Any) -> None:
    tech, me, _ = await people()
    order = await order_in(Status.ON_SITE, technician=tech)
    parts = [{"name": "ONU power supply", "part_no": "PS-12V", "quantity": 1}]
    updated = await service.update_work_order(
        actor=me,
        work_order_id=order.id,
        progress_note="Replaced the power supply",
        parts_used=parts,
        resolution="Service restored",
        cause_category="hardware",
    )
    stored = await WorkOrder.get(id=updated.id)
    assert stored.parts_used == parts
    assert (stored.progress_note, stored.resolution, stored.cause_category) == (
        "Replaced the power supply",
        "Service restored",
        "hardware",
    )
    assert stored.version > order.version


@pytest.mark.parametrize(
    "parts",
    [
        [{"name": "", "part_no": "X", "quantity": 1}],
        [{"name": "Cable", "part_no": "X", "quantity": 0}],
        [{"name": "Cable", "part_no": "X", "quantity": True}],
        [{"name": "Cable", "part_no": 7, "quantity": 1}],
        [{"name": "Cable", "quantity": 1, "price": 3}],
        ["Cable"],
    ],
)
async def test_parts_used_are_validated(db: Any, parts: list[Any]) -> None:
    tech, me, _ = await people()
    order = await order_in(Status.ON_SITE, technician=tech)
    assert await code_of(service.update_work_order(actor=me, work_order_id=order.id, parts_used=parts)) == (
        "VALIDATION_FAILED"
    )


async def test_request_details_are_desk_only(db: Any) -> None:
    tech, me, desk = await people()
    order = await order_in(Status.ON_SITE, technician=tech)
    assert await code_of(service.update_work_order(actor=me, work_order_id=order.id, fault_level=1)) == (
        "FORBIDDEN"
    )
    updated = await service.update_work_order(
        actor=desk, work_order_id=order.id, fault_level=1, sla_tier="advanced", symptom="TV and internet down"
    )
    assert (updated.fault_level, updated.sla_tier, updated.symptom) == (1, "advanced", "TV and internet down")


async def test_update_replaces_assets_at_the_site(db: Any) -> None:
    tech, _, desk = await people()
    order = await order_in(Status.DISPATCHED, technician=tech)
    site = await order.site
    first, second = await make_asset(site), await make_asset(site)
    await service.update_work_order(actor=desk, work_order_id=order.id, asset_ids=[first.id, second.id])
    await service.update_work_order(actor=desk, work_order_id=order.id, asset_ids=[second.id])
    stored = await WorkOrder.get(id=order.id).prefetch_related("assets")
    assert [a.id for a in stored.assets] == [second.id]
    elsewhere = await make_asset()
    assert (
        await code_of(service.update_work_order(actor=desk, work_order_id=order.id, asset_ids=[elsewhere.id]))
        == "ASSET_MISMATCH"
    )


async def test_update_refuses_unknown_fields_and_finished_orders(db: Any) -> None:
    tech, _, desk = await people()
    order = await order_in(Status.DISPATCHED, technician=tech)
    assert await code_of(service.update_work_order(actor=desk, work_order_id=order.id, status="closed")) == (
        "VALIDATION_FAILED"
    )
    closed = await order_in(Status.CLOSED, technician=tech)
    assert await code_of(service.update_work_order(actor=desk, work_order_id=closed.id, resolution="x")) == (
        "WORK_ORDER_CLOSED"
    )


async def test_other_technician_cannot_update(db: Any) -> None:
    tech, _, _ = await people()
    stranger = actor_of(await make_user())
    order = await order_in(Status.ON_SITE, technician=tech)
    assert await code_of(
        service.update_work_order(actor=stranger, work_order_id=order.id, resolution="x")
    ) == ("NOT_FOUND")


async def test_transition_writes_an_audit_entry(db: Any) -> None:
    tech, me, _ = await people()
    order = await order_in(Status.DISPATCHED, technician=tech)
    await service.transition(actor=me, work_order_id=order.id, target=Status.ACCEPTED)
    entry = await AuditEntry.get(entity_id=str(order.id), action="to_accepted")
    assert entry.actor_id == tech.id
    assert entry.after is not None
    assert entry.after["status"] == "accepted"
