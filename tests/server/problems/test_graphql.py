from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from server.core.roles import Role
from server.problems import detection
from server.workorders.models import Status
from tests.factories import make_site, make_user, make_work_order

FLAGS = """
query($wo: ID) {
  repeatFaultFlags(workOrderId: $wo) { totalCount nodes { workOrderId previousOrderId kind daysBetween } }
}
"""
SUGGEST = 'mutation { suggestProblems(month: "2026-04-10") { status causeCategory workOrderIds } }'
PROBLEMS = "query($s: ProblemStatus) { problems(status: $s) { totalCount nodes { id title status } } }"
CREATE = """
mutation($wo: [ID!]!) {
  createProblem(input: {title: "Set-top boxes reboot", causeCategory: "firmware", workOrderIds: $wo}) {
    id status workOrderIds
  }
}
"""
UPDATE = """
mutation($id: ID!) {
  updateProblem(id: $id, input: {rootCause: "Firmware 2.1 leaks memory", workaround: "Weekly reboot"}) {
    rootCause workaround status
  }
}
"""


async def test_staff_read_flags_and_problems(db: Any, as_user: Any) -> None:
    site = await make_site()
    closed_at = datetime(2026, 4, 2, tzinfo=UTC)
    previous = await make_work_order(site=site, status=Status.CLOSED, closed_at=closed_at, cause_category="x")
    repeat = await make_work_order(site=site, received_at=closed_at + timedelta(days=4))
    await detection.flag_repeat_fault(repeat)
    for day in (5, 6):
        await make_work_order(
            status=Status.CLOSED, cause_category="x", closed_at=datetime(2026, 4, day, tzinfo=UTC)
        )

    boss = await as_user(await make_user(Role.SUPERVISOR))
    flags = (await boss.data(FLAGS, {"wo": str(repeat.id)}))["repeatFaultFlags"]
    assert flags == {
        "totalCount": 1,
        "nodes": [
            {
                "workOrderId": str(repeat.id),
                "previousOrderId": str(previous.id),
                "kind": "SITE",
                "daysBetween": 4,
            }
        ],
    }
    [suggested] = (await boss.data(SUGGEST))["suggestProblems"]
    assert suggested["status"] == "SUGGESTED"
    assert len(suggested["workOrderIds"]) == 3
    assert (await boss.data(PROBLEMS, {"s": "SUGGESTED"}))["problems"]["totalCount"] == 1


async def test_desk_records_and_edits_a_problem(db: Any, as_user: Any) -> None:
    order = await make_work_order(status=Status.CLOSED)
    desk = await as_user(await make_user(Role.DISPATCHER))
    created = (await desk.data(CREATE, {"wo": [str(order.id)]}))["createProblem"]
    assert created["status"] == "OPEN"
    assert created["workOrderIds"] == [str(order.id)]
    updated = (await desk.data(UPDATE, {"id": created["id"]}))["updateProblem"]
    assert updated == {
        "rootCause": "Firmware 2.1 leaks memory",
        "workaround": "Weekly reboot",
        "status": "OPEN",
    }
    assert await desk.error_code(UPDATE, {"id": "nope"}) == "NOT_FOUND"


async def test_technicians_cannot_see_problems(db: Any, as_user: Any) -> None:
    tech = await make_user()
    order = await make_work_order(assigned_to=tech, status=Status.CLOSED)
    phone = await as_user(tech)
    assert await phone.error_code(FLAGS, {"wo": str(order.id)}) == "FORBIDDEN"
    assert await phone.error_code(PROBLEMS) == "FORBIDDEN"
    assert await phone.error_code(CREATE, {"wo": [str(order.id)]}) == "FORBIDDEN"
    assert await phone.error_code(SUGGEST) == "FORBIDDEN"
