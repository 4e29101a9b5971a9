"""Appointments: the visit time a technician agrees with the customer (预约).

A technician may be offered a slot he already has booked: overlapping appointments are shown
as clashes so he can propose another time, never refused, because only he knows whether two
short visits next door to each other fit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Subquery
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from server.appointments.models import Appointment, AppointmentChange, AppointmentStatus
from server.auth.models import User
from server.core import persist
from server.core.actor import Actor, require
from server.core.clock import utcnow
from server.core.errors import Conflict, NotFound, ValidationFailed
from server.core.roles import DESK, Role
from server.core.serialize import snapshot
from server.workorders import scope
from server.workorders.models import Status, WorkOrder
from server.workorders.service import transition

MAX_WINDOW = timedelta(hours=12)
WRITERS = (Role.TECHNICIAN, *DESK)
# No visit is arranged for an order whose work is finished or that is closed.
FINISHED = frozenset(
    {Status.WORK_DONE, Status.CUSTOMER_SIGNED, Status.CALLED_BACK, Status.CLOSED, Status.CANCELLED}
)
# Confirming the visit time moves the order on only from these statuses.
CONFIRMS_FROM = frozenset({Status.ACCEPTED, Status.CANNOT_FINISH})


class Initiator(StrEnum):
    DESK = "desk"
    TECHNICIAN = "technician"
    CUSTOMER = "customer"


@dataclass(frozen=True)
class Proposal:
    appointment: Appointment
    clashes: list[Appointment]


# --- reads ----------------------------------------------------------------------------------


def visible_appointments(actor: Actor) -> QuerySet[Appointment]:
    """Appointments of the work orders `actor` may see."""
    orders = Subquery(scope.work_orders_for(actor).values("id"))
    return Appointment.filter(deleted=False, work_order_id__in=orders)


async def appointments_of(*, actor: Actor, work_order_id: uuid.UUID) -> QuerySet[Appointment]:
    await _visible_order(actor, work_order_id)
    return visible_appointments(actor).filter(work_order_id=work_order_id)


async def get_appointment(*, actor: Actor, appointment_id: uuid.UUID) -> Appointment:
    appointment = await visible_appointments(actor).get_or_none(id=appointment_id)
    if appointment is None:
        raise NotFound("No such appointment.")
    return appointment


async def changes_of(*, appointment_id: uuid.UUID) -> list[AppointmentChange]:
    """Reschedule history of an appointment the caller already may see, oldest first."""
    return await AppointmentChange.filter(appointment_id=appointment_id, deleted=False).order_by(
        "created_at", "id"
    )


async def technician_day(*, actor: Actor, technician_id: uuid.UUID, day: date, tz: str) -> list[Appointment]:
    """The technician's live appointments overlapping `day` (local to `tz`), earliest first."""
    require(actor)
    if actor.is_technician and technician_id != actor.user_id:
        raise NotFound("No such technician.")
    if not await User.filter(id=technician_id).exists():
        raise NotFound("No such technician.")
    zone = _zone(tz)
    # Compared in UTC: SQLite compares the stored text, so every operand needs the same offset.
    start = datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC)
    query = _live_for(technician_id).filter(window_start__lt=end, window_end__gt=start)
    orders = Subquery(scope.work_orders_for(actor).values("id"))
    return await query.filter(work_order_id__in=orders).order_by("window_start", "id")


def _live_for(technician_id: uuid.UUID) -> QuerySet[Appointment]:
    # An order reassigned to someone else no longer occupies this technician's time.
    return Appointment.filter(
        technician_id=technician_id,
        deleted=False,
        work_order__assigned_to_id=technician_id,
        work_order__deleted=False,
    ).exclude(status=AppointmentStatus.CANCELLED)


async def _clashes(appointment: Appointment, conn: BaseDBAsyncClient) -> list[Appointment]:
    technician_id: uuid.UUID | None = appointment.technician_id  # type: ignore[attr-defined]
    if technician_id is None:
        return []
    query = _live_for(technician_id).filter(
        window_start__lt=appointment.window_end, window_end__gt=appointment.window_start
    )
    return await query.exclude(id=appointment.id).using_db(conn).order_by("window_start", "id")


# --- writes ---------------------------------------------------------------------------------


