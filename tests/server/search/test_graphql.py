from __future__ import annotations

from typing import Any

from server.core.roles import Role
from tests.factories import make_asset, make_customer, make_site, make_user, make_work_order

SEARCH = """
query($text: String!) {
  search(text: $text) {
    customers { id name }
    sites { id }
    assets { id tagCode site { id } }
    workOrders { id number status customerId sla { tierCode } }
  }
}
"""


async def test_desk_search_by_phone_returns_customer_and_orders(db: Any, as_user: Any) -> None:
    customer = await make_customer(name="王芳", phone="13800138000")
    order = await make_work_order(site=await make_site(customer))
    desk = await as_user(await make_user(Role.DISPATCHER))
    found = (await desk.data(SEARCH, {"text": "138 0013 8000"}))["search"]
    assert found["customers"] == [{"id": str(customer.id), "name": "王芳"}]
    assert found["workOrders"] == [
        {
            "id": str(order.id),
            "number": order.number,
            "status": "RECEIVED",
            "customerId": str(customer.id),
            "sla": {"tierCode": "standard"},
        }
    ]


async def test_technician_scan_is_scoped(db: Any, as_user: Any) -> None:
    tech = await make_user(Role.TECHNICIAN)
    mine, other = await make_site(), await make_site()
    my_asset = await make_asset(mine, tag_code="K7M2P9Q4")
    other_asset = await make_asset(other)
    await make_work_order(site=mine, assigned_to=tech)
    client = await as_user(tech)
    found = (await client.data(SEARCH, {"text": "k7m2-p9q4"}))["search"]
    assert found["assets"] == [{"id": str(my_asset.id), "tagCode": "K7M2P9Q4", "site": {"id": str(mine.id)}}]
    assert (await client.data(SEARCH, {"text": other_asset.tag_code}))["search"]["assets"] == []


async def test_search_needs_sign_in_and_text(db: Any, client: Any, as_user: Any) -> None:
    assert await client.error_code(SEARCH, {"text": "王"}) == "UNAUTHENTICATED"
    desk = await as_user(await make_user(Role.DISPATCHER))
    assert await desk.error_code(SEARCH, {"text": " "}) == "VALIDATION_FAILED"
