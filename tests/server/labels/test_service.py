from __future__ import annotations

import uuid
from typing import Any

import pytest

from server.core.errors import Forbidden, NotFound, ValidationFailed
from server.core.roles import Role
from server.labels import service
from server.labels.service import Selection
from tests.factories import actor_of, make_asset, make_customer, make_site, make_user, make_work_order

BASE = "https://ops.example.cn"


async def test_technician_gets_labels_only_at_his_sites(db: Any) -> None:
    tech_user = await make_user()
    tech = actor_of(tech_user)
    mine, other = await make_site(name="国贸三期"), await make_site()
    await make_work_order(site=mine, assigned_to=tech_user)
    here, there = await make_asset(mine, name="机顶盒"), await make_asset(other)
    label = await service.asset_label(actor=tech, asset_id=here.id, base_url=BASE)
    assert (label.url, label.tag_code, label.asset_name, label.site_name) == (
        f"{BASE}/a/{here.tag_code}",
        here.tag_code,
        "机顶盒",
        "国贸三期",
    )
    with pytest.raises(NotFound):
        await service.asset_label(actor=tech, asset_id=there.id, base_url=BASE)


async def test_sheets_are_for_staff(db: Any) -> None:
    tech_user = await make_user()
    site = await make_site()
    await make_work_order(site=site, assigned_to=tech_user)
    await make_asset(site)
    with pytest.raises(Forbidden):
        await service.sheet_labels(
            actor=actor_of(tech_user), selection=Selection(site_id=site.id), base_url=BASE
        )
    for role in (Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN):
        staff = actor_of(await make_user(role))
        assert (
            len(await service.sheet_labels(actor=staff, selection=Selection(site_id=site.id), base_url=BASE))
            == 1
        )


async def test_site_and_customer_sheets_follow_site_then_name(db: Any) -> None:
    desk = actor_of(await make_user(Role.DISPATCHER))
    customer = await make_customer()
    b_site, a_site = await make_site(customer, name="B 分部"), await make_site(customer, name="A 总部")
    await make_asset(b_site, name="路由器")
    await make_asset(a_site, name="交换机")
    await make_asset(a_site, name="光猫")
    await make_asset(await make_site(), name="elsewhere")
    deleted = await make_asset(a_site, name="已报废", deleted=True)
    by_customer = await service.sheet_labels(
        actor=desk, selection=Selection(customer_id=customer.id), base_url=BASE
    )
    assert [(lab.site_name, lab.asset_name) for lab in by_customer] == [
        ("A 总部", "交换机"),
        ("A 总部", "光猫"),
        ("B 分部", "路由器"),
    ]
    by_site = await service.sheet_labels(actor=desk, selection=Selection(site_id=a_site.id), base_url=BASE)
    assert [lab.asset_name for lab in by_site] == ["交换机", "光猫"]
    assert deleted.tag_code not in {lab.tag_code for lab in by_site}


async def test_a_list_keeps_its_order_and_every_id_must_exist(db: Any) -> None:
    desk = actor_of(await make_user(Role.DISPATCHER))
    first, second = await make_asset(name="Z"), await make_asset(name="A")
    picked = await service.sheet_labels(
        actor=desk, selection=Selection(asset_ids=(first.id, second.id, first.id)), base_url=BASE
    )
    assert [lab.asset_name for lab in picked] == ["Z", "A"]
    with pytest.raises(NotFound):
        await service.sheet_labels(
            actor=desk, selection=Selection(asset_ids=(first.id, uuid.uuid4())), base_url=BASE
        )


async def test_unknown_site_or_customer_and_empty_selections(db: Any) -> None:
    desk = actor_of(await make_user(Role.DISPATCHER))
    with pytest.raises(NotFound):
        await service.sheet_labels(actor=desk, selection=Selection(site_id=uuid.uuid4()), base_url=BASE)
    with pytest.raises(NotFound):
        await service.sheet_labels(actor=desk, selection=Selection(customer_id=uuid.uuid4()), base_url=BASE)
    empty = await make_site()
    with pytest.raises(ValidationFailed) as caught:
        await service.sheet_labels(actor=desk, selection=Selection(site_id=empty.id), base_url=BASE)
    assert caught.value.code == "NOTHING_TO_PRINT"


def test_a_selection_names_exactly_one_thing() -> None:
    with pytest.raises(ValidationFailed):
        Selection()
    with pytest.raises(ValidationFailed):
        Selection(site_id=uuid.uuid4(), customer_id=uuid.uuid4())


async def test_too_many_labels_is_refused(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "MAX_SHEET_LABELS", 2)
    desk = actor_of(await make_user(Role.DISPATCHER))
    site = await make_site()
    for _ in range(3):
        await make_asset(site)
    with pytest.raises(ValidationFailed) as caught:
        await service.sheet_labels(actor=desk, selection=Selection(site_id=site.id), base_url=BASE)
    assert caught.value.code == "TOO_MANY_LABELS"
