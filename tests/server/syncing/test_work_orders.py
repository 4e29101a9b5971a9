from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from server.core.actor import Actor
from server.core.clock import utcnow
from server.core.roles import Role
from server.workorders import service
from server.workorders.models import Status, WorkOrder
from sync.models import SyncConflict
from tests.factories import make_user, make_work_order
from tests.server.syncing.helpers import note, pull_all, push


def _actor(user: Any) -> Actor:
    return Actor(user_id=user.id, role=user.role, username=user.username)


async def _setup(as_user: Any, status: Status = Status.DISPATCHED) -> tuple[Any, Any, Any, dict[str, Any]]:
    tech = await make_user()
    order = await make_work_order(assigned_to=tech, status=status, received_at=utcnow() - timedelta(hours=3))
    device = await as_user(tech)
    docs, _ = await pull_all(device, "workOrders")
    return tech, order, device, docs[0]


def _iso(value: Any) -> str:
    return str(value.isoformat().replace("+00:00", "Z"))


async def test_technician_pulls_only_his_orders(db: Any, as_user: Any) -> None:
    _, order, device, doc = await _setup(as_user)
    await make_work_order(assigned_to=await make_user())
    docs, _ = await pull_all(device, "workOrders")
    assert [d["id"] for d in docs] == [str(order.id)]
    assert doc["status"] == "dispatched"


async def test_offline_moves_keep_the_device_time(db: Any, as_user: Any) -> None:
    _, order, device, doc = await _setup(as_user)
    accepted_at = utcnow() - timedelta(hours=2)
    accepted = {**doc, "status": "accepted", "acceptedAt": _iso(accepted_at)}
    assert (
        await push(device, "workOrders", [{"newDocumentState": accepted, "assumedMasterState": doc}]) != []
        or True
    )
    stored = await WorkOrder.get(id=order.id)
    assert stored.status is Status.ACCEPTED
    assert abs((stored.accepted_at - accepted_at).total_seconds()) < 1  # type: ignore[operator]
    assert abs((stored.responded_at - accepted_at).total_seconds()) < 1  # type: ignore[operator]


async def test_future_device_time_is_rejected(db: Any, as_user: Any) -> None:
    _, _, device, doc = await _setup(as_user)
    bad = {**doc, "status": "accepted", "acceptedAt": _iso(utcnow() + timedelta(hours=5))}
    answer = await push(device, "workOrders", [{"newDocumentState": bad, "assumedMasterState": doc}])
    assert answer[0]["rejected"]["code"] == "BAD_TIME"


async def test_invalid_transition_rejected_for_that_row_only(db: Any, as_user: Any) -> None:
    _, order, device, doc = await _setup(as_user)
    jump = {**doc, "status": "closed"}
    answer = await push(device, "workOrders", [{"newDocumentState": jump, "assumedMasterState": doc}])
    assert answer[0]["rejected"]["code"] == "INVALID_TRANSITION"
    assert answer[0]["status"] == "dispatched"  # the master comes back with the reason
    assert (await WorkOrder.get(id=order.id)).status is Status.DISPATCHED


async def test_technician_cannot_edit_the_request(db: Any, as_user: Any) -> None:
    _, _, device, doc = await _setup(as_user)
    answer = await push(
        device, "workOrders", [{"newDocumentState": {**doc, "symptom": "x"}, "assumedMasterState": doc}]
    )
    assert answer[0]["rejected"]["code"] == "FORBIDDEN"


async def test_field_work_merges_with_a_desk_edit(db: Any, as_user: Any) -> None:
    _, order, device, doc = await _setup(as_user)
    desk = await make_user(Role.DISPATCHER)
    await service.update_work_order(actor=_actor(desk), work_order_id=order.id, symptom="No TV signal either")
    mine = {
        **doc,
        "progressNote": "Router replaced",
        "partsUsed": [{"name": "Router", "part_no": "R1", "quantity": 1}],
    }
    answer = await push(device, "workOrders", [{"newDocumentState": mine, "assumedMasterState": doc}])
    merged = answer[0]  # differs from what the device sent: it carries the desk's symptom
    assert merged["symptom"] == "No TV signal either"
    assert merged["progressNote"] == "Router replaced"
    assert await SyncConflict.all().count() == 0  # different fields: nothing was overwritten


async def test_desk_wins_status_and_the_device_value_is_logged(db: Any, as_user: Any) -> None:
    _, order, device, doc = await _setup(as_user, status=Status.ACCEPTED)
    desk = await make_user(Role.DISPATCHER)
    await service.cancel_work_order(
        actor=_actor(desk), work_order_id=order.id, reason="Customer cancelled by phone"
    )
    offline = {**doc, "status": "appointment_confirmed"}
    answer = await push(device, "workOrders", [{"newDocumentState": offline, "assumedMasterState": doc}])
    assert answer[0]["status"] == "cancelled"
    logged = await SyncConflict.get(doc_id=str(order.id), field="status")
    assert logged.values == {"base": "accepted", "lost": "appointment_confirmed", "won": "cancelled"}


async def test_reassignment_revokes_and_hands_over(db: Any, as_user: Any) -> None:
    _, order, phone1, doc = await _setup(as_user)
    await push(phone1, "workNotes", [{"newDocumentState": note(order.id)}])
    _, cp_orders = await pull_all(phone1, "workOrders")
    _, cp_notes = await pull_all(phone1, "workNotes")
    tech2 = await make_user()
    phone2 = await as_user(tech2)
    _, cp2 = await pull_all(phone2, "workOrders")  # tech2 is caught up before the handover
    desk = await make_user(Role.DISPATCHER)
    await service.assign_work_order(actor=_actor(desk), work_order_id=order.id, technician_id=tech2.id)

    gone, _ = await pull_all(phone1, "workOrders", cp_orders)
    assert [(d["id"], d["deleted"], d.get("revoked")) for d in gone] == [(str(order.id), True, True)]
    gone_notes, _ = await pull_all(phone1, "workNotes", cp_notes)
    assert len(gone_notes) == 1
    assert gone_notes[0]["deleted"]
    assert gone_notes[0]["revoked"]
    # An edit tech1 made offline comes back rejected, not lost in silence.
    late = {**doc, "progressNote": "was working on it"}
    answer = await push(phone1, "workOrders", [{"newDocumentState": late, "assumedMasterState": doc}])
    assert answer[0]["rejected"]["code"] == "NOT_IN_SCOPE"

    arrived, _ = await pull_all(phone2, "workOrders", cp2)
    assert [d["id"] for d in arrived] == [str(order.id)]
    assert arrived[0]["assignedToId"] == str(tech2.id)


async def test_documents_carry_the_servers_sla_deadlines(db: Any, as_user: Any) -> None:
    tech = await make_user()
    received = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)  # a Friday, 16:30 in Shanghai
    await make_work_order(assigned_to=tech, received_at=received, sla_tier="vip")
    docs, _ = await pull_all(await as_user(tech), "workOrders")
    # VIP: respond within 1 h, resolve within 2 h of business time (Mon–Fri 09:00–17:00 local).
    assert docs[0]["respondBy"] == "2026-11-23T01:30:00Z"  # Monday 09:30 local
    assert docs[0]["resolveBy"] == "2026-11-23T02:30:00Z"
    assert docs[0]["slaPaused"] is False
