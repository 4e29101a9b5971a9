from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from server.appointments import service
from server.appointments.models import Appointment, AppointmentChange, AppointmentStatus
from server.appointments.service import Initiator
from server.core.actor import Actor
from server.core.errors import DomainError
from server.core.roles import Role
from server.workorders.models import Status, WorkOrder
from tests.factories import actor_of, make_appointment, make_site, make_user, make_work_order

# 10:00 in Shanghai on 2 March 2030.
T0 = datetime(2030, 3, 2, 2, 0, tzinfo=UTC)
H = timedelta(hours=1)
CST = timezone(timedelta(hours=8))


async def _setup(status: Status = Status.ACCEPTED) -> tuple[Actor, Actor, WorkOrder]:
    tech = await make_user()
    desk = actor_of(await make_user(Role.DISPATCHER))
    order = await make_work_order(assigned_to=tech, status=status)
    return actor_of(tech), desk, order


async def _code(awaitable: Any) -> str:
    with pytest.raises(DomainError) as info:
        await awaitable
    return info.value.code


async def _propose(actor: Actor, order: WorkOrder, start: datetime = T0, hours: float = 2) -> Any:
    return await service.propose_appointment(
        actor=actor, work_order_id=order.id, window_start=start, window_end=start + hours * H
    )


# --- propose --------------------------------------------------------------------------------


async def test_propose_stores_a_proposed_appointment_for_the_orders_technician(db: Any) -> None:
    tech, _, order = await _setup()
    result = await service.propose_appointment(
        actor=tech, work_order_id=order.id, window_start=T0, window_end=T0 + 2 * H, note=" gate code 12 "
    )
    row = await Appointment.get(id=result.appointment.id)
    assert row.status is AppointmentStatus.PROPOSED
    assert row.technician_id == tech.user_id  # type: ignore[attr-defined]
    assert (row.window_start, row.window_end, row.note) == (T0, T0 + 2 * H, "gate code 12")
    assert not row.confirmed_with_customer
    assert result.clashes == []


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (T0, T0),
        (T0, T0 - H),
        (T0, T0 + 12 * H + timedelta(minutes=1)),
        (T0.replace(tzinfo=None), T0.replace(tzinfo=None) + H),
    ],
)
async def test_propose_refuses_bad_windows(db: Any, start: datetime, end: datetime) -> None:
    tech, _, order = await _setup()
    code = await _code(
        service.propose_appointment(actor=tech, work_order_id=order.id, window_start=start, window_end=end)
    )
    assert code == "VALIDATION_FAILED"


async def test_a_twelve_hour_window_is_allowed(db: Any) -> None:
    tech, _, order = await _setup()
    assert (await _propose(tech, order, hours=12)).appointment.window_end == T0 + 12 * H


async def test_clashes_are_shown_not_refused(db: Any) -> None:
    tech, desk, order = await _setup()
    other_order = await make_work_order(assigned_to=await make_user(), status=Status.ACCEPTED)
    other_order.assigned_to_id = tech.user_id  # type: ignore[attr-defined]
    await other_order.save()
    booked = await make_appointment(other_order, start=T0, hours=2)  # 10:00-12:00 local
    await make_appointment(other_order, start=T0 + 4 * H, hours=1)  # 14:00-15:00: no overlap
    await make_appointment(other_order, start=T0, status=AppointmentStatus.CANCELLED)
    someone_else = await make_work_order(assigned_to=await make_user(), status=Status.ACCEPTED)
    await make_appointment(someone_else, start=T0)

    result = await _propose(tech, order, start=T0 + H, hours=2)  # 11:00-13:00
    assert [a.id for a in result.clashes] == [booked.id]
    assert await Appointment.filter(id=result.appointment.id).exists()
    touching = await _propose(desk, order, start=T0 + 2 * H, hours=2)  # 12:00-14:00 touches both
    assert [a.id for a in touching.clashes] == [result.appointment.id]


async def test_reassigned_orders_no_longer_clash(db: Any) -> None:
    tech, _, order = await _setup()
    old = await make_work_order(assigned_to=await make_user(), status=Status.ACCEPTED)
    await make_appointment(old, start=T0, technician_id=tech.user_id)  # booked before reassignment
    assert (await _propose(tech, order)).clashes == []


async def test_propose_with_client_id_is_idempotent(db: Any) -> None:
    tech, _, order = await _setup()
    client_id = uuid.uuid4()
    args: dict[str, Any] = {"work_order_id": order.id, "window_start": T0, "window_end": T0 + H}
    first = await service.propose_appointment(actor=tech, id=client_id, **args)
    # The same window written in another offset is the same instant.
    again = await service.propose_appointment(
        actor=tech,
        id=client_id,
        work_order_id=order.id,
        window_start=T0.astimezone(CST),
        window_end=(T0 + H).astimezone(CST),
    )
    assert first.appointment.id == again.appointment.id == client_id
    assert await Appointment.all().count() == 1
    args["window_end"] = T0 + 2 * H
    assert await _code(service.propose_appointment(actor=tech, id=client_id, **args)) == "CONFLICT"


