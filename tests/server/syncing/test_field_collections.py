"""Appointments, reschedules, checklist runs, ratings and templates through replication."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from server.appointments.models import Appointment, AppointmentStatus
from server.checklists.models import ChecklistRun
from server.checklists.templates import seed_defaults
from server.core.clock import utcnow
from server.feedback.models import SatisfactionRating
from server.workorders.models import Status, WorkOrder
from tests.factories import make_user, make_work_order
from tests.server.syncing.helpers import applied, pull_all, push


def _iso(value: Any) -> str:
    return str(value.isoformat().replace("+00:00", "Z"))


async def _device(as_user: Any, status: Status = Status.ACCEPTED) -> tuple[Any, Any]:
    tech = await make_user()
    order = await make_work_order(assigned_to=tech, status=status, received_at=utcnow() - timedelta(hours=2))
    return order, await as_user(tech)


def _appointment(order: Any, *, start: Any, **kw: Any) -> dict[str, Any]:
    doc = {
        "id": str(uuid.uuid4()),
        "workOrderId": str(order.id),
        "windowStart": _iso(start),
        "windowEnd": _iso(start + timedelta(hours=2)),
        "status": "proposed",
        "customerContact": "",
        "note": "",
        "cancelReason": "",
    }
    doc.update(kw)
    return doc


async def test_appointment_proposed_and_confirmed_offline(db: Any, as_user: Any) -> None:
    order, device = await _device(as_user)
    start = utcnow() + timedelta(days=1)
    doc = _appointment(order, start=start, status="confirmed", customerContact="Ms Li (customer)")
    await push(device, "appointments", [{"newDocumentState": doc}])
    stored = await Appointment.get(id=doc["id"])
    assert stored.status is AppointmentStatus.CONFIRMED
    assert stored.confirmed_with_customer is True
    assert (await WorkOrder.get(id=order.id)).status is Status.APPOINTMENT_CONFIRMED


async def test_reschedule_is_a_change_row_and_editing_the_window_is_refused(db: Any, as_user: Any) -> None:
    order, device = await _device(as_user)
    start = utcnow() + timedelta(days=1)
    doc = _appointment(order, start=start)
    await push(device, "appointments", [{"newDocumentState": doc}])
    pulled, _ = await pull_all(device, "appointments")
    master = pulled[0]
    moved = {**master, "windowStart": _iso(start + timedelta(hours=3))}
    answer = await push(device, "appointments", [{"newDocumentState": moved, "assumedMasterState": master}])
    assert answer[0]["rejected"]["code"] == "USE_RESCHEDULE"
    change = {
        "id": str(uuid.uuid4()),
        "appointmentId": doc["id"],
        "toStart": _iso(start + timedelta(hours=3)),
        "toEnd": _iso(start + timedelta(hours=5)),
        "reason": "Customer asked for the afternoon",
        "initiatedBy": "customer",
    }
    assert applied(await push(device, "appointmentChanges", [{"newDocumentState": change}]), change)
    stored = await Appointment.get(id=doc["id"])
    assert abs((stored.window_start - (start + timedelta(hours=3))).total_seconds()) < 1
    changes, _ = await pull_all(device, "appointmentChanges")
    assert [c["reason"] for c in changes] == ["Customer asked for the afternoon"]


async def test_checklist_answers_replicate(db: Any, as_user: Any) -> None:
    await seed_defaults(actor=None)
    order, device = await _device(as_user, status=Status.ON_SITE)
    templates, _ = await pull_all(device, "checklistTemplates")
    assert templates
    assert templates[0]["key"] == "etiquette"
    run_id = str(uuid.uuid4())
    doc = {"id": run_id, "workOrderId": str(order.id), "answers": {"uniform": {"value": True}}}
    await push(device, "checklistRuns", [{"newDocumentState": doc}])
    pulled, _ = await pull_all(device, "checklistRuns")
    master = pulled[0]
    more = {**master, "answers": {**master["answers"], "badge": {"value": True}}}
    await push(device, "checklistRuns", [{"newDocumentState": more, "assumedMasterState": master}])
    run = await ChecklistRun.get(id=run_id)
    assert run.answers["uniform"]["value"] is True
    assert run.answers["badge"]["value"] is True
    bad = {**more, "answers": {**more["answers"], "no_such_item": {"value": True}}}
    answer = await push(device, "checklistRuns", [{"newDocumentState": bad, "assumedMasterState": more}])
    assert answer[0]["rejected"]["code"] == "VALIDATION_FAILED"


async def test_rating_is_written_once(db: Any, as_user: Any) -> None:
    order, device = await _device(as_user, status=Status.CUSTOMER_SIGNED)
    doc = {"id": str(uuid.uuid4()), "workOrderId": str(order.id), "score": 5, "comment": "很满意"}
    await push(device, "ratings", [{"newDocumentState": doc}])
    assert (await SatisfactionRating.get(id=doc["id"])).score == 5
    pulled, _ = await pull_all(device, "ratings")
    changed = {**pulled[0], "score": 1}
    answer = await push(device, "ratings", [{"newDocumentState": changed, "assumedMasterState": pulled[0]}])
    assert answer[0]["score"] == 5  # immutable: the master comes back
    assert (await SatisfactionRating.get(id=doc["id"])).score == 5
