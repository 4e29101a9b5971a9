from __future__ import annotations

import uuid
from typing import Any

import pytest

from server.core.roles import Role
from server.customers.models import Customer
from tests.factories import make_asset, make_customer, make_site, make_user, make_work_order

CREATE_CUSTOMER = """
mutation($input: CreateCustomerInput!) {
  createCustomer(input: $input) { id name phone kind language slaTier version }
}
"""
UPDATE_CUSTOMER = """
mutation($id: ID!, $input: UpdateCustomerInput!) { updateCustomer(id: $id, input: $input) { id name phone } }
"""
DELETE_CUSTOMER = "mutation($id: ID!) { deleteCustomer(id: $id) { id deleted } }"
CUSTOMER = """
query($id: ID!) {
  customer(id: $id) {
    id name
    sites { totalCount nodes { id name customer { id } } }
    assets { totalCount nodes { id tagCode } }
  }
}
"""
SITE = "query($id: ID!) { site(id: $id) { id accessNotes customer { id name } } }"
CREATE_SITE = """
mutation($input: CreateSiteInput!) { createSite(input: $input) { id customerId timezone latitude } }
"""


async def test_dispatcher_creates_customer_and_site(db: Any, as_user: Any) -> None:
    desk = await as_user(await make_user(Role.DISPATCHER))
    data = await desk.data(
        CREATE_CUSTOMER,
        {"input": {"name": "王芳", "phone": "138 0013 8000", "kind": "BUSINESS", "language": "en"}},
    )
    customer = data["createCustomer"]
    assert (customer["phone"], customer["kind"], customer["language"], customer["slaTier"]) == (
        "13800138000",
        "BUSINESS",
        "en",
        "standard",
    )
    site = (
        await desk.data(
            CREATE_SITE,
            {
                "input": {
                    "customerId": customer["id"],
                    "name": "Shop",
                    "address": "8 Nanjing Rd",
                    "latitude": 31.2,
                    "longitude": 121.47,
                }
            },
        )
    )["createSite"]
    assert (site["customerId"], site["timezone"], site["latitude"]) == (customer["id"], "Asia/Shanghai", 31.2)


async def test_create_with_client_id_replays_and_conflicts(db: Any, as_user: Any) -> None:
    desk = await as_user(await make_user(Role.ADMIN))
    record_id = str(uuid.uuid4())
    payload = {"id": record_id, "name": "Li Lei", "phone": "13800138000"}
    first = (await desk.data(CREATE_CUSTOMER, {"input": payload}))["createCustomer"]
    again = (await desk.data(CREATE_CUSTOMER, {"input": payload}))["createCustomer"]
    assert first == again
    assert first["id"] == record_id
    code = await desk.error_code(CREATE_CUSTOMER, {"input": {**payload, "name": "Han Meimei"}})
    assert code == "CONFLICT"


async def test_validation_errors_carry_codes(db: Any, as_user: Any) -> None:
    desk = await as_user(await make_user(Role.DISPATCHER))
    body = await desk.execute(CREATE_CUSTOMER, {"input": {"name": "Li", "phone": "12"}})
    error = body["errors"][0]
    assert error["extensions"] == {"code": "VALIDATION_FAILED", "field": "phone"}
    customer = await make_customer()
    code = await desk.error_code(
        CREATE_SITE,
        {"input": {"customerId": str(customer.id), "name": "A", "address": "B", "timezone": "Nowhere"}},
    )
    assert code == "VALIDATION_FAILED"


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (CREATE_CUSTOMER, {"input": {"name": "X", "phone": "13800138000"}}),
        (UPDATE_CUSTOMER, {"input": {"name": "X"}}),
        (DELETE_CUSTOMER, {}),
    ],
)
async def test_technician_cannot_write(db: Any, as_user: Any, query: str, variables: dict[str, Any]) -> None:
    tech = await make_user(Role.TECHNICIAN)
    site = await make_site()
    await make_work_order(site=site, assigned_to=tech)
    client = await as_user(tech)
    variables = {"id": str(site.customer_id), **variables}  # type: ignore[attr-defined]
    assert await client.error_code(query, variables) == "FORBIDDEN"


