"""Appointments replicate both ways. A device proposes and confirms visits; a move of the time is
a new `appointmentChanges` row (with its reason), never an edit of the window, so two offline
moves can never overwrite each other."""

from __future__ import annotations

from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Subquery
from tortoise.models import Model
from tortoise.queryset import QuerySet

from server.appointments import service
from server.appointments.models import Appointment, AppointmentChange, AppointmentStatus
from server.core import persist
from server.core.actor import Actor
from server.core.errors import Forbidden, ValidationFailed
from server.core.serialize import snapshot
from server.syncing.adapter import ModelAdapter
from server.syncing.fields import choice, ref, text, when
from server.workorders import scope
from sync.registry import Owner

D, T, S, FIXED = Owner.DISPATCHER, Owner.TECHNICIAN, Owner.SERVER, Owner.IMMUTABLE


def appointments_for(actor: Actor, *, include_deleted: bool = False) -> QuerySet[Appointment]:
    orders = scope.work_orders_for(actor).values("id")
    base = Appointment.all() if include_deleted else Appointment.filter(deleted=False)
    return base.filter(work_order_id__in=Subquery(orders))


def changes_for(actor: Actor, *, include_deleted: bool = False) -> QuerySet[AppointmentChange]:
    base = AppointmentChange.all() if include_deleted else AppointmentChange.filter(deleted=False)
    return base.filter(appointment_id__in=Subquery(appointments_for(actor).values("id")))


async def write_appointment(
    actor: Actor, values: dict[str, Any], row: Any, changed: set[str], conn: BaseDBAsyncClient
) -> Model:
    if row is None:
        proposal = await service.propose_appointment(
            actor=actor,
            work_order_id=values["work_order_id"],
            window_start=values["window_start"],
            window_end=values["window_end"],
            note=values.get("note") or "",
            id=values["id"],
        )
        appointment = proposal.appointment
        if values.get("status") == AppointmentStatus.CONFIRMED.value:
            appointment = await service.confirm_appointment(
                actor=actor,
                appointment_id=appointment.id,
                customer_contact=values.get("customer_contact") or "",
            )
        return appointment
    if changed & {"window_start", "window_end"}:
        raise Forbidden(
            "Move a visit with a reschedule (appointmentChanges), not by editing it.", code="USE_RESCHEDULE"
        )
    status = values.get("status")
    if "status" in changed and status == AppointmentStatus.CONFIRMED.value:
        row = await service.confirm_appointment(
            actor=actor, appointment_id=row.id, customer_contact=values.get("customer_contact") or ""
        )
    elif "status" in changed and status == AppointmentStatus.CANCELLED.value:
        row = await service.cancel_appointment(
            actor=actor, appointment_id=row.id, reason=values.get("cancel_reason") or ""
        )
    elif "status" in changed:
        raise ValidationFailed("An appointment goes back to proposed only through a reschedule.")
    if "note" in changed:
        before = snapshot(row)
        row.note = str(values.get("note") or "")[:2000]
        await persist.save(row, actor=actor, before=before, conn=conn)
    return row  # type: ignore[no-any-return]


async def write_change(
    actor: Actor, values: dict[str, Any], row: Any, changed: set[str], conn: BaseDBAsyncClient
) -> Model:
    if row is not None:
        raise Forbidden("A reschedule is history and cannot be edited.", code="IMMUTABLE_FIELD")
    await service.reschedule_appointment(
        actor=actor,
        appointment_id=values["appointment_id"],
        window_start=values["to_start"],
        window_end=values["to_end"],
        reason=values.get("reason") or "",
        initiated_by=service.Initiator(values.get("initiated_by") or "technician"),
        change_id=values["id"],
    )
    return await AppointmentChange.filter(id=values["id"]).using_db(conn).get()


APPOINTMENTS = ModelAdapter.build(
    name="appointments",
    model=Appointment,
    fields={
        "workOrderId": ref("work_order_id", FIXED),
        "technicianId": ref("technician_id", S),
        "windowStart": when("window_start", D),
        "windowEnd": when("window_end", D),
        "status": choice("status", D),
        "confirmedWithCustomer": text("confirmed_with_customer", S),
        "confirmedById": ref("confirmed_by_id", S),
        "confirmedAt": when("confirmed_at", S),
        "customerContact": text("customer_contact", T),
        "note": text("note", T),
        "cancelReason": text("cancel_reason", T),
    },
    scope=appointments_for,
    write=write_appointment,
)

APPOINTMENT_CHANGES = ModelAdapter.build(
    name="appointmentChanges",
    model=AppointmentChange,
    fields={
        "appointmentId": ref("appointment_id", FIXED),
        "changedById": ref("changed_by_id", S),
        "fromStart": when("from_start", S),
        "fromEnd": when("from_end", S),
        "toStart": when("to_start", FIXED),
        "toEnd": when("to_end", FIXED),
        "reason": text("reason", FIXED),
        "initiatedBy": text("initiated_by", FIXED),
    },
    scope=changes_for,
    write=write_change,
)
