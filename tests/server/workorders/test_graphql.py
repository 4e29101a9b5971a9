from __future__ import annotations

from typing import Any

from server.core.roles import Role
from server.workorders.models import Status, WorkOrder
from tests.factories import make_asset, make_site, make_user, make_work_order

FIELDS = """
id number status customerId siteId assignedToId faultLevel slaTier sourceChannel
allowedTransitions assetIds
customer { id } site { id timezone } assignedTo { id } assets { totalCount nodes { id } }
sla { respondBy resolveBy respondLeftSeconds resolveLeftSeconds respondBreached resolveBreached
      pausedNow pausedSeconds }
deskTimers { name breached leftSeconds }
pauses { start end reason }
partsUsed { name partNo quantity }
"""
CREATE = f"mutation($input: CreateWorkOrderInput!) {{ createWorkOrder(input: $input) {{ {FIELDS} }} }}"
GET = f"query($id: ID!) {{ workOrder(id: $id) {{ {FIELDS} }} }}"
LIST = """
query($first: Int, $after: String, $status: WorkOrderStatus, $technicianId: ID) {
  workOrders(first: $first, after: $after, status: $status, technicianId: $technicianId) {
    totalCount pageInfo { hasNextPage endCursor } nodes { id number status }
  }
}
"""
TRANSITION = """
mutation($id: ID!, $to: WorkOrderStatus!, $reason: String! = "", $date: Date) {
  transitionWorkOrder(id: $id, to: $to, reason: $reason, nextVisitDate: $date) { id status }
}
"""
UPDATE = """
mutation($id: ID!, $input: UpdateWorkOrderInput!) {
  updateWorkOrder(id: $id, input: $input) { id progressNote partsUsed { name partNo quantity } }
}
"""
BOARD = """
query($date: Date!) {
  board(date: $date, timezone: "Asia/Shanghai") {
    date timezone
    unassigned { workOrder { number } flags { deskTimerBreached } sla { respondBy } }
    lanes {
      technician { id }
      cards { workOrder { number } appointments { windowStart } flags { sealBroken } }
    }
  }
}
"""


async def test_dispatcher_creates_and_reads_a_work_order(db: Any, as_user: Any) -> None:
    desk = await as_user(await make_user(Role.DISPATCHER))
    site = await make_site()
    asset = await make_asset(site)
    variables = {
        "input": {
            "customerId": str(site.customer_id),  # type: ignore[attr-defined]
            "siteId": str(site.id),
            "symptom": "Set-top box reboots",
            "faultLevel": 2,
            "sourceChannel": "EMAIL",
            "assetIds": [str(asset.id)],
        }
    }
    created = (await desk.data(CREATE, variables))["createWorkOrder"]
    assert created["status"] == "RECEIVED"
    assert created["number"].startswith("WO-")
    assert created["customer"]["id"] == str(site.customer_id)  # type: ignore[attr-defined]
    assert created["site"] == {"id": str(site.id), "timezone": "Asia/Shanghai"}
    assert created["assetIds"] == [str(asset.id)]
    assert created["assets"] == {"totalCount": 1, "nodes": [{"id": str(asset.id)}]}
    assert created["assignedTo"] is None
    assert created["sla"]["respondBreached"] is False
    assert created["sla"]["pausedNow"] is False
    assert [t["name"] for t in created["deskTimers"]] == ["dispatch"]
    assert "DISPATCHED" in created["allowedTransitions"]

    fetched = (await desk.data(GET, {"id": created["id"]}))["workOrder"]
    assert fetched["number"] == created["number"]