async def test_technician_sees_his_customer_and_not_others(db: Any, as_user: Any) -> None:
    tech = await make_user(Role.TECHNICIAN)
    mine, other = await make_site(access_notes="Show ID at gate 2"), await make_site()
    asset = await make_asset(mine)
    await make_work_order(site=mine, assigned_to=tech)
    client = await as_user(tech)
    mine_id = str(mine.customer_id)  # type: ignore[attr-defined]
    data = (await client.data(CUSTOMER, {"id": mine_id}))["customer"]
    assert data["sites"]["nodes"] == [{"id": str(mine.id), "name": mine.name, "customer": {"id": mine_id}}]
    assert data["assets"]["nodes"] == [{"id": str(asset.id), "tagCode": asset.tag_code}]
    site = (await client.data(SITE, {"id": str(mine.id)}))["site"]
    assert (site["accessNotes"], site["customer"]["id"]) == ("Show ID at gate 2", mine_id)
    other_customer = str(other.customer_id)  # type: ignore[attr-defined]
    assert await client.error_code(CUSTOMER, {"id": other_customer}) == "NOT_FOUND"
    assert await client.error_code(SITE, {"id": str(other.id)}) == "NOT_FOUND"
    listed = await client.data("{ customers { totalCount nodes { id } } sites { totalCount } }")
    assert listed["customers"] == {"totalCount": 1, "nodes": [{"id": mine_id}]}
    assert listed["sites"]["totalCount"] == 1


async def test_malformed_id_is_not_found(db: Any, as_user: Any) -> None:
    client = await as_user(await make_user(Role.DISPATCHER))
    assert await client.error_code(CUSTOMER, {"id": "not-a-uuid"}) == "NOT_FOUND"


async def test_update_and_delete(db: Any, as_user: Any) -> None:
    desk = await as_user(await make_user(Role.DISPATCHER))
    customer = await make_customer(name="Li Lei")
    updated = await desk.data(
        UPDATE_CUSTOMER, {"id": str(customer.id), "input": {"phone": "+86 139 0000 1111"}}
    )
    assert updated["updateCustomer"] == {"id": str(customer.id), "name": "Li Lei", "phone": "+8613900001111"}
    assert (await desk.data(DELETE_CUSTOMER, {"id": str(customer.id)}))["deleteCustomer"]["deleted"] is True
    assert (await Customer.get(id=customer.id)).deleted
    assert await desk.error_code(CUSTOMER, {"id": str(customer.id)}) == "NOT_FOUND"


async def test_delete_with_open_order_is_in_use(db: Any, as_user: Any) -> None:
    desk = await as_user(await make_user(Role.DISPATCHER))
    order = await make_work_order()
    code = await desk.error_code(DELETE_CUSTOMER, {"id": str(order.customer_id)})  # type: ignore[attr-defined]
    assert code == "IN_USE"


async def test_customers_text_filter_and_paging(db: Any, as_user: Any) -> None:
    desk = await as_user(await make_user(Role.SUPERVISOR))
    for name in ("王芳", "王伟", "Li Lei"):
        await make_customer(name=name)
    query = """
    query($after: String) {
      customers(text: "王", first: 1, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } nodes { name }
      }
    }
    """
    page1 = (await desk.data(query))["customers"]
    page2 = (await desk.data(query, {"after": page1["pageInfo"]["endCursor"]}))["customers"]
    assert page1["totalCount"] == 2
    assert page1["pageInfo"]["hasNextPage"]
    assert not page2["pageInfo"]["hasNextPage"]
    assert {page1["nodes"][0]["name"], page2["nodes"][0]["name"]} == {"王芳", "王伟"}
