from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from server.core.clock import utcnow
from server.core.errors import ValidationFailed
from server.core.roles import Role
from server.search.service import phone_fragments, search
from tests.factories import actor_of, make_asset, make_customer, make_site, make_user, make_work_order


async def _desk() -> Any:
    return actor_of(await make_user(Role.DISPATCHER))


@pytest.mark.parametrize("typed", ["138 0013 8000", "138-0013-8000", "+86 138 0013 8000", "(138) 0013.8000"])
async def test_phone_typed_any_way(db: Any, typed: str) -> None:
    caller = await make_customer(phone="+8613800138000")
    await make_customer(phone="13900001111")
    found = await search(actor=await _desk(), text=typed)
    assert [c.id for c in found.customers] == [caller.id]


async def test_landline_on_alt_phone_with_and_without_country_code(db: Any) -> None:
    office = await make_customer(phone="13900001111", alt_phone="01065529988")
    desk = await _desk()
    for typed in ("+86 10 6552 9988", "010-6552-9988", "6552 9988"):
        assert [c.id for c in (await search(actor=desk, text=typed)).customers] == [office.id]


async def test_whole_number_ranks_before_partial_matches(db: Any) -> None:
    # Both contain the digits typed, but only one is the caller's whole number.
    partial = await make_customer(name="A", phone="13800138000")
    exact = await make_customer(name="B", phone="02138001380")
    found = await search(actor=await _desk(), text="3800 1380")
    assert [c.id for c in found.customers] == [exact.id, partial.id]


async def test_last_digits(db: Any) -> None:
    caller = await make_customer(phone="13800138000")
    await make_customer(phone="13900001111")
    assert [c.id for c in (await search(actor=await _desk(), text="8000")).customers] == [caller.id]


async def test_chinese_name_fragment(db: Any) -> None:
    wang = await make_customer(name="王芳")
    await make_customer(name="李雷")
    site = await make_site(wang, name="王芳家", address="海淀区回龙观3号楼")
    found = await search(actor=await _desk(), text="芳")
    assert [c.id for c in found.customers] == [wang.id]
    assert [s.id for s in found.sites] == [site.id]
    assert [s.id for s in (await search(actor=await _desk(), text="回龙观")).sites] == [site.id]


async def test_tag_with_look_alike_letters(db: Any) -> None:
    asset = await make_asset(tag_code="AB01C1D0")
    await make_asset(tag_code="AB01C1D1")
    found = await search(actor=await _desk(), text="ab-oic-ldo")
    assert [a.id for a in found.assets] == [asset.id]


async def test_serial_exact_before_prefix(db: Any) -> None:
    longer = await make_asset(serial_no="ZTEF660-1001")
    exact = await make_asset(serial_no="ZTEF660-100")
    system = await make_asset(serial_no="X", system_serial="SYS-77")
    await make_asset(serial_no="HW-1")
    desk = await _desk()
    assert [a.id for a in (await search(actor=desk, text="ztef660-100")).assets] == [exact.id, longer.id]
    assert [a.id for a in (await search(actor=desk, text="sys-77")).assets] == [system.id]
    assert [a.id for a in (await search(actor=desk, text="ZTEF")).assets] == [exact.id, longer.id]


async def test_work_order_number_then_the_customers_orders(db: Any) -> None:
    site = await make_site(await make_customer(name="王芳"))
    now = utcnow()
    older = await make_work_order(site=site, number="WO-2026-0001", received_at=now - timedelta(days=3))
    newer = await make_work_order(site=site, number="WO-2026-0002", received_at=now)
    desk = await _desk()
    assert [o.id for o in (await search(actor=desk, text="wo-2026-0001")).work_orders] == [older.id]
    assert [o.id for o in (await search(actor=desk, text="王芳")).work_orders] == [newer.id, older.id]


async def test_technician_only_finds_what_his_orders_reference(db: Any) -> None:
    tech_user = await make_user(Role.TECHNICIAN)
    tech = actor_of(tech_user)
    mine = await make_site(await make_customer(name="王芳", phone="13800138000"))
    other = await make_site(await make_customer(name="王伟", phone="13800139999"))
    my_asset = await make_asset(mine, serial_no="SN-A1")
    await make_asset(other, serial_no="SN-A2")
    my_order = await make_work_order(site=mine, assigned_to=tech_user)
    await make_work_order(site=other, number="WO-OTHER-1")
    assert [c.id for c in (await search(actor=tech, text="王")).customers] == [mine.customer_id]  # type: ignore[attr-defined]
    assert [c.id for c in (await search(actor=tech, text="1380013")).customers] == [mine.customer_id]  # type: ignore[attr-defined]
    assert [a.id for a in (await search(actor=tech, text="SN-A")).assets] == [my_asset.id]
    assert (await search(actor=tech, text="WO-OTHER-1")).work_orders == []
    assert [o.id for o in (await search(actor=tech, text=my_order.number)).work_orders] == [my_order.id]


async def test_results_are_capped(db: Any) -> None:
    for n in range(5):
        await make_customer(name=f"王{n}")
    assert len((await search(actor=await _desk(), text="王", first=3)).customers) == 3


@pytest.mark.parametrize(("text", "first"), [("   ", 20), ("x" * 101, 20), ("王", 0), ("王", 51)])
async def test_bad_requests(db: Any, text: str, first: int) -> None:
    with pytest.raises(ValidationFailed):
        await search(actor=await _desk(), text=text, first=first)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("138 0013 8000", ["13800138000"]),
        ("+86 138-0013-8000", ["13800138000", "8613800138000"]),
        ("010-6552-9988", ["01065529988", "1065529988"]),
        ("王芳", []),
        ("123", []),
    ],
)
def test_phone_fragments(text: str, expected: list[str]) -> None:
    assert phone_fragments(text) == expected