async def propose_appointment(
    *,
    actor: Actor,
    work_order_id: uuid.UUID,
    window_start: datetime,
    window_end: datetime,
    note: str = "",
    id: uuid.UUID | None = None,
) -> Proposal:
    require(actor, *WRITERS)
    window_start, window_end = _window(window_start, window_end)
    async with in_transaction() as conn:
        order = await _visible_order(actor, work_order_id, conn=conn)
        if id is not None and (existing := await Appointment.filter(id=id).using_db(conn).first()):
            if not _same_proposal(existing, order.id, window_start, window_end, note):
                raise Conflict("An appointment with this id already exists with other content.")
            return Proposal(existing, await _clashes(existing, conn))
        _refuse_if_finished(order)
        appointment = Appointment(
            id=id or uuid.uuid4(),
            work_order_id=order.id,
            technician_id=order.assigned_to_id,  # type: ignore[attr-defined]
            window_start=window_start,
            window_end=window_end,
            note=note.strip(),
            status=AppointmentStatus.PROPOSED,
        )
        await persist.save(appointment, actor=actor, action="propose", conn=conn)
        return Proposal(appointment, await _clashes(appointment, conn))


def _same_proposal(
    existing: Appointment, work_order_id: uuid.UUID, start: datetime, end: datetime, note: str
) -> bool:
    return (
        existing.work_order_id == work_order_id  # type: ignore[attr-defined]
        and existing.window_start == start
        and existing.window_end == end
        and existing.note == note.strip()
    )


async def confirm_appointment(
    *, actor: Actor, appointment_id: uuid.UUID, customer_contact: str
) -> Appointment:
    """The customer agreed to the time; the order moves to appointment_confirmed when it waits for it."""
    require(actor, *WRITERS)
    contact = customer_contact.strip()
    if not contact or len(contact) > 100:
        raise ValidationFailed("Say who agreed to the time (1 to 100 characters).", field="customerContact")
    async with in_transaction() as conn:
        appointment = await _locked(actor, appointment_id, conn)
        if appointment.status is AppointmentStatus.CONFIRMED and appointment.customer_contact == contact:
            return appointment  # a retried confirmation
        _refuse_if_cancelled(appointment)
        order = await _visible_order(actor, appointment.work_order_id, conn=conn)  # type: ignore[attr-defined]
        _refuse_if_finished(order)
        before = snapshot(appointment)
        appointment.status = AppointmentStatus.CONFIRMED
        appointment.confirmed_with_customer = True
        appointment.confirmed_by_id = actor.user_id
        appointment.confirmed_at = utcnow()
        appointment.customer_contact = contact
        await persist.save(appointment, actor=actor, before=before, action="confirm", conn=conn)
        if order.status in CONFIRMS_FROM:
            await transition(
                actor=actor, work_order_id=order.id, target=Status.APPOINTMENT_CONFIRMED, conn=conn
            )
        await _update_scheduled_date(actor, order.id, conn)
    return appointment


async def reschedule_appointment(
    *,
    actor: Actor,
    appointment_id: uuid.UUID,
    window_start: datetime,
    window_end: datetime,
    reason: str,
    initiated_by: Initiator,
    change_id: uuid.UUID | None = None,
) -> Proposal:
    """Move the visit; the new time must be confirmed with the customer again."""
    require(actor, *WRITERS)
    window_start, window_end = _window(window_start, window_end)
    if not reason.strip():
        raise ValidationFailed("Give the reason for moving the visit.", field="reason")
    async with in_transaction() as conn:
        appointment = await _locked(actor, appointment_id, conn)
        if change_id is not None and await _already_applied(change_id, appointment.id, conn):
            return Proposal(appointment, await _clashes(appointment, conn))
        _refuse_if_cancelled(appointment)
        order = await _visible_order(actor, appointment.work_order_id, conn=conn)  # type: ignore[attr-defined]
        _refuse_if_finished(order)
        if (window_start, window_end) == (appointment.window_start, appointment.window_end):
            raise ValidationFailed("The new time is the same as the current one.", field="windowStart")
        change = AppointmentChange(
            id=change_id or uuid.uuid4(),
            appointment_id=appointment.id,
            changed_by_id=actor.user_id,
            from_start=appointment.window_start,
            from_end=appointment.window_end,
            to_start=window_start,
            to_end=window_end,
            reason=reason.strip(),
            initiated_by=Initiator(initiated_by).value,
        )
        await persist.save(change, actor=actor, conn=conn)
        before = snapshot(appointment)
        appointment.window_start, appointment.window_end = window_start, window_end
        _reset_confirmation(appointment)
        await persist.save(appointment, actor=actor, before=before, action="reschedule", conn=conn)
        await _update_scheduled_date(actor, order.id, conn)
        return Proposal(appointment, await _clashes(appointment, conn))


