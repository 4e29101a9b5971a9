from __future__ import annotations

import uuid
from typing import Any

import pytest

from server.assets.models import Asset
from server.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from server.core.roles import Role
from server.customers import service
from server.customers.models import Customer, Site
from server.workorders.models import Status
from tests.factories import (
    actor_of,
    make_asset,
    make_customer,
    make_site,
    make_sla_policy,
    make_user,
    make_work_order,
)


async def _desk() -> Any:
    return actor_of(await make_user(Role.DISPATCHER))


async def test_create_normalizes_phone_and_language(db: Any) -> None:
    desk = await _desk()
    customer = await service.create_customer(
        actor=desk, name="  王芳 ", phone="138-0013 8000", alt_phone="(010) 6552 9988", language="zh"
    )
    stored = await Customer.get(id=customer.id)
    assert (stored.name, stored.phone, stored.alt_phone, stored.language) == (
        "王芳",
        "13800138000",
        "01065529988",
        "zh-CN",
    )
    assert stored.version > 0


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"phone": "12"}, "phone"),
        ({"alt_phone": "abc"}, "alt_phone"),
        ({"language": "fr"}, "language"),
        ({"name": "   "}, "name"),
        ({"kind": "shop"}, "kind"),
        ({"email": "not-an-address"}, "email"),
        ({"sla_tier": "platinum"}, "sla_tier"),
    ],
)
async def test_create_rejects_bad_fields(db: Any, fields: dict[str, Any], field: str) -> None:
    values: dict[str, Any] = {"name": "Li Lei", "phone": "13800138000", **fields}
    with pytest.raises(ValidationFailed) as caught:
        await service.create_customer(actor=await _desk(), **values)
    assert caught.value.code == "VALIDATION_FAILED"
    assert caught.value.details["field"] == field


async def test_sla_tier_follows_the_policy_table_once_it_has_rows(db: Any) -> None:
    desk = await _desk()
    # With no policy configured the built-in tiers are accepted.
    assert (
        await service.create_customer(actor=desk, name="A", phone="13800000001", sla_tier="vip")
    ).sla_tier == "vip"
    await make_sla_policy(code="gold")
    await make_sla_policy(code="old", active=False)
    assert (
        await service.create_customer(actor=desk, name="B", phone="13800000002", sla_tier="gold")
    ).sla_tier == "gold"
    for code in ("vip", "old"):
        with pytest.raises(ValidationFailed):
            await service.create_customer(actor=desk, name="C", phone="13800000003", sla_tier=code)


async def test_create_with_client_id_is_idempotent(db: Any) -> None:
    desk = await _desk()
    record_id = uuid.uuid4()
    first = await service.create_customer(
        actor=desk, name="Li Lei", phone="13800138000", customer_id=record_id
    )
    again = await service.create_customer(
        actor=desk, name="Li Lei", phone="138 0013 8000", customer_id=record_id
    )
    assert again.id == first.id == record_id
    assert again.version == first.version
    with pytest.raises(Conflict) as caught:
        await service.create_customer(
            actor=desk, name="Han Meimei", phone="13800138000", customer_id=record_id
        )
    assert caught.value.code == "CONFLICT"
    assert await Customer.all().count() == 1


async def test_technician_cannot_write(db: Any) -> None:
    tech = actor_of(await make_user(Role.TECHNICIAN))
    customer = await make_customer()
    with pytest.raises(Forbidden):
        await service.create_customer(actor=tech, name="X", phone="13800138000")
    with pytest.raises(Forbidden):
        await service.update_customer(actor=tech, customer_id=customer.id, changes={"name": "Y"})
    with pytest.raises(Forbidden):
        await service.create_site(actor=tech, customer_id=customer.id, name="Home", address="1 Road")


async def test_supervisor_reads_but_does_not_write(db: Any) -> None:
    supervisor = actor_of(await make_user(Role.SUPERVISOR))
    customer = await make_customer()
    assert (await service.get_customer(actor=supervisor, customer_id=customer.id)).id == customer.id
    with pytest.raises(Forbidden):
        await service.delete_customer(actor=supervisor, customer_id=customer.id)


async def test_update_changes_only_given_fields(db: Any) -> None:
    desk = await _desk()
    customer = await make_customer(name="Li Lei", email="li@example.com")
    updated = await service.update_customer(
        actor=desk, customer_id=customer.id, changes={"phone": "139 0000 1111"}
    )
    stored = await Customer.get(id=customer.id)
    assert (stored.phone, stored.name, stored.email) == ("13900001111", "Li Lei", "li@example.com")
    assert updated.version > customer.version
    with pytest.raises(ValidationFailed):
        await service.update_customer(actor=desk, customer_id=customer.id, changes={"version": 1})
    with pytest.raises(ValidationFailed):
        await service.update_customer(actor=desk, customer_id=customer.id, changes={"name": None})