async def test_technician_sees_and_moves_only_his_orders(db: Any, as_user: Any) -> None:
    mine_user, other_user = await make_user(), await make_user()
    me = await as_user(mine_user)
    mine = await make_work_order(assigned_to=mine_user)
    other = await make_work_order(assigned_to=other_user)

    listed = (await me.data(LIST, {}))["workOrders"]
    assert [n["id"] for n in listed["nodes"]] == [str(mine.id)]
    with_filter = (await me.data(LIST, {"technicianId": str(other_user.id)}))["workOrders"]
    assert with_filter["totalCount"] == 0

    assert await me.error_code(GET, {"id": str(other.id)}) == "NOT_FOUND"
    assert await me.error_code(TRANSITION, {"id": str(other.id), "to": "ACCEPTED"}) == "NOT_FOUND"
    assert await me.error_code(UPDATE, {"id": str(other.id), "input": {"progressNote": "x"}}) == "NOT_FOUND"
    assert (await WorkOrder.get(id=other.id)).status is Status.DISPATCHED

    moved = (await me.data(TRANSITION, {"id": str(mine.id), "to": "ACCEPTED"}))["transitionWorkOrder"]
    assert moved["status"] == "ACCEPTED"
    assert await me.error_code(TRANSITION, {"id": str(mine.id), "to": "CLOSED"}) == "INVALID_TRANSITION"


async def test_ids_that_are_not_uuids_are_not_found(db: Any, as_user: Any) -> None:
    desk = await as_user(await make_user(Role.DISPATCHER))
    assert await desk.error_code(GET, {"id": "WO-1"}) == "NOT_FOUND"
    assert await desk.error_code(TRANSITION, {"id": "nope", "to": "CLOSED"}) == "NOT_FOUND"


async def test_supervisor_reads_but_does_not_move(db: Any, as_user: Any) -> None:
    supervisor = await as_user(await make_user(Role.SUPERVISOR))
    order = await make_work_order(assigned_to=await make_user(), status=Status.CUSTOMER_SIGNED)
    assert (await supervisor.data(GET, {"id": str(order.id)}))["workOrder"]["allowedTransitions"] == []
    assert await supervisor.error_code(TRANSITION, {"id": str(order.id), "to": "CLOSED"}) == "FORBIDDEN"


async def test_cancel_and_cannot_finish_need_their_inputs(db: Any, as_user: Any) -> None:
    tech = await make_user()
    me = await as_user(tech)
    desk = await as_user(await make_user(Role.DISPATCHER))
    order = await make_work_order(assigned_to=tech, status=Status.ON_SITE)
    cancel = (
        "mutation($id: ID!, $r: String!) { cancelWorkOrder(id: $id, reason: $r) { status cancelReason } }"
    )
    assert await desk.error_code(cancel, {"id": str(order.id), "r": ""}) == "REASON_REQUIRED"
    assert await me.error_code(cancel, {"id": str(order.id), "r": "No longer needed"}) == "FORBIDDEN"
    variables = {"id": str(order.id), "to": "CANNOT_FINISH", "reason": "Needs a new ONU"}
    assert await me.error_code(TRANSITION, variables) == "NEXT_VISIT_DATE_REQUIRED"
    moved = await me.data(TRANSITION, {**variables, "date": "2026-03-12"})
    assert moved["transitionWorkOrder"]["status"] == "CANNOT_FINISH"


async def test_hold_resume_and_field_updates(db: Any, as_user: Any) -> None:
    tech = await make_user()
    me = await as_user(tech)
    desk = await as_user(await make_user(Role.DISPATCHER))
    order = await make_work_order(assigned_to=tech, status=Status.ACCEPTED)
    hold = "mutation($id: ID!) { holdWorkOrder(id: $id, reason: WAITING_PARTS) { status sla { pausedNow } } }"
    assert await me.error_code(hold, {"id": str(order.id)}) == "FORBIDDEN"
    held = (await desk.data(hold, {"id": str(order.id)}))["holdWorkOrder"]
    assert held == {"status": "ON_HOLD", "sla": {"pausedNow": True}}
    resume = "mutation($id: ID!) { resumeWorkOrder(id: $id) { status pauses { end reason } } }"
    resumed = (await desk.data(resume, {"id": str(order.id)}))["resumeWorkOrder"]
    assert resumed["status"] == "ACCEPTED"
    assert resumed["pauses"][0]["reason"] == "waiting_parts"
    assert resumed["pauses"][0]["end"] is not None

    parts = [{"name": "Splitter", "partNo": "SP-2", "quantity": 2}]
    updated = await me.data(
        UPDATE, {"id": str(order.id), "input": {"progressNote": "Swapped", "partsUsed": parts}}
    )
    assert updated["updateWorkOrder"]["partsUsed"] == parts
    refused = await me.error_code(UPDATE, {"id": str(order.id), "input": {"faultLevel": 1}})
    assert refused == "FORBIDDEN"