async def _already_applied(change_id: uuid.UUID, appointment_id: uuid.UUID, conn: BaseDBAsyncClient) -> bool:
    # A device retrying a reschedule it made offline sends the same change id again.
    change = await AppointmentChange.filter(id=change_id).using_db(conn).first()
    if change is None:
        return False
    if change.appointment_id != appointment_id:  # type: ignore[attr-defined]
        raise Conflict("This change id is already used for another appointment.")
    return True


def _reset_confirmation(appointment: Appointment) -> None:
    appointment.status = AppointmentStatus.PROPOSED
    appointment.confirmed_with_customer = False
    appointment.confirmed_by_id = None
    appointment.confirmed_at = None
    appointment.customer_contact = ""


async def cancel_appointment(*, actor: Actor, appointment_id: uuid.UUID, reason: str) -> Appointment:
    require(actor, *WRITERS)
    if not reason.strip():
        raise ValidationFailed("Give the reason for cancelling the visit.", field="reason")
    async with in_transaction() as conn:
        appointment = await _locked(actor, appointment_id, conn)
        if appointment.status is AppointmentStatus.CANCELLED:
            return appointment
        before = snapshot(appointment)
        appointment.status = AppointmentStatus.CANCELLED
        appointment.cancel_reason = reason.strip()
        await persist.save(appointment, actor=actor, before=before, action="cancel", conn=conn)
        await _update_scheduled_date(actor, appointment.work_order_id, conn)  # type: ignore[attr-defined]
    return appointment


# --- helpers --------------------------------------------------------------------------------


def _window(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """The window checked and in UTC, so stored rows and query bounds compare alike."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValidationFailed("Give times with a time zone offset.", field="windowStart")
    if end <= start:
        raise ValidationFailed("The window must end after it starts.", field="windowEnd")
    if end - start > MAX_WINDOW:
        raise ValidationFailed("A visit window may be at most 12 hours long.", field="windowEnd")
    return start.astimezone(UTC), end.astimezone(UTC)


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed(f"Unknown time zone {tz!r}.", field="timezone") from None


def _refuse_if_finished(order: WorkOrder) -> None:
    if order.status in FINISHED:
        raise Conflict(
            f"The work order is {order.status.value.replace('_', ' ')}; no visit can be arranged.",
            code="WORK_ORDER_FINISHED",
            status=order.status.value,
        )


def _refuse_if_cancelled(appointment: Appointment) -> None:
    if appointment.status is AppointmentStatus.CANCELLED:
        raise Conflict("The appointment was cancelled; propose a new one.", code="APPOINTMENT_CANCELLED")


async def _visible_order(
    actor: Actor, work_order_id: uuid.UUID, *, conn: BaseDBAsyncClient | None = None
) -> WorkOrder:
    query = scope.work_orders_for(actor).filter(id=work_order_id)
    order = await (query.using_db(conn) if conn is not None else query).first()
    if order is None:
        raise NotFound("No such work order.")
    return order


async def _locked(actor: Actor, appointment_id: uuid.UUID, conn: BaseDBAsyncClient) -> Appointment:
    query = visible_appointments(actor).filter(id=appointment_id).using_db(conn).select_for_update()
    appointment = await query.first()
    if appointment is None:
        raise NotFound("No such appointment.")
    return appointment


async def _update_scheduled_date(actor: Actor, work_order_id: uuid.UUID, conn: BaseDBAsyncClient) -> None:
    """The order's visit date: the local date of its latest live appointment (none: no date)."""
    order = (
        await WorkOrder.filter(id=work_order_id)
        .using_db(conn)
        .select_for_update()
        .prefetch_related("site")
        .get()
    )
    latest = (
        await Appointment.filter(work_order_id=work_order_id, deleted=False)
        .exclude(status=AppointmentStatus.CANCELLED)
        .using_db(conn)
        .order_by("-window_start")
        .first()
    )
    scheduled = latest.window_start.astimezone(_zone(order.site.timezone)).date() if latest else None
    if scheduled == order.scheduled_date:
        return
    before = snapshot(order)
    order.scheduled_date = scheduled
    await persist.save(order, actor=actor, before=before, action="schedule", conn=conn)