async def test_update_keeps_a_retired_tier_unless_it_is_changed(db: Any) -> None:
    desk = await _desk()
    await make_sla_policy(code="legacy", active=False)
    await make_sla_policy(code="gold")
    customer = await make_customer(sla_tier="legacy")
    await service.update_customer(actor=desk, customer_id=customer.id, changes={"notes": "gate code 1234"})
    assert (await Customer.get(id=customer.id)).sla_tier == "legacy"
    await service.update_customer(actor=desk, customer_id=customer.id, changes={"sla_tier": "gold"})
    assert (await Customer.get(id=customer.id)).sla_tier == "gold"


async def test_delete_is_soft_and_cascades_to_sites_and_assets(db: Any) -> None:
    desk = await _desk()
    site = await make_site()
    asset = await make_asset(site)
    customer_id = site.customer_id  # type: ignore[attr-defined]
    await make_work_order(site=site, status=Status.CLOSED)
    deleted = await service.delete_customer(actor=desk, customer_id=customer_id)
    assert deleted.deleted
    assert (await Customer.get(id=customer_id)).deleted
    assert (await Site.get(id=site.id)).deleted
    assert (await Asset.get(id=asset.id)).deleted
    with pytest.raises(NotFound):
        await service.get_customer(actor=desk, customer_id=customer_id)
    assert await service.list_sites(actor=desk, customer_id=customer_id).count() == 0


async def test_delete_refused_while_a_work_order_is_open(db: Any) -> None:
    desk = await _desk()
    site = await make_site()
    await make_work_order(site=site, status=Status.ON_HOLD)
    customer_id = site.customer_id  # type: ignore[attr-defined]
    with pytest.raises(Conflict) as caught:
        await service.delete_customer(actor=desk, customer_id=customer_id)
    assert caught.value.code == "IN_USE"
    with pytest.raises(Conflict) as caught:
        await service.delete_site(actor=desk, site_id=site.id)
    assert caught.value.code == "IN_USE"
    assert not (await Customer.get(id=customer_id)).deleted


async def test_site_fields_are_checked(db: Any) -> None:
    desk = await _desk()
    customer = await make_customer()
    site = await service.create_site(
        actor=desk,
        customer_id=customer.id,
        name="Home",
        address="3-2-101 Huilongguan",
        latitude=40.08,
        longitude=116.33,
        timezone="Asia/Shanghai",
        access_notes="Register at the security desk; lift to floor 3",
        contact_phone="139 1111 2222",
    )
    assert (site.contact_phone, site.customer_id) == ("13911112222", customer.id)  # type: ignore[attr-defined]
    bad: list[tuple[dict[str, Any], str]] = [
        ({"latitude": 91.0, "longitude": 0.0}, "latitude"),
        ({"latitude": 10.0, "longitude": -181.0}, "longitude"),
        ({"latitude": 10.0}, "latitude"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"address": ""}, "address"),
    ]
    for fields, field in bad:
        values: dict[str, Any] = {"name": "Office", "address": "1 Road", **fields}
        with pytest.raises(ValidationFailed) as caught:
            await service.create_site(actor=desk, customer_id=customer.id, **values)
        assert caught.value.details["field"] == field


async def test_site_update_can_clear_coordinates(db: Any) -> None:
    desk = await _desk()
    site = await make_site(latitude=31.2, longitude=121.5)
    await service.update_site(
        actor=desk,
        site_id=site.id,
        changes={"latitude": None, "longitude": None, "parking_notes": "Visitor lot B"},
    )
    stored = await Site.get(id=site.id)
    assert (stored.latitude, stored.longitude, stored.parking_notes) == (None, None, "Visitor lot B")


async def test_site_needs_a_live_customer(db: Any) -> None:
    desk = await _desk()
    customer = await make_customer(deleted=True)
    with pytest.raises(NotFound):
        await service.create_site(actor=desk, customer_id=customer.id, name="Home", address="1 Road")


async def test_technician_reads_only_through_his_work_orders(db: Any) -> None:
    tech_user = await make_user(Role.TECHNICIAN)
    tech = actor_of(tech_user)
    mine, other = await make_site(), await make_site()
    await make_work_order(site=mine, assigned_to=tech_user)
    assert (await service.get_site(actor=tech, site_id=mine.id)).id == mine.id
    with pytest.raises(NotFound):
        await service.get_site(actor=tech, site_id=other.id)
    with pytest.raises(NotFound):
        await service.get_customer(actor=tech, customer_id=other.customer_id)  # type: ignore[attr-defined]
    assert [c.id for c in await service.list_customers(actor=tech)] == [mine.customer_id]  # type: ignore[attr-defined]


async def test_list_filters_by_name_or_phone(db: Any) -> None:
    desk = await _desk()
    wang = await make_customer(name="王芳", phone="13800138000")
    await make_customer(name="Li Lei", phone="13900001111")
    assert [c.id for c in await service.list_customers(actor=desk, text="芳")] == [wang.id]
    assert [c.id for c in await service.list_customers(actor=desk, text="138-0013")] == [wang.id]
