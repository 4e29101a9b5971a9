from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from server.appointments.models import AppointmentStatus
from server.core.errors import DomainError
from server.core.roles import Role
from server.workorders.board import board, day_bounds
from server.workorders.models import Status
from tests.factories import actor_of, make_appointment, make_user, make_work_order
from tests.server.workorders._support import code_of, sh

DAY = date(2026, 3, 9)  # a Monday
NOW = sh(2026, 3, 9, 11)


def _numbers(cards: Any) -> list[str]:
    return [c.order.number for c in cards]


def test_day_bounds_are_local_midnights() -> None:
    start, end = day_bounds(DAY, "Asia/Shanghai")
    assert (start, end) == (sh(2026, 3, 9), sh(2026, 3, 10))


async def test_unassigned_queue_is_received_orders_oldest_first(db: Any) -> None:
    desk = actor_of(await make_user(Role.DISPATCHER))
    newer = await make_work_order(received_at=sh(2026, 3, 9, 10, 50))
    older = await make_work_order(received_at=sh(2026, 3, 9, 10, 40))
    await make_work_order(assigned_to=await make_user(), received_at=sh(2026, 3, 9, 10))  # dispatched
    result = await board(actor=desk, day=DAY, now=NOW)
    assert _numbers(result.unassigned) == [older.number, newer.number]
    first = result.unassigned[0]
    assert first.flags.desk_timer_breached  # not dispatched within 10 minutes
    assert [t.name for t in first.desk_timers] == ["dispatch"]
    assert first.sla.respond_by == sh(2026, 3, 9, 12, 40)


async def test_lanes_hold_each_active_technicians_day(db: Any) -> None:
    desk = actor_of(await make_user(Role.DISPATCHER))
    alice = await make_user(display_name="Alice")
    bob = await make_user(display_name="Bob")
    await make_user(display_name="Carl", active=False)
    scheduled = await make_work_order(assigned_to=alice, scheduled_date=DAY, received_at=sh(2026, 3, 9, 8))
    booked = await make_work_order(
        assigned_to=alice, scheduled_date=date(2026, 3, 8), received_at=sh(2026, 3, 9, 9)
    )
    await make_appointment(booked, start=sh(2026, 3, 9, 9), status=AppointmentStatus.CONFIRMED)
    tomorrow = await make_work_order(assigned_to=alice, scheduled_date=date(2026, 3, 10))
    await make_appointment(tomorrow, start=sh(2026, 3, 10, 9))
    dropped = await make_work_order(assigned_to=alice, scheduled_date=date(2026, 3, 10))
    await make_appointment(dropped, start=sh(2026, 3, 9, 14), status=AppointmentStatus.CANCELLED)
    await make_work_order(assigned_to=bob, scheduled_date=DAY, status=Status.CANCELLED)

    result = await board(actor=desk, day=DAY, now=NOW)
    assert [lane.technician.display_name for lane in result.lanes] == ["Alice", "Bob"]
    alice_lane, bob_lane = result.lanes
    assert _numbers(alice_lane.cards) == [booked.number, scheduled.number]  # booked visits first
    assert [a.window_start for a in alice_lane.cards[0].appointments] == [sh(2026, 3, 9, 9)]
    assert alice_lane.cards[1].appointments == []
    assert bob_lane.cards == []


async def test_appointment_day_follows_the_board_time_zone(db: Any) -> None:
    desk = actor_of(await make_user(Role.DISPATCHER))
    tech = await make_user()
    order = await make_work_order(assigned_to=tech)
    await make_appointment(order, start=sh(2026, 3, 9, 23), hours=0.5)  # 16:00 UTC on the 9th
    assert _numbers((await board(actor=desk, day=DAY, now=NOW)).lanes[0].cards) == [order.number]
    utc_next = await board(actor=desk, day=date(2026, 3, 10), tz="UTC", now=NOW)
    assert utc_next.lanes[0].cards == []
    utc_same = await board(actor=desk, day=DAY, tz="UTC", now=NOW)
    assert _numbers(utc_same.lanes[0].cards) == [order.number]


async def test_cards_carry_the_flags(db: Any) -> None:
    desk = actor_of(await make_user(Role.SUPERVISOR))
    tech = await make_user()
    received = sh(2026, 3, 6, 16)  # the Friday before: one business hour that day
    order = await make_work_order(
        assigned_to=tech,
        scheduled_date=DAY,
        received_at=received,
        status=Status.APPOINTMENT_CONFIRMED,
        seal_broken=True,
        late_reported_at=NOW - timedelta(minutes=20),
        escalation_raised_at=NOW - timedelta(minutes=5),
    )
    quiet = await make_work_order(
        assigned_to=tech, scheduled_date=DAY, received_at=sh(2026, 3, 9, 10, 55), responded_at=NOW
    )
    cards = {c.order.id: c for c in (await board(actor=desk, day=DAY, now=NOW)).lanes[0].cards}
    flags = cards[order.id].flags
    assert flags.seal_broken
    assert flags.late_reported
    assert flags.escalation_pending
    assert flags.respond_breached  # due Monday 10:00, no response yet
    assert flags.desk_timer_breached  # late report 20 minutes ago, not re-dispatched
    calm = cards[quiet.id].flags
    assert not any(
        (
            calm.seal_broken,
            calm.late_reported,
            calm.escalation_pending,
            calm.respond_breached,
            calm.resolve_breached,
        )
    )
    assert not calm.desk_timer_breached  # dispatched at receipt by the factory


async def test_board_is_for_staff_and_checks_the_time_zone(db: Any) -> None:
    tech = actor_of(await make_user())
    desk = actor_of(await make_user(Role.DISPATCHER))
    assert await code_of(board(actor=tech, day=DAY)) == "FORBIDDEN"
    with pytest.raises(DomainError) as caught:
        await board(actor=desk, day=DAY, tz="Mars/Olympus")
    assert caught.value.code == "VALIDATION_FAILED"
