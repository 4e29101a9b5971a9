from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from server.core.roles import Role
from server.workorders.models import Status, WorkOrder
from tests.factories import make_appointment, make_user, make_work_order

APPOINTMENT = "id status windowStart windowEnd confirmedWithCustomer customerContact"
PROPOSE = f"""
mutation($wo: ID!, $s: DateTime!, $e: DateTime!, $id: ID) {{
  proposeAppointment(workOrderId: $wo, windowStart: $s, windowEnd: $e, note: "bring ladder", id: $id) {{
    appointment {{ {APPOINTMENT} note }}
    clashes {{ id }}
  }}
}}
"""
CONFIRM = f"""
mutation($id: ID!) {{ confirmAppointment(id: $id, customerContact: "Mrs Wang") {{ {APPOINTMENT} }} }}
"""
RESCHEDULE = """
mutation($id: ID!, $s: DateTime!, $e: DateTime!) {
  rescheduleAppointment(id: $id, windowStart: $s, windowEnd: $e, reason: "Customer busy",
                        initiatedBy: CUSTOMER) {
    appointment { status confirmedWithCustomer }
  }
}
"""
LIST = """
query($wo: ID!) {
  appointments(workOrderId: $wo) {
    totalCount
    nodes { id status changes { fromStart toStart reason initiatedBy } }
  }
}
"""
DAY = """
query($t: ID!) { technicianDay(technicianId: $t, date: "2030-03-02", timezone: "Asia/Shanghai") { id } }
"""


async def test_technician_books_confirms_and_reschedules(db: Any, as_user: Any) -> None:
    tech = await make_user()
    order = await make_work_order(assigned_to=tech, status=Status.ACCEPTED)
    booked = await make_appointment(order, start=_utc("2030-03-02T02:00:00"))
    client = await as_user(tech)

    data = await client.data(
        PROPOSE, {"wo": str(order.id), "s": "2030-03-02T11:00:00+08:00", "e": "2030-03-02T13:00:00+08:00"}
    )
    payload = data["proposeAppointment"]
    assert payload["clashes"] == [{"id": str(booked.id)}]
    assert payload["appointment"]["status"] == "PROPOSED"
    assert payload["appointment"]["note"] == "bring ladder"
    appointment_id = payload["appointment"]["id"]

    confirmed = (await client.data(CONFIRM, {"id": appointment_id}))["confirmAppointment"]
    assert (confirmed["status"], confirmed["confirmedWithCustomer"]) == ("CONFIRMED", True)
    assert (await WorkOrder.get(id=order.id)).status is Status.APPOINTMENT_CONFIRMED

    moved = await client.data(
        RESCHEDULE, {"id": appointment_id, "s": "2030-03-03T09:00:00+08:00", "e": "2030-03-03T10:00:00+08:00"}
    )
    assert moved["rescheduleAppointment"]["appointment"] == {
        "status": "PROPOSED",
        "confirmedWithCustomer": False,
    }

    listed = (await client.data(LIST, {"wo": str(order.id)}))["appointments"]
    assert listed["totalCount"] == 2
    ours = next(n for n in listed["nodes"] if n["id"] == appointment_id)
    assert ours["changes"] == [
        {
            "fromStart": "2030-03-02T03:00:00+00:00",
            "toStart": "2030-03-03T01:00:00+00:00",
            "reason": "Customer busy",
            "initiatedBy": "CUSTOMER",
        }
    ]
    day = (await client.data(DAY, {"t": str(tech.id)}))["technicianDay"]
    assert [d["id"] for d in day] == [str(booked.id)]


async def test_another_technician_gets_not_found(db: Any, as_user: Any) -> None:
    tech, stranger = await make_user(), await make_user()
    order = await make_work_order(assigned_to=tech, status=Status.ACCEPTED)
    appointment = await make_appointment(order, start=_utc("2030-03-02T02:00:00"))
    client = await as_user(stranger)
    variables = {"wo": str(order.id), "s": "2030-03-02T11:00:00+08:00", "e": "2030-03-02T12:00:00+08:00"}
    assert await client.error_code(PROPOSE, variables) == "NOT_FOUND"
    assert await client.error_code(CONFIRM, {"id": str(appointment.id)}) == "NOT_FOUND"
    assert await client.error_code(LIST, {"wo": str(order.id)}) == "NOT_FOUND"
    assert await client.error_code(DAY, {"t": str(tech.id)}) == "NOT_FOUND"
    assert await client.error_code(CONFIRM, {"id": "not-a-uuid"}) == "NOT_FOUND"


async def test_desk_sees_any_day_and_cancels(db: Any, as_user: Any) -> None:
    tech = await make_user()
    desk = await make_user(Role.DISPATCHER)
    order = await make_work_order(assigned_to=tech, status=Status.ACCEPTED)
    appointment = await make_appointment(order, start=_utc("2030-03-02T02:00:00"))
    client = await as_user(desk)
    assert (await client.data(DAY, {"t": str(tech.id)}))["technicianDay"] == [{"id": str(appointment.id)}]
    cancelled = await client.data(
        'mutation($id: ID!) { cancelAppointment(id: $id, reason: "Customer away") { status cancelReason } }',
        {"id": str(appointment.id)},
    )
    assert cancelled["cancelAppointment"] == {"status": "CANCELLED", "cancelReason": "Customer away"}
    assert (await client.data(DAY, {"t": str(tech.id)}))["technicianDay"] == []


async def test_bad_window_is_a_validation_error(db: Any, as_user: Any) -> None:
    tech = await make_user()
    order = await make_work_order(assigned_to=tech, status=Status.ACCEPTED)
    client = await as_user(tech)
    variables = {"wo": str(order.id), "s": "2030-03-02T11:00:00+08:00", "e": "2030-03-03T11:00:00+08:00"}
    assert await client.error_code(PROPOSE, variables) == "VALIDATION_FAILED"


def _utc(iso: str) -> datetime:
    return datetime.fromisoformat(iso).replace(tzinfo=UTC)
