from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest

from server.assets import service
from server.assets.models import Asset, SealState
from server.assets.rules import ALPHABET, TAG_LENGTH
from server.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from server.core.roles import Role
from tests.factories import actor_of, make_asset, make_site, make_user, make_work_order


async def _desk() -> Any:
    return actor_of(await make_user(Role.DISPATCHER))


async def _new(desk: Any, site: Any, **kw: Any) -> Asset:
    return await service.create_asset(
        actor=desk, customer_id=site.customer_id, site_id=site.id, name=kw.pop("name", "ONU"), **kw
    )


async def test_create_draws_a_tag_code(db: Any) -> None:
    desk = await _desk()
    site = await make_site()
    asset = await _new(
        desk,
        site,
        serial_no="ZTE123456",
        warranty_end=date(2027, 6, 30),
        ip_address="192.168.1.1",
        contact_phone="400-820 8820",
    )
    stored = await Asset.get(id=asset.id)
    assert len(stored.tag_code) == TAG_LENGTH
    assert set(stored.tag_code) <= set(ALPHABET)
    assert (stored.warranty_end, stored.contact_phone, stored.seal_state) == (
        date(2027, 6, 30),
        "4008208820",
        SealState.NONE,
    )


async def test_given_tag_is_normalized_and_unique(db: Any) -> None:
    desk = await _desk()
    site = await make_site()
    asset = await _new(desk, site, tag_code="ab-cd o1l9")
    assert asset.tag_code == "ABCD0119"
    with pytest.raises(Conflict) as caught:
        await _new(desk, site, tag_code="ABCD-0119")
    assert caught.value.code == "TAG_TAKEN"
    with pytest.raises(ValidationFailed):
        await _new(desk, site, tag_code="UUU")  # U is not in the tag alphabet


async def test_a_drawn_tag_that_collides_is_drawn_again(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    desk = await _desk()
    site = await make_site()
    await make_asset(site, tag_code="TAKEN00000")
    draws = iter(["TAKEN00000", "FRESH00000"])
    monkeypatch.setattr(service, "new_tag_code", lambda: next(draws))
    assert (await _new(desk, site)).tag_code == "FRESH00000"


async def test_deleted_assets_keep_their_tag(db: Any) -> None:
    desk = await _desk()
    site = await make_site()
    old = await _new(desk, site, tag_code="OLDTAG01")
    await service.delete_asset(actor=desk, asset_id=old.id)
    with pytest.raises(Conflict):
        await _new(desk, site, tag_code="0LDTAG01")


async def test_site_must_belong_to_the_customer(db: Any) -> None:
    desk = await _desk()
    site, elsewhere = await make_site(), await make_site()
    with pytest.raises(ValidationFailed) as caught:
        await service.create_asset(
            actor=desk,
            customer_id=elsewhere.customer_id,  # type: ignore[attr-defined]
            site_id=site.id,
            name="Router",
        )
    assert caught.value.details["field"] == "site_id"
    asset = await make_asset(site)
    with pytest.raises(ValidationFailed):
        await service.update_asset(actor=desk, asset_id=asset.id, changes={"site_id": elsewhere.id})


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"ip_address": "300.1.1.1"}, "ip_address"),
        ({"name": " "}, "name"),
        ({"contact_phone": "call me"}, "contact_phone"),
        ({"seal_state": "cracked"}, "seal_state"),
    ],
)
async def test_bad_fields(db: Any, fields: dict[str, Any], field: str) -> None:
    desk = await _desk()
    site = await make_site()
    with pytest.raises(ValidationFailed) as caught:
        await _new(desk, site, **fields)
    assert caught.value.details["field"] == field


async def test_create_with_client_id_is_idempotent(db: Any) -> None:
    desk = await _desk()
    site = await make_site()
    record_id = uuid.uuid4()
    first = await _new(desk, site, asset_id=record_id, serial_no="SN1")
    again = await _new(desk, site, asset_id=record_id, serial_no="SN1")
    assert (again.id, again.tag_code) == (first.id, first.tag_code)
    with pytest.raises(Conflict):
        await _new(desk, site, asset_id=record_id, serial_no="SN2")
    assert await Asset.all().count() == 1


async def test_update_moves_within_the_customer(db: Any) -> None:
    desk = await _desk()
    site = await make_site()
    second = await make_site(site.customer)
    asset = await make_asset(site)
    updated = await service.update_asset(
        actor=desk, asset_id=asset.id, changes={"site_id": second.id, "warranty_end": None, "shared": True}
    )
    assert (updated.site_id, updated.shared, updated.tag_code) == (second.id, True, asset.tag_code)  # type: ignore[attr-defined]
    with pytest.raises(ValidationFailed):
        await service.update_asset(actor=desk, asset_id=asset.id, changes={"tag_code": "NEWTAG"})


async def test_asset_by_tag_forgives_look_alike_letters(db: Any) -> None:
    desk = await _desk()
    asset = await make_asset(tag_code="AB01C1D0")
    assert (await service.asset_by_tag(actor=desk, tag_code="ab-oic-ldo")).id == asset.id
    with pytest.raises(NotFound):
        await service.asset_by_tag(actor=desk, tag_code="AB01C1D1")


async def test_technician_sees_assets_at_his_sites_only(db: Any) -> None:
    tech_user = await make_user(Role.TECHNICIAN)
    tech = actor_of(tech_user)
    mine, other = await make_site(), await make_site()
    at_mine, at_other = await make_asset(mine), await make_asset(other)
    await make_work_order(site=mine, assigned_to=tech_user)
    assert (await service.asset_by_tag(actor=tech, tag_code=at_mine.tag_code)).id == at_mine.id
    with pytest.raises(NotFound):
        await service.asset_by_tag(actor=tech, tag_code=at_other.tag_code)
    with pytest.raises(NotFound):
        await service.get_asset(actor=tech, asset_id=at_other.id)
    assert [a.id for a in await service.list_assets(actor=tech)] == [at_mine.id]


async def test_technician_records_a_broken_seal_but_cannot_edit(db: Any) -> None:
    tech_user = await make_user(Role.TECHNICIAN)
    tech = actor_of(tech_user)
    site = await make_site()
    asset = await make_asset(site, seal_state=SealState.INTACT)
    await make_work_order(site=site, assigned_to=tech_user)
    changed = await service.set_asset_seal(actor=tech, asset_id=asset.id, state=SealState.BROKEN)
    assert (await Asset.get(id=asset.id)).seal_state == SealState.BROKEN
    assert changed.version > asset.version
    with pytest.raises(Forbidden):
        await service.update_asset(actor=tech, asset_id=asset.id, changes={"name": "X"})
    with pytest.raises(Forbidden):
        await _new(tech, site)
    other = await make_asset()
    with pytest.raises(NotFound):
        await service.set_asset_seal(actor=tech, asset_id=other.id, state=SealState.BROKEN)


async def test_delete_is_soft(db: Any) -> None:
    desk = await _desk()
    asset = await make_asset()
    await service.delete_asset(actor=desk, asset_id=asset.id)
    assert (await Asset.get(id=asset.id)).deleted
    with pytest.raises(NotFound):
        await service.get_asset(actor=desk, asset_id=asset.id)
    assert await service.list_assets(actor=desk).count() == 0
