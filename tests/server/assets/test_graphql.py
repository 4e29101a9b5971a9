from __future__ import annotations

from typing import Any

from server.assets.models import SealState
from server.core.roles import Role
from tests.factories import make_asset, make_site, make_user, make_work_order

CREATE = """
mutation($input: CreateAssetInput!) {
  createAsset(input: $input) { id tagCode warrantyEnd sealState site { id } customer { id } }
}
"""
UPDATE = "mutation($id: ID!, $input: UpdateAssetInput!) { updateAsset(id: $id, input: $input) { id name } }"
DELETE = "mutation($id: ID!) { deleteAsset(id: $id) { id deleted } }"
SEAL = "mutation($id: ID!, $state: SealState!) { setAssetSeal(id: $id, state: $state) { id sealState } }"
BY_TAG = "query($tag: String!) { assetByTag(tagCode: $tag) { id tagCode site { name } customer { id } } }"
ASSET = "query($id: ID!) { asset(id: $id) { id } }"


async def test_dispatcher_creates_asset(db: Any, as_user: Any) -> None:
    desk = await as_user(await make_user(Role.DISPATCHER))
    site = await make_site()
    customer_id = str(site.customer_id)  # type: ignore[attr-defined]
    data = await desk.data(
        CREATE,
        {
            "input": {
                "customerId": customer_id,
                "siteId": str(site.id),
                "name": "Set-top box",
                "tagCode": "stb-0001",
                "warrantyEnd": "2027-03-31",
                "sealState": "INTACT",
            }
        },
    )
    assert data["createAsset"]["tagCode"] == "STB0001"
    assert data["createAsset"]["warrantyEnd"] == "2027-03-31"
    assert data["createAsset"]["sealState"] == "INTACT"
    assert data["createAsset"]["site"] == {"id": str(site.id)}
    assert data["createAsset"]["customer"] == {"id": customer_id}
    code = await desk.error_code(
        CREATE,
        {"input": {"customerId": customer_id, "siteId": str(site.id), "name": "Dup", "tagCode": "STB-OOO1"}},
    )
    assert code == "TAG_TAKEN"


async def test_technician_cannot_create_update_or_delete(db: Any, as_user: Any) -> None:
    tech = await make_user(Role.TECHNICIAN)
    site = await make_site()
    asset = await make_asset(site)
    await make_work_order(site=site, assigned_to=tech)
    client = await as_user(tech)
    create = {"customerId": str(site.customer_id), "siteId": str(site.id), "name": "X"}  # type: ignore[attr-defined]
    assert await client.error_code(CREATE, {"input": create}) == "FORBIDDEN"
    assert await client.error_code(UPDATE, {"id": str(asset.id), "input": {"name": "Y"}}) == "FORBIDDEN"
    assert await client.error_code(DELETE, {"id": str(asset.id)}) == "FORBIDDEN"


async def test_technician_scans_his_assets_only(db: Any, as_user: Any) -> None:
    tech = await make_user(Role.TECHNICIAN)
    mine, other = await make_site(), await make_site()
    at_mine = await make_asset(mine, tag_code="Q1W2E3R4")
    at_other = await make_asset(other)
    await make_work_order(site=mine, assigned_to=tech)
    client = await as_user(tech)
    found = (await client.data(BY_TAG, {"tag": "q1w2-e3r4"}))["assetByTag"]
    assert (found["id"], found["site"]["name"]) == (str(at_mine.id), mine.name)
    assert await client.error_code(BY_TAG, {"tag": at_other.tag_code}) == "NOT_FOUND"
    assert await client.error_code(ASSET, {"id": str(at_other.id)}) == "NOT_FOUND"
    listed = await client.data("{ assets { totalCount nodes { id } } }")
    assert listed["assets"] == {"totalCount": 1, "nodes": [{"id": str(at_mine.id)}]}


async def test_technician_sets_the_seal_of_an_asset_he_can_see(db: Any, as_user: Any) -> None:
    tech = await make_user(Role.TECHNICIAN)
    site = await make_site()
    asset = await make_asset(site, seal_state=SealState.INTACT)
    other = await make_asset()
    await make_work_order(site=site, assigned_to=tech)
    client = await as_user(tech)
    data = await client.data(SEAL, {"id": str(asset.id), "state": "BROKEN"})
    assert data["setAssetSeal"] == {"id": str(asset.id), "sealState": "BROKEN"}
    assert await client.error_code(SEAL, {"id": str(other.id), "state": "BROKEN"}) == "NOT_FOUND"


async def test_update_and_soft_delete(db: Any, as_user: Any) -> None:
    desk = await as_user(await make_user(Role.ADMIN))
    asset = await make_asset()
    assert (await desk.data(UPDATE, {"id": str(asset.id), "input": {"name": "Router 2"}}))["updateAsset"][
        "name"
    ] == ("Router 2")
    assert (await desk.data(DELETE, {"id": str(asset.id)}))["deleteAsset"]["deleted"] is True
    assert await desk.error_code(ASSET, {"id": str(asset.id)}) == "NOT_FOUND"
    assert await desk.error_code(UPDATE, {"id": "nope", "input": {"name": "Z"}}) == "NOT_FOUND"


async def test_assets_filtered_by_site(db: Any, as_user: Any) -> None:
    desk = await as_user(await make_user(Role.SUPERVISOR))
    site = await make_site()
    wanted = await make_asset(site)
    await make_asset()
    query = "query($s: ID) { assets(siteId: $s) { nodes { id } } }"
    assert (await desk.data(query, {"s": str(site.id)}))["assets"]["nodes"] == [{"id": str(wanted.id)}]
