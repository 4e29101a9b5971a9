from __future__ import annotations

from typing import Any

from server.core.roles import Role
from server.workorders.models import Status, WorkOrder
from tests.factories import make_user, make_work_order

RATE = """
mutation($wo: ID!, $score: Int!) {
  submitRating(workOrderId: $wo, score: $score, comment: "Fast and tidy") { score comment source }
}
"""
CALLBACK = """
mutation($wo: ID!) {
  recordCallback(workOrderId: $wo, reached: true, satisfaction: 4, comment: "ok") {
    reached satisfaction complaint calledById
  }
}
"""
RATINGS = "query($wo: ID!) { ratings(workOrderId: $wo) { totalCount nodes { score source } } }"
CALLBACKS = "query($wo: ID!) { callbacks(workOrderId: $wo) { totalCount nodes { satisfaction } } }"


async def test_technician_rates_and_desk_calls_back(db: Any, as_user: Any) -> None:
    tech = await make_user()
    desk = await make_user(Role.DISPATCHER)
    order = await make_work_order(assigned_to=tech, status=Status.CUSTOMER_SIGNED)
    wo = {"wo": str(order.id)}

    on_phone = await as_user(tech)
    rated = await on_phone.data(RATE, {**wo, "score": 5})
    assert rated["submitRating"] == {"score": 5, "comment": "Fast and tidy", "source": "DEVICE"}
    assert (await on_phone.data(RATINGS, wo))["ratings"] == {
        "totalCount": 1,
        "nodes": [{"score": 5, "source": "DEVICE"}],
    }
    assert await on_phone.error_code(CALLBACK, wo) == "FORBIDDEN"

    at_desk = await as_user(desk)
    called = (await at_desk.data(CALLBACK, wo))["recordCallback"]
    assert called == {"reached": True, "satisfaction": 4, "complaint": False, "calledById": str(desk.id)}
    assert (await WorkOrder.get(id=order.id)).status is Status.CALLED_BACK
    assert (await at_desk.data(CALLBACKS, wo))["callbacks"]["totalCount"] == 1


async def test_rating_out_of_range_and_other_technician(db: Any, as_user: Any) -> None:
    tech, stranger = await make_user(), await make_user()
    order = await make_work_order(assigned_to=tech, status=Status.WORK_DONE)
    wo = {"wo": str(order.id)}
    assert await (await as_user(tech)).error_code(RATE, {**wo, "score": 6}) == "VALIDATION_FAILED"
    other = await as_user(stranger)
    assert await other.error_code(RATE, {**wo, "score": 5}) == "NOT_FOUND"
    assert await other.error_code(RATINGS, wo) == "NOT_FOUND"
    assert await other.error_code(RATINGS, {"wo": "123"}) == "NOT_FOUND"
