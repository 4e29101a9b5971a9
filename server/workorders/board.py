"""The dispatcher's board for one day: the queue waiting for dispatch and one lane per technician.

A technician's lane holds his orders for the day: scheduled that day or with an appointment
window touching it, in the board's time zone. Every card carries its SLA state, desk timers,
appointment windows and the flags the desk acts on.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tortoise.expressions import Q

from server.appointments.models import Appointment, AppointmentStatus
from server.auth.models import User
from server.core.actor import Actor, require
from server.core.clock import utcnow
from server.core.errors import ValidationFailed
from server.core.roles import STAFF, Role
from server.sla import DeskTimer, SlaState
from server.workorders import scope
from server.workorders.actions import escalation_pending, late_report_pending
from server.workorders.models import Status, WorkOrder
from server.workorders.numbering import default_timezone
from server.workorders.sla_state import SlaContext, desk_timers, load_sla_context, sla_state


@dataclass(frozen=True)
class BoardFlags:
    respond_breached: bool
    resolve_breached: bool
    seal_broken: bool
    late_reported: bool  # late or cannot come, not re-dispatched yet
    escalation_pending: bool  # raised, supervisor not reached yet
    desk_timer_breached: bool  # a desk duty still open and past due


@dataclass(frozen=True)
class BoardCard:
    order: WorkOrder
    sla: SlaState
    desk_timers: list[DeskTimer]
    appointments: list[Appointment]
    flags: BoardFlags


@dataclass(frozen=True)
class Lane:
    technician: User
    cards: list[BoardCard]


@dataclass(frozen=True)
class Board:
    day: date
    tz: str
    as_of: datetime
    unassigned: list[BoardCard]
    lanes: list[Lane]


def day_bounds(day: date, tz: str) -> tuple[datetime, datetime]:
    """UTC instants of local midnight starting `day` and the next day."""
    zone = ZoneInfo(tz)
    start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    return start, end


def _check_tz(tz: str | None) -> str:
    name = (tz or "").strip() or default_timezone()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed(
            f"Unknown time zone {name!r}; use an IANA name like Asia/Shanghai.", field="timezone"
        ) from None
    return name


async def board(*, actor: Actor, day: date, tz: str | None = None, now: datetime | None = None) -> Board:
    require(actor, *STAFF)
    zone = _check_tz(tz)
    current = now if now is not None else utcnow()
    context = await load_sla_context()
    start, end = day_bounds(day, zone)

    windows = await _appointments_between(start, end)
    technicians = await User.filter(role=Role.TECHNICIAN, active=True).order_by("display_name", "username")
    lane_orders = await (
        scope.work_orders_for(actor)
        .filter(assigned_to_id__in=[t.id for t in technicians])
        .filter(Q(scheduled_date=day) | Q(id__in=list(windows)) if windows else Q(scheduled_date=day))
        .exclude(status=Status.CANCELLED)
        .prefetch_related("site")
    )
    queue = await (
        scope.work_orders_for(actor)
        .filter(status=Status.RECEIVED)
        .order_by("received_at", "id")
        .prefetch_related("site")
    )

    def card(order: WorkOrder) -> BoardCard:
        return _card(order, windows.get(order.id, []), context=context, now=current)

    by_technician: dict[uuid.UUID, list[BoardCard]] = defaultdict(list)
    for order in lane_orders:
        by_technician[order.assigned_to_id].append(card(order))  # type: ignore[attr-defined]
    lanes = [Lane(technician=t, cards=sorted(by_technician[t.id], key=_lane_order)) for t in technicians]
    return Board(day=day, tz=zone, as_of=current, unassigned=[card(o) for o in queue], lanes=lanes)


async def _appointments_between(start: datetime, end: datetime) -> dict[uuid.UUID, list[Appointment]]:
    """Live appointment windows overlapping [start, end), by work order."""
    rows = (
        await Appointment.filter(
            deleted=False, window_start__lt=end, window_end__gt=start, work_order__deleted=False
        )
        .exclude(status=AppointmentStatus.CANCELLED)
        .order_by("window_start")
    )
    out: dict[uuid.UUID, list[Appointment]] = defaultdict(list)
    for row in rows:
        out[row.work_order_id].append(row)  # type: ignore[attr-defined]
    return out


def _card(order: WorkOrder, windows: list[Appointment], *, context: SlaContext, now: datetime) -> BoardCard:
    state = sla_state(order, tz=order.site.timezone, context=context, now=now)
    timers = desk_timers(order, now=now)
    flags = BoardFlags(
        respond_breached=state.respond_breached,
        resolve_breached=state.resolve_breached,
        seal_broken=order.seal_broken,
        late_reported=late_report_pending(order),
        escalation_pending=escalation_pending(order),
        desk_timer_breached=any(t.breached and t.met_at is None for t in timers),
    )
    return BoardCard(order=order, sla=state, desk_timers=timers, appointments=windows, flags=flags)


def _lane_order(card: BoardCard) -> tuple[int, datetime, datetime]:
    # Booked visits first in time order, then the rest of the day's orders oldest first.
    first = card.appointments[0].window_start if card.appointments else None
    return (
        (0, first, card.order.received_at) if first else (1, card.order.received_at, card.order.received_at)
    )
