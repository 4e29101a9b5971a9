"""Status changes of a work order: the single path every move takes, and the actions built on it.

`transition` checks the life-cycle table (lifecycle.py), the inputs a move needs, the checklist
before work is done, stamps the matching timestamps and saves with an audit entry, all in one
transaction with the row locked, so two devices moving the same order cannot interleave.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime, timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from server.checklists.runs import missing_required_items
from server.core import persist
from server.core.actor import Actor, require
from server.core.clock import utcnow
from server.core.errors import InvalidTransition, NotFound, ValidationFailed
from server.core.roles import DESK, Role
from server.core.serialize import snapshot
from server.reports.facts import refresh_facts
from server.workorders import scope
from server.workorders.lifecycle import (
    LATE_REPORTABLE,
    TERMINAL,
    HoldReason,
    check_transition,
    label,
)
from server.workorders.models import Status, WorkOrder

# Who may report lateness or raise an escalation: the technician on his order, or the desk.
FIELD_ROLES = (Role.TECHNICIAN, *DESK)
ACKNOWLEDGERS = (Role.SUPERVISOR, Role.ADMIN)
MAX_REASON = 2000


@asynccontextmanager
async def transaction(conn: BaseDBAsyncClient | None) -> AsyncIterator[BaseDBAsyncClient]:
    """The caller's transaction when given (e.g. the sync engine's), else a new one."""
    if conn is not None:
        yield conn
        return
    async with in_transaction() as tx:
        yield tx


async def load_for_update(actor: Actor, work_order_id: uuid.UUID, *, conn: BaseDBAsyncClient) -> WorkOrder:
    """The order if `actor` may see it, locked for this transaction; NOT_FOUND otherwise."""
    order = (
        await scope.work_orders_for(actor).filter(id=work_order_id).using_db(conn).select_for_update().first()
    )
    if order is None:
        raise NotFound("No such work order.")
    return order


def held_from(order: WorkOrder) -> Status | None:
    if order.status is not Status.ON_HOLD or not order.status_before_hold:
        return None
    return Status(order.status_before_hold)


def late_report_pending(order: WorkOrder) -> bool:
    """The technician reported he is late and the order was not re-dispatched since."""
    reported = order.late_reported_at
    return reported is not None and (order.redispatched_at is None or order.redispatched_at < reported)


def escalation_pending(order: WorkOrder) -> bool:
    raised = order.escalation_raised_at
    return raised is not None and (order.escalated_at is None or order.escalated_at < raised)


def _text(value: str, *, field: str, what: str) -> str:
    text = value.strip()
    if not text:
        raise ValidationFailed(f"{what} is required.", field=field, code="REASON_REQUIRED")
    if len(text) > MAX_REASON:
        raise ValidationFailed(f"{what} is too long (at most {MAX_REASON} characters).", field=field)
    return text


def _hold_reason(reason: str) -> HoldReason:
    try:
        return HoldReason(reason.strip())
    except ValueError:
        choices = ", ".join(r.value for r in HoldReason)
        raise ValidationFailed(
            f"A hold needs a reason: one of {choices}.", field="reason", code="REASON_REQUIRED"
        ) from None


def _check_inputs(
    order: WorkOrder, *, target: Status, reason: str, next_visit_date: date | None
) -> dict[str, Any]:
    """The cleaned inputs `target` needs; raises when one is missing."""
    current = order.status
    if target is Status.CANCELLED:
        return {"reason": _text(reason, field="reason", what="A reason for cancelling")}
    if target is Status.ON_HOLD:
        return {"reason": _hold_reason(reason)}
    if target is Status.CANNOT_FINISH:
        why = _text(reason, field="reason", what="The reason the work cannot be finished today")
        if next_visit_date is None:
            raise ValidationFailed(
                "Give the date of the next visit.", field="nextVisitDate", code="NEXT_VISIT_DATE_REQUIRED"
            )
        return {"reason": why, "next_visit_date": next_visit_date}
    if current is Status.EN_ROUTE and target is Status.APPOINTMENT_CONFIRMED:
        return {"reason": _text(reason, field="reason", what="The reason for being late")}
    if target is Status.DISPATCHED and order.assigned_to_id is None:  # type: ignore[attr-defined]
        raise ValidationFailed(
            "Choose a technician to dispatch to (assignWorkOrder).",
            field="technicianId",
            code="TECHNICIAN_REQUIRED",
        )
    return {}


async def _require_checklist(order: WorkOrder, conn: BaseDBAsyncClient) -> None:
    missing = await missing_required_items(work_order_id=order.id, conn=conn)
    if missing:
        raise ValidationFailed(
            f"Finish the on-site checklist first; missing: {', '.join(missing)}.",
            code="CHECKLIST_INCOMPLETE",
            missing=missing,
        )


def mark_late(order: WorkOrder, *, reason: str, now: datetime) -> None:
    order.late_reported_at = now
    order.late_reason = reason


def _end_hold(order: WorkOrder, now: datetime) -> None:
    iso = now.isoformat()
    order.pauses = [{**p, "end": iso} if p.get("end") is None else p for p in order.pauses or []]
    order.status_before_hold = ""
    order.hold_reason = ""


def _stamp(
    order: WorkOrder, *, target: Status, inputs: dict[str, Any], now: datetime, reassign: bool
) -> None:
    """Set the status and the fields that go with the move."""
    current = order.status
    resuming = current is Status.ON_HOLD and target is held_from(order) and not reassign
    if current is Status.ON_HOLD:
        _end_hold(order, now)
    order.status = target
    if resuming:
        return
    if target is Status.DISPATCHED:
        # The dispatch timer measures the first dispatch; a later one answers a late report.
        if late_report_pending(order):
            order.redispatched_at = now
        elif order.dispatched_at is None:
            order.dispatched_at = now
    elif target is Status.ACCEPTED:
        order.accepted_at = now
        order.responded_at = order.responded_at or now
    elif target is Status.APPOINTMENT_CONFIRMED and current is Status.EN_ROUTE:
        mark_late(order, reason=inputs["reason"], now=now)
    elif target is Status.ON_SITE:
        if current is Status.WORK_DONE:
            order.work_done_at = None  # the customer's test failed: not resolved after all
        else:
            order.arrived_at = now
    elif target is Status.WORK_DONE:
        order.work_done_at = now
    elif target is Status.CUSTOMER_SIGNED:
        order.signed_at = now
    elif target is Status.CALLED_BACK:
        order.called_back_at = now
    elif target is Status.CLOSED:
        order.closed_at = now
    elif target is Status.CANCELLED:
        order.cancelled_at = now
        order.cancel_reason = inputs["reason"]
    elif target is Status.CANNOT_FINISH:
        order.cannot_finish_reason = inputs["reason"]
        order.next_visit_date = inputs["next_visit_date"]
    elif target is Status.ON_HOLD:
        reason: HoldReason = inputs["reason"]
        order.status_before_hold = current.value
        order.hold_reason = reason.value
        order.pauses = [
            *(order.pauses or []),
            {"start": now.isoformat(), "end": None, "reason": reason.value},
        ]


CLOCK_SKEW = timedelta(minutes=5)


def occurred_at(order: WorkOrder, at: datetime | None) -> datetime:
    """The device's time for an offline move, or now. A phone's clock can be wrong: a time in the
    future or before the order existed is refused rather than recorded."""
    now = utcnow()
    if at is None:
        return now
    if at.tzinfo is None:
        raise ValidationFailed("The time of the change needs a time zone.", code="BAD_TIME")
    if at > now + CLOCK_SKEW:
        raise ValidationFailed(
            "The time of the change is in the future; check the phone's clock.", code="BAD_TIME"
        )
    if at < order.received_at:
        raise ValidationFailed("The time of the change is before the order was received.", code="BAD_TIME")
    return min(at, now)


async def apply_transition(
    order: WorkOrder,
    *,
    actor: Actor,
    target: Status,
    conn: BaseDBAsyncClient,
    reason: str = "",
    next_visit_date: date | None = None,
    reassign: bool = False,
    before: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> None:
    """Move a loaded, locked order; `before` is its snapshot when the caller changed it already.
    `at` is when it happened on a device that was offline; it is checked for plausibility."""
    check_transition(current=order.status, target=target, role=actor.role, held_from=held_from(order))
    inputs = _check_inputs(order, target=target, reason=reason, next_visit_date=next_visit_date)
    if target is Status.WORK_DONE:
        await _require_checklist(order, conn)
    snap = before if before is not None else snapshot(order)
    _stamp(order, target=target, inputs=inputs, now=occurred_at(order, at), reassign=reassign)
    await persist.save(order, actor=actor, before=snap, action=f"to_{target.value}", conn=conn)
    # Report figures are aggregates over per-order facts, kept current with every move.
    await refresh_facts(order, actor=actor, conn=conn)


async def transition(
    *,
    actor: Actor,
    work_order_id: uuid.UUID,
    target: Status,
    reason: str = "",
    next_visit_date: date | None = None,
    conn: BaseDBAsyncClient | None = None,
) -> WorkOrder:
    """Move an order to `target`: the one entry point for status changes."""
    require(actor)
    async with transaction(conn) as tx:
        order = await load_for_update(actor, work_order_id, conn=tx)
        await apply_transition(
            order, actor=actor, target=target, reason=reason, next_visit_date=next_visit_date, conn=tx
        )
    return order


async def hold_work_order(
    *, actor: Actor, work_order_id: uuid.UUID, reason: str, conn: BaseDBAsyncClient | None = None
) -> WorkOrder:
    """Put the order on hold (waiting_customer | waiting_parts); the SLA clock pauses."""
    return await transition(
        actor=actor, work_order_id=work_order_id, target=Status.ON_HOLD, reason=reason, conn=conn
    )


async def resume_work_order(
    *, actor: Actor, work_order_id: uuid.UUID, conn: BaseDBAsyncClient | None = None
) -> WorkOrder:
    """Return a held order to the status it was held in; the SLA clock runs again."""
    require(actor)
    async with transaction(conn) as tx:
        order = await load_for_update(actor, work_order_id, conn=tx)
        target = held_from(order)
        if target is None:
            raise InvalidTransition(
                f"Only an order on hold can be resumed; this one is {label(order.status)}.",
                current=order.status.value,
            )
        await apply_transition(order, actor=actor, target=target, conn=tx)
    return order


async def cancel_work_order(
    *, actor: Actor, work_order_id: uuid.UUID, reason: str, conn: BaseDBAsyncClient | None = None
) -> WorkOrder:
    return await transition(
        actor=actor, work_order_id=work_order_id, target=Status.CANCELLED, reason=reason, conn=conn
    )


async def report_late(
    *, actor: Actor, work_order_id: uuid.UUID, reason: str, conn: BaseDBAsyncClient | None = None
) -> WorkOrder:
    """The technician will be late or cannot come; the desk must re-dispatch within 10 minutes."""
    require(actor, *FIELD_ROLES)
    why = _text(reason, field="reason", what="The reason for being late")
    async with transaction(conn) as tx:
        order = await load_for_update(actor, work_order_id, conn=tx)
        if order.status not in LATE_REPORTABLE:
            raise InvalidTransition(
                f"A work order that is {label(order.status)} cannot be reported late.",
                current=order.status.value,
            )
        if order.status is Status.EN_ROUTE:
            # Back to arranging the visit; the move itself records the late report.
            await apply_transition(
                order, actor=actor, target=Status.APPOINTMENT_CONFIRMED, reason=why, conn=tx
            )
        else:
            before = snapshot(order)
            mark_late(order, reason=why, now=utcnow())
            await persist.save(order, actor=actor, before=before, action="report_late", conn=tx)
    return order


async def raise_escalation(
    *, actor: Actor, work_order_id: uuid.UUID, note: str, conn: BaseDBAsyncClient | None = None
) -> WorkOrder:
    """Escalate to the supervisor, who must be reached within 20 minutes."""
    require(actor, *FIELD_ROLES)
    text = _text(note, field="note", what="A note for the supervisor")
    async with transaction(conn) as tx:
        order = await load_for_update(actor, work_order_id, conn=tx)
        if order.status in TERMINAL:
            raise InvalidTransition(
                f"A work order that is {label(order.status)} cannot be escalated.", current=order.status.value
            )
        before = snapshot(order)
        # Raising again while one is waiting updates the note but keeps the 20-minute clock running.
        if not escalation_pending(order):
            order.escalation_raised_at = utcnow()
        order.escalation_note = text
        await persist.save(order, actor=actor, before=before, action="escalate", conn=tx)
    return order


async def acknowledge_escalation(
    *, actor: Actor, work_order_id: uuid.UUID, conn: BaseDBAsyncClient | None = None
) -> WorkOrder:
    """The supervisor has been reached: stops the escalation timer."""
    require(actor, *ACKNOWLEDGERS)
    async with transaction(conn) as tx:
        order = await load_for_update(actor, work_order_id, conn=tx)
        if not escalation_pending(order):
            raise ValidationFailed(
                "This work order has no escalation waiting for acknowledgement.",
                code="NO_PENDING_ESCALATION",
            )
        before = snapshot(order)
        order.escalated_at = utcnow()
        await persist.save(order, actor=actor, before=before, action="acknowledge_escalation", conn=tx)
    return order