async def test_no_visit_for_a_finished_order(db: Any) -> None:
    tech, _, order = await _setup(Status.WORK_DONE)
    assert await _code(_propose(tech, order)) == "WORK_ORDER_FINISHED"


async def test_scope_and_roles(db: Any) -> None:
    _, _, order = await _setup()
    stranger = actor_of(await make_user())
    boss = actor_of(await make_user(Role.SUPERVISOR))
    assert await _code(_propose(stranger, order)) == "NOT_FOUND"
    assert await _code(_propose(boss, order)) == "FORBIDDEN"


# --- confirm --------------------------------------------------------------------------------


async def test_confirm_moves_an_accepted_order_and_sets_its_date(db: Any) -> None:
    tech, _, order = await _setup(Status.ACCEPTED)
    late = datetime(2030, 3, 2, 17, 0, tzinfo=UTC)  # 01:00 on 3 March in Shanghai
    proposed = (await _propose(tech, order, start=late)).appointment
    confirmed = await service.confirm_appointment(
        actor=tech, appointment_id=proposed.id, customer_contact=" Mrs Wang "
    )
    assert confirmed.status is AppointmentStatus.CONFIRMED
    assert confirmed.confirmed_with_customer
    assert confirmed.confirmed_by_id == tech.user_id  # type: ignore[attr-defined]
    assert confirmed.confirmed_at is not None
    assert confirmed.customer_contact == "Mrs Wang"
    order = await WorkOrder.get(id=order.id)
    assert order.status is Status.APPOINTMENT_CONFIRMED
    assert order.scheduled_date == date(2030, 3, 3)


async def test_confirm_by_desk_after_cannot_finish(db: Any) -> None:
    tech, desk, order = await _setup(Status.CANNOT_FINISH)
    proposed = (await _propose(tech, order)).appointment
    await service.confirm_appointment(actor=desk, appointment_id=proposed.id, customer_contact="Mr Li")
    assert (await WorkOrder.get(id=order.id)).status is Status.APPOINTMENT_CONFIRMED


async def test_confirm_leaves_other_statuses_alone(db: Any) -> None:
    tech, _, order = await _setup(Status.DISPATCHED)
    proposed = (await _propose(tech, order)).appointment
    await service.confirm_appointment(actor=tech, appointment_id=proposed.id, customer_contact="Mr Li")
    assert (await WorkOrder.get(id=order.id)).status is Status.DISPATCHED


async def test_confirm_needs_a_contact_and_a_live_appointment(db: Any) -> None:
    tech, _, order = await _setup()
    proposed = (await _propose(tech, order)).appointment
    code = await _code(
        service.confirm_appointment(actor=tech, appointment_id=proposed.id, customer_contact=" ")
    )
    assert code == "VALIDATION_FAILED"
    await service.cancel_appointment(actor=tech, appointment_id=proposed.id, reason="customer away")
    code = await _code(
        service.confirm_appointment(actor=tech, appointment_id=proposed.id, customer_contact="x")
    )
    assert code == "APPOINTMENT_CANCELLED"


async def test_another_technician_cannot_confirm(db: Any) -> None:
    tech, _, order = await _setup()
    proposed = (await _propose(tech, order)).appointment
    stranger = actor_of(await make_user())
    code = await _code(
        service.confirm_appointment(actor=stranger, appointment_id=proposed.id, customer_contact="x")
    )
    assert code == "NOT_FOUND"


# --- reschedule -----------------------------------------------------------------------------


async def test_reschedule_keeps_history_and_needs_reconfirmation(db: Any) -> None:
    tech, desk, order = await _setup()
    appointment = (await _propose(tech, order)).appointment
    await service.confirm_appointment(actor=tech, appointment_id=appointment.id, customer_contact="Mrs Wang")
    next_day = T0 + 24 * H
    moved = await service.reschedule_appointment(
        actor=desk,
        appointment_id=appointment.id,
        window_start=next_day,
        window_end=next_day + H,
        reason="Customer asked for Sunday",
        initiated_by=Initiator.CUSTOMER,
    )
    row = moved.appointment
    assert (row.window_start, row.window_end) == (next_day, next_day + H)
    assert row.status is AppointmentStatus.PROPOSED
    assert not row.confirmed_with_customer
    assert row.confirmed_by_id is None  # type: ignore[attr-defined]
    assert row.confirmed_at is None
    await service.reschedule_appointment(
        actor=tech,
        appointment_id=appointment.id,
        window_start=next_day + 2 * H,
        window_end=next_day + 3 * H,
        reason="Previous visit runs long",
        initiated_by=Initiator.TECHNICIAN,
    )
    changes = await service.changes_of(appointment_id=appointment.id)
    assert [(c.from_start, c.to_start, c.initiated_by, c.changed_by_id) for c in changes] == [  # type: ignore[attr-defined]
        (T0, next_day, "customer", desk.user_id),
        (next_day, next_day + 2 * H, "technician", tech.user_id),
    ]
    assert changes[0].reason == "Customer asked for Sunday"
    assert (await WorkOrder.get(id=order.id)).scheduled_date == date(2030, 3, 3)


