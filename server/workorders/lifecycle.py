"""The work order life cycle: which status may follow which, and who may make the move.

Pure rules, no I/O. Ownership (a technician acts only on his own orders) is checked by the
service, which loads orders through the visibility scope; this module only knows roles.

Main path: received → dispatched → accepted → appointment_confirmed → en_route → on_site →
work_done → customer_signed → called_back → closed. Side paths: on_hold (the SLA clock is
paused; resuming returns to the status it was held in), cannot_finish (the visit ends without
a fix and a next visit date is given), reassignment back to dispatched, and cancelled.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from server.core.errors import Forbidden, InvalidTransition
from server.core.roles import DESK, Role
from server.workorders.models import Status


class Mover(StrEnum):
    """Who performs a move: the technician's moves may also be set by the desk on his behalf."""

    TECHNICIAN = "technician"
    DESK = "desk"


class HoldReason(StrEnum):
    WAITING_CUSTOMER = "waiting_customer"
    WAITING_PARTS = "waiting_parts"


TERMINAL: frozenset[Status] = frozenset({Status.CLOSED, Status.CANCELLED})
# Statuses an order can be held in; resuming returns to the one stored in `status_before_hold`.
HOLDABLE: frozenset[Status] = frozenset(
    {
        Status.RECEIVED,
        Status.DISPATCHED,
        Status.ACCEPTED,
        Status.APPOINTMENT_CONFIRMED,
        Status.EN_ROUTE,
        Status.ON_SITE,
        Status.CANNOT_FINISH,
    }
)
# Reassigning a technician sends the order back to dispatched.
REASSIGNABLE: frozenset[Status] = frozenset(
    {
        Status.DISPATCHED,
        Status.ACCEPTED,
        Status.APPOINTMENT_CONFIRMED,
        Status.EN_ROUTE,
        Status.CANNOT_FINISH,
        Status.ON_HOLD,
    }
)
# Once the work is done the order is part of the service record: it is closed, not cancelled.
CANCELLABLE: frozenset[Status] = HOLDABLE | {Status.ON_HOLD}
# The technician reports he will be late or cannot come; the visit goes back to being arranged.
LATE_REPORTABLE: frozenset[Status] = frozenset(
    {Status.DISPATCHED, Status.ACCEPTED, Status.APPOINTMENT_CONFIRMED, Status.EN_ROUTE}
)

_TECHNICIAN_MOVES: tuple[tuple[Status, Status], ...] = (
    (Status.DISPATCHED, Status.ACCEPTED),
    (Status.ACCEPTED, Status.APPOINTMENT_CONFIRMED),
    (Status.APPOINTMENT_CONFIRMED, Status.EN_ROUTE),
    (Status.EN_ROUTE, Status.ON_SITE),
    (Status.EN_ROUTE, Status.APPOINTMENT_CONFIRMED),  # running late / cannot come
    (Status.ON_SITE, Status.WORK_DONE),
    (Status.ON_SITE, Status.CANNOT_FINISH),
    (Status.WORK_DONE, Status.ON_SITE),  # the customer's test failed: back to work
    (Status.WORK_DONE, Status.CUSTOMER_SIGNED),
    (Status.CANNOT_FINISH, Status.APPOINTMENT_CONFIRMED),  # the next visit is agreed
)
_DESK_MOVES: tuple[tuple[Status, Status], ...] = (
    (Status.RECEIVED, Status.DISPATCHED),
    (Status.CUSTOMER_SIGNED, Status.CALLED_BACK),
    (Status.CUSTOMER_SIGNED, Status.CLOSED),  # not sampled for a call-back
    (Status.CALLED_BACK, Status.CLOSED),
    *((status, Status.DISPATCHED) for status in REASSIGNABLE),
    *((status, Status.ON_HOLD) for status in HOLDABLE),
    *((Status.ON_HOLD, status) for status in HOLDABLE),  # resume
    *((status, Status.CANCELLED) for status in CANCELLABLE),
)


def _table() -> Mapping[tuple[Status, Status], Mover]:
    table: dict[tuple[Status, Status], Mover] = {move: Mover.DESK for move in _DESK_MOVES}
    # A move in both lists is the technician's (the desk may make it too).
    table.update({move: Mover.TECHNICIAN for move in _TECHNICIAN_MOVES})
    return MappingProxyType(table)


TRANSITIONS: Mapping[tuple[Status, Status], Mover] = _table()


def label(status: Status) -> str:
    return status.value.replace("_", " ")


def may_move(role: Role, mover: Mover) -> bool:
    if role in DESK:
        return True
    return role is Role.TECHNICIAN and mover is Mover.TECHNICIAN


def check_transition(*, current: Status, target: Status, role: Role, held_from: Status | None = None) -> None:
    """Raise InvalidTransition if the move does not exist, Forbidden if `role` may not make it.

    `held_from` is the status an order on hold was held in: resuming must return there.
    """
    mover = TRANSITIONS.get((current, target))
    if mover is None or _wrong_resume(current, target, held_from):
        raise InvalidTransition(
            f"A work order that is {label(current)} cannot become {label(target)}.",
            current=current.value,
            target=target.value,
        )
    if not may_move(role, mover):
        raise Forbidden(
            f"A {role.value} may not set a work order to {label(target)}.",
            current=current.value,
            target=target.value,
        )


def _wrong_resume(current: Status, target: Status, held_from: Status | None) -> bool:
    if current is not Status.ON_HOLD or target in {Status.DISPATCHED, Status.CANCELLED}:
        return False
    return held_from is not None and target is not held_from


def allowed_targets(*, current: Status, role: Role, held_from: Status | None = None) -> list[Status]:
    """Statuses `role` may move an order to from `current`, in life-cycle order."""
    return [
        target
        for target in Status
        if (mover := TRANSITIONS.get((current, target))) is not None
        and may_move(role, mover)
        and not _wrong_resume(current, target, held_from)
    ]
