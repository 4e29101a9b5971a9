from __future__ import annotations

from datetime import timedelta
from typing import Any

from server.core.clock import utcnow
from server.core.roles import Role
from server.followup.models import Complaint
from server.workorders.models import Status, WorkOrder
from tests.factories import make_user, make_work_order

COMPLETE = """
mutation($wo: ID!, $reached: Boolean!, $score: Int, $complaint: Boolean!) {
  completeCallback(workOrderId: $wo, reached: $reached, satisfaction: $score, comment: "noted",
                   complaint: $complaint) {
    closed failedAttempts callback { reached satisfaction }
    workOrder { id status }
    complaint { id status ownerId text }
  }
}
"""
QUEUE = "{ callbackQueue { totalCount nodes { failedAttempts workOrder { id } } } }"
COMPLAINTS = "query($s: ComplaintStatus) { complaints(status: $s) { totalCount nodes { id status } } }"
RESOLVE = 'mutation($id: ID!) { resolveComplaint(id: $id, resolution: "Refunded the visit") { status } }'
POLICY = """
mutation($s: Float!, $d: Int!) {
  setCallbackPolicy(sampleShare: $s, delayMinutes: $d) { sampleShare delayMinutes }
}
"""


async def _signed_order() -> tuple[Any, WorkOrder]:
    tech = await make_user()
    order = await make_work_order(
        assigned_to=tech, status=Status.CUSTOMER_SIGNED, signed_at=utcnow() - timedelta(hours=2)
    )
    return tech, order


async def test_desk_works_through_the_queue(db: Any, as_user: Any) -> None:
    _, order = await _signed_order()
    desk = await make_user(Role.DISPATCHER)
    at_desk = await as_user(desk)
    queued = (await at_desk.data(QUEUE))["callbackQueue"]
    assert queued == {"totalCount": 1, "nodes": [{"failedAttempts": 0, "workOrder": {"id": str(order.id)}}]}

    variables = {"wo": str(order.id), "reached": False, "score": None, "complaint": False}
    missed = (await at_desk.data(COMPLETE, variables))["completeCallback"]
    assert (missed["closed"], missed["failedAttempts"], missed["workOrder"]["status"]) == (
        False,
        1,
        "CUSTOMER_SIGNED",
    )
    assert (await at_desk.data(QUEUE))["callbackQueue"]["nodes"][0]["failedAttempts"] == 1

    done = (await at_desk.data(COMPLETE, {**variables, "reached": True, "score": 5}))["completeCallback"]
    assert done["closed"] is True
    assert done["workOrder"]["status"] == "CLOSED"
    assert done["callback"] == {"reached": True, "satisfaction": 5}
    assert (await at_desk.data(QUEUE))["callbackQueue"]["totalCount"] == 0


async def test_complaint_round_trip(db: Any, as_user: Any) -> None:
    _, order = await _signed_order()
    desk = await make_user(Role.DISPATCHER)
    at_desk = await as_user(desk)
    variables = {"wo": str(order.id), "reached": True, "score": 2, "complaint": True}
    outcome = (await at_desk.data(COMPLETE, variables))["completeCallback"]
    complaint = outcome["complaint"]
    assert complaint["status"] == "OPEN"
    assert complaint["ownerId"] == str(desk.id)
    assert complaint["text"] == "noted"
    listed = (await at_desk.data(COMPLAINTS, {"s": "OPEN"}))["complaints"]
    assert listed == {"totalCount": 1, "nodes": [{"id": complaint["id"], "status": "OPEN"}]}

    boss = await as_user(await make_user(Role.SUPERVISOR))
    assert (await boss.data(RESOLVE, {"id": complaint["id"]}))["resolveComplaint"] == {"status": "RESOLVED"}
    assert (await WorkOrder.get(id=order.id)).status is Status.CLOSED
    assert (await Complaint.get(id=complaint["id"])).resolution == "Refunded the visit"


async def test_technicians_are_kept_out(db: Any, as_user: Any) -> None:
    tech, order = await _signed_order()
    phone = await as_user(tech)
    variables = {"wo": str(order.id), "reached": True, "score": 5, "complaint": False}
    assert await phone.error_code(COMPLETE, variables) == "FORBIDDEN"
    assert await phone.error_code(QUEUE) == "FORBIDDEN"
    assert await phone.error_code(COMPLAINTS) == "FORBIDDEN"
    assert await phone.error_code(POLICY, {"s": 0.5, "d": 10}) == "FORBIDDEN"
    desk = await as_user(await make_user(Role.DISPATCHER))
    assert await desk.error_code(COMPLETE, {**variables, "wo": "not-a-uuid"}) == "NOT_FOUND"
    assert await desk.error_code(RESOLVE, {"id": "not-a-uuid"}) == "NOT_FOUND"


async def test_supervisor_sets_the_policy(db: Any, as_user: Any) -> None:
    boss = await as_user(await make_user(Role.SUPERVISOR))
    changed = (await boss.data(POLICY, {"s": 0.2, "d": 240}))["setCallbackPolicy"]
    assert changed == {"sampleShare": 0.2, "delayMinutes": 240}
    assert (await boss.data("{ callbackPolicy { sampleShare delayMinutes } }"))["callbackPolicy"] == changed
    assert await boss.error_code(POLICY, {"s": -0.1, "d": 240}) == "VALIDATION_FAILED"