async def test_reschedule_needs_a_reason_and_a_new_time(db: Any) -> None:
    tech, _, order = await _setup()
    appointment = (await _propose(tech, order)).appointment
    args: dict[str, Any] = {"appointment_id": appointment.id, "initiated_by": Initiator.TECHNICIAN}
    code = await _code(
        service.reschedule_appointment(
            actor=tech, window_start=T0 + H, window_end=T0 + 2 * H, reason=" ", **args
        )
    )
    assert code == "VALIDATION_FAILED"
    code = await _code(
        service.reschedule_appointment(actor=tech, window_start=T0, window_end=T0 + 2 * H, reason="x", **args)
    )
    assert code == "VALIDATION_FAILED"
    assert await AppointmentChange.all().count() == 0


async def test_reschedule_retry_with_change_id_applies_once(db: Any) -> None:
    tech, _, order = await _setup()
    appointment = (await _propose(tech, order)).appointment
    change_id = uuid.uuid4()
    for _ in range(2):
        await service.reschedule_appointment(
            actor=tech,
            appointment_id=appointment.id,
            window_start=T0 + 3 * H,
            window_end=T0 + 4 * H,
            reason="Traffic",
            initiated_by=Initiator.TECHNICIAN,
            change_id=change_id,
        )
    assert [c.id for c in await AppointmentChange.all()] == [change_id]


async def test_reschedule_shows_clashes_at_the_new_time(db: Any) -> None:
    tech, _, order = await _setup()
    first = (await _propose(tech, order)).appointment
    second = (await _propose(tech, order, start=T0 + 5 * H)).appointment
    moved = await service.reschedule_appointment(
        actor=tech,
        appointment_id=second.id,
        window_start=T0 + H,
        window_end=T0 + 2 * H,
        reason="Customer prefers the morning",
        initiated_by=Initiator.CUSTOMER,
    )
    assert [a.id for a in moved.clashes] == [first.id]


# --- cancel ---------------------------------------------------------------------------------


async def test_cancel_stores_the_reason_and_frees_the_slot(db: Any) -> None:
    tech, _, order = await _setup()
    appointment = (await _propose(tech, order)).appointment
    await service.confirm_appointment(actor=tech, appointment_id=appointment.id, customer_contact="Mrs Wang")
    assert (await WorkOrder.get(id=order.id)).scheduled_date == date(2030, 3, 2)
    cancelled = await service.cancel_appointment(
        actor=tech, appointment_id=appointment.id, reason=" customer travelling "
    )
    assert cancelled.status is AppointmentStatus.CANCELLED
    assert cancelled.cancel_reason == "customer travelling"
    assert (await WorkOrder.get(id=order.id)).scheduled_date is None
    assert (await _propose(tech, order)).clashes == []
    again = await service.cancel_appointment(actor=tech, appointment_id=appointment.id, reason="again")
    assert again.cancel_reason == "customer travelling"
    assert await _code(service.cancel_appointment(actor=tech, appointment_id=appointment.id, reason="")) == (
        "VALIDATION_FAILED"
    )


# --- technician day -------------------------------------------------------------------------


async def test_technician_day_in_local_time_and_order(db: Any) -> None:
    tech, desk, order = await _setup()
    site = await make_site()
    other = await make_work_order(site=site, assigned_to=await make_user(), status=Status.ACCEPTED)
    other.assigned_to_id = tech.user_id  # type: ignore[attr-defined]
    await other.save()
    afternoon = await make_appointment(order, start=T0 + 5 * H)  # 15:00 local
    morning = await make_appointment(other, start=T0 - H)  # 09:00 local
    await make_appointment(order, start=T0 - 10 * H)  # 00:00 local: same day
    before_midnight = await make_appointment(order, start=T0 - 11 * H, hours=0.5)  # 23:00 the day before
    await make_appointment(order, start=T0 + 2 * H, status=AppointmentStatus.CANCELLED)
    await make_appointment(order, start=T0 + 14 * H)  # next day 00:00 local

    day = await service.technician_day(
        actor=tech, technician_id=tech.user_id, day=date(2030, 3, 2), tz="Asia/Shanghai"
    )
    assert [a.window_start for a in day] == [T0 - 10 * H, morning.window_start, afternoon.window_start]
    utc_day = await service.technician_day(
        actor=desk, technician_id=tech.user_id, day=date(2030, 3, 1), tz="UTC"
    )
    assert before_midnight.id in {a.id for a in utc_day}


async def test_technician_day_scope(db: Any) -> None:
    tech, desk, _ = await _setup()
    stranger = actor_of(await make_user())
    day = date(2030, 3, 2)
    assert (
        await _code(service.technician_day(actor=stranger, technician_id=tech.user_id, day=day, tz="UTC"))
        == "NOT_FOUND"
    )
    assert (
        await _code(service.technician_day(actor=desk, technician_id=uuid.uuid4(), day=day, tz="UTC"))
        == "NOT_FOUND"
    )
    assert (
        await _code(service.technician_day(actor=desk, technician_id=tech.user_id, day=day, tz="Mars/Base"))
        == "VALIDATION_FAILED"
    )