async def test_assign_late_report_and_escalation(db: Any, as_user: Any) -> None:
    tech = await make_user()
    me = await as_user(tech)
    desk = await as_user(await make_user(Role.DISPATCHER))
    boss = await as_user(await make_user(Role.SUPERVISOR))
    order = await make_work_order()
    assign = """mutation($id: ID!, $t: ID!) {
      assignWorkOrder(id: $id, technicianId: $t, scheduledDate: "2026-03-09") {
        status scheduledDate assignedToId
      }
    }"""
    assigned = (await desk.data(assign, {"id": str(order.id), "t": str(tech.id)}))["assignWorkOrder"]
    assert assigned == {"status": "DISPATCHED", "scheduledDate": "2026-03-09", "assignedToId": str(tech.id)}
    late = 'mutation($id: ID!) { reportLate(id: $id, reason: "Traffic jam") { lateReason lateReportedAt } }'
    assert (await me.data(late, {"id": str(order.id)}))["reportLate"]["lateReason"] == "Traffic jam"
    raise_ = 'mutation($id: ID!) { raiseEscalation(id: $id, note: "Need the manager") { escalationNote } }'
    assert (await me.data(raise_, {"id": str(order.id)}))["raiseEscalation"][
        "escalationNote"
    ] == "Need the manager"
    ack = "mutation($id: ID!) { acknowledgeEscalation(id: $id) { escalatedAt } }"
    assert await desk.error_code(ack, {"id": str(order.id)}) == "FORBIDDEN"
    assert (await boss.data(ack, {"id": str(order.id)}))["acknowledgeEscalation"]["escalatedAt"] is not None


async def test_pagination_and_status_filter(db: Any, as_user: Any) -> None:
    desk = await as_user(await make_user(Role.DISPATCHER))
    for _ in range(3):
        await make_work_order()
    await make_work_order(assigned_to=await make_user())
    first = (await desk.data(LIST, {"first": 2, "status": "RECEIVED"}))["workOrders"]
    assert first["totalCount"] == 3
    assert first["pageInfo"]["hasNextPage"] is True
    rest = await desk.data(LIST, {"first": 2, "status": "RECEIVED", "after": first["pageInfo"]["endCursor"]})
    assert len(rest["workOrders"]["nodes"]) == 1
    assert rest["workOrders"]["pageInfo"]["hasNextPage"] is False


async def test_board_through_graphql(db: Any, as_user: Any) -> None:
    tech = await make_user()
    desk = await as_user(await make_user(Role.DISPATCHER))
    me = await as_user(tech)
    queued = await make_work_order()
    today = await make_work_order(
        assigned_to=tech, scheduled_date=queued.received_at.date(), seal_broken=True
    )
    day = today.scheduled_date.isoformat()  # type: ignore[union-attr]
    data = (await desk.data(BOARD, {"date": day}))["board"]
    assert data["date"] == day
    assert [c["workOrder"]["number"] for c in data["unassigned"]] == [queued.number]
    lane = next(lane for lane in data["lanes"] if lane["technician"]["id"] == str(tech.id))
    assert lane["cards"] == [
        {"workOrder": {"number": today.number}, "appointments": [], "flags": {"sealBroken": True}}
    ]
    assert await me.error_code(BOARD, {"date": day}) == "FORBIDDEN"
