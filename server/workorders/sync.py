"""Work orders replicate both ways. The device changes the field work and moves the status; the
desk owns the request and the schedule. Every change goes through the same service rules as the
GraphQL mutations, so a push cannot do what the API would refuse."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from server.core import persist
from server.core.actor import Actor
from server.core.errors import Forbidden, ValidationFailed
from server.core.roles import DESK
from server.core.serialize import snapshot
from server.customers.models import Site
from server.sla.calendar import DEFAULT_TZ
from server.syncing.adapter import ModelAdapter
from server.syncing.fields import choice, day, ref, text, when
from server.workorders import scope
from server.workorders.actions import apply_transition, mark_late, occurred_at
from server.workorders.models import Status, WorkOrder
from server.workorders.service import _apply_changes
from server.workorders.sla_state import load_sla_context, sla_state
from sync.registry import Owner

D, T, S = Owner.DISPATCHER, Owner.TECHNICIAN, Owner.SERVER

FIELD_WORK = {"progress_note", "parts_used", "resolution", "cause_category"}
DESK_EDITABLE = {"symptom", "fault_level", "sla_tier"}
# Columns a status move sets itself; the device may send its own time for the technician's moves.
MOVE_INPUTS = {
    "status",
    "accepted_at",
    "arrived_at",
    "work_done_at",
    "signed_at",
    "late_reported_at",
    "late_reason",
    "next_visit_date",
    "cannot_finish_reason",
}
DEVICE_TIME = {
    Status.ACCEPTED: "accepted_at",
    Status.ON_SITE: "arrived_at",
    Status.WORK_DONE: "work_done_at",
    Status.CUSTOMER_SIGNED: "signed_at",
    Status.APPOINTMENT_CONFIRMED: "late_reported_at",
}


async def write_work_order(
    actor: Actor, values: dict[str, Any], row: Any, changed: set[str], conn: BaseDBAsyncClient
) -> Model:
    if row is None:
        raise Forbidden("Work orders are recorded by the service desk.", code="FORBIDDEN")
    order: WorkOrder = row
    unexpected = changed - FIELD_WORK - DESK_EDITABLE - MOVE_INPUTS - {"scheduled_date"}
    if unexpected:
        raise Forbidden(
            f"These fields change only through the desk's actions: {', '.join(sorted(unexpected))}.",
            code="USE_MUTATION",
        )
    if changed & (DESK_EDITABLE | {"scheduled_date"}) and actor.role not in DESK:
        raise Forbidden("Only the service desk may change the request or the schedule.")
    before = snapshot(order)
    edits = {k: values[k] for k in changed & (FIELD_WORK | DESK_EDITABLE)}
    if edits:
        await _apply_changes(order, edits, conn=conn)
    if "scheduled_date" in changed:
        order.scheduled_date = values["scheduled_date"]
    target = Status(values["status"]) if "status" in changed else None
    if target is not None:
        await _move(actor, order, target, values, conn, before)
    elif "late_reported_at" in changed and values.get("late_reported_at") is not None:
        mark_late(
            order,
            reason=_reason(values.get("late_reason")),
            now=occurred_at(order, values["late_reported_at"]),
        )
        await persist.save(order, actor=actor, before=before, action="report_late", conn=conn)
    else:
        await persist.save(order, actor=actor, before=before, conn=conn)
    return order


async def _move(
    actor: Actor,
    order: WorkOrder,
    target: Status,
    values: dict[str, Any],
    conn: BaseDBAsyncClient,
    before: Any,
) -> None:
    column = DEVICE_TIME.get(target)
    at: datetime | None = values.get(column) if column else None
    reason = (
        values.get("cannot_finish_reason") if target is Status.CANNOT_FINISH else values.get("late_reason")
    )
    await apply_transition(
        order,
        actor=actor,
        target=target,
        conn=conn,
        reason=_reason(reason),
        next_visit_date=values.get("next_visit_date"),
        before=before,
        at=at,
    )


SLA_FIELDS = ("respondBy", "resolveBy", "slaPaused")


def _instant(raw: Any) -> datetime | None:
    return datetime.fromisoformat(raw.replace("Z", "+00:00")) if isinstance(raw, str) and raw else None


async def with_sla(docs: list[dict[str, Any]], conn: BaseDBAsyncClient) -> None:
    """The SLA deadlines the server computes (business hours, holidays, the site's time zone), so
    a phone shows the same countdown as the dispatcher's board. They depend only on the document,
    never on the clock: while the order is on hold they are null and `slaPaused` is true."""
    live = [d for d in docs if not d.get("deleted") and d.get("receivedAt")]
    for doc in docs:
        doc.update(respondBy=None, resolveBy=None, slaPaused=False)
    if not live:
        return
    context = await load_sla_context()
    site_ids = {d["siteId"] for d in live if d.get("siteId")}
    zones = {
        str(k): v for k, v in await Site.filter(id__in=site_ids).using_db(conn).values_list("id", "timezone")
    }
    for doc in live:
        pauses = doc.get("pauses") or []
        if any(p.get("end") is None for p in pauses):
            doc["slaPaused"] = True
            continue
        order = WorkOrder(  # never saved: the SLA functions read these fields only
            received_at=_instant(doc["receivedAt"]),
            sla_tier=doc.get("slaTier") or "standard",
            pauses=pauses,
            responded_at=_instant(doc.get("respondedAt")),
            work_done_at=_instant(doc.get("workDoneAt")),
            status=Status(doc["status"]),
            cancelled_at=_instant(doc.get("cancelledAt")),
        )
        events = [order.received_at, order.responded_at, order.work_done_at, order.cancelled_at]
        events += [_instant(p.get("end")) for p in pauses]
        # "Now" = the latest thing that happened: the deadlines then never move with the clock.
        as_of = max(e for e in events if e is not None)
        state = sla_state(
            order, tz=zones.get(doc.get("siteId") or "", DEFAULT_TZ), context=context, now=as_of
        )
        doc["respondBy"] = state.respond_by.isoformat().replace("+00:00", "Z")
        doc["resolveBy"] = state.resolve_by.isoformat().replace("+00:00", "Z")


def _reason(value: Any) -> str:
    if value is not None and not isinstance(value, str):
        raise ValidationFailed("A reason must be text.")
    return value or ""


WORK_ORDERS = ModelAdapter.build(
    name="workOrders",
    model=WorkOrder,
    fields={
        "number": text("number", S),
        "customerId": ref("customer_id", D),
        "siteId": ref("site_id", D),
        "sourceChannel": choice("source_channel", D),
        "symptom": text("symptom", D),
        "faultLevel": text("fault_level", D),
        "slaTier": text("sla_tier", D),
        "status": choice("status", D),
        "statusBeforeHold": text("status_before_hold", S),
        "holdReason": text("hold_reason", S),
        "pauses": text("pauses", S),
        "assignedToId": ref("assigned_to_id", D),
        "receivedById": ref("received_by_id", S),
        "scheduledDate": day("scheduled_date", D),
        "receivedAt": when("received_at", S),
        "dispatchedAt": when("dispatched_at", S),
        "acceptedAt": when("accepted_at", T),
        "respondedAt": when("responded_at", S),
        "arrivedAt": when("arrived_at", T),
        "workDoneAt": when("work_done_at", T),
        "signedAt": when("signed_at", T),
        "calledBackAt": when("called_back_at", S),
        "closedAt": when("closed_at", S),
        "cancelledAt": when("cancelled_at", S),
        "cancelReason": text("cancel_reason", S),
        "lateReportedAt": when("late_reported_at", T),
        "lateReason": text("late_reason", T),
        "redispatchedAt": when("redispatched_at", S),
        "escalationRaisedAt": when("escalation_raised_at", S),
        "escalatedAt": when("escalated_at", S),
        "escalationNote": text("escalation_note", S),
        "nextVisitDate": day("next_visit_date", T),
        "cannotFinishReason": text("cannot_finish_reason", T),
        "partsUsed": text("parts_used", T),
        "progressNote": text("progress_note", T),
        "resolution": text("resolution", T),
        "causeCategory": text("cause_category", T),
        "sealBroken": text("seal_broken", S),
    },
    scope=scope.work_orders_for,
    write=write_work_order,
    computed=SLA_FIELDS,
    enrich=with_sla,
)
