"""Per-order report facts: computed when an order moves, so every report figure is a SQL aggregate.

`refresh_facts` runs inside the status change's transaction (work order actions call it) and
when a rating or call-back is written (the signal handlers at the end); `refresh_stale` catches
up orders whose facts are missing or older than the order (the backfill command, and the monthly
report before it counts). What each fact means is stated on the model.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F, Q
from tortoise.functions import Count, Sum
from tortoise.signals import post_delete, post_save
from tortoise.transactions import in_transaction

from server.appointments.models import Appointment, AppointmentStatus
from server.audit.models import AuditEntry
from server.checklists.models import ChecklistRun
from server.core import persist
from server.core.actor import Actor
from server.core.errors import ValidationFailed
from server.core.serialize import snapshot
from server.customers.models import Site
from server.feedback.models import Callback, SatisfactionRating
from server.reports.models import WorkOrderFacts
from server.workorders.models import WorkOrder
from server.workorders.sla_state import SlaContext, load_sla_context, sla_state

log = logging.getLogger(__name__)

SATISFIED_SCORE = 4  # ratings of 4 or 5 (out of 5) count as satisfied
ARRIVAL_ACTION = "to_on_site"  # the audit action of every move to on_site: one per visit


@dataclass(frozen=True)
class SlaFacts:
    respond_seconds: int | None = None
    respond_met: bool | None = None
    resolve_seconds: int | None = None
    resolve_met: bool | None = None


def sla_facts(order: WorkOrder, *, tz: str, context: SlaContext) -> SlaFacts:
    """Business time each clock ran and whether it met its target; None while a clock runs."""
    try:
        state = sla_state(order, tz=tz, context=context)
    except ValidationFailed as exc:
        # Bad stored times must not block a status change; the order is left out of SLA figures.
        log.warning("no SLA facts for work order %s: %s", order.id, exc.message)
        return SlaFacts()
    tier = context.tier(order.sla_tier)
    # The engine stops the respond clock at the resolution when no response was recorded.
    responded = state.responded_at is not None or state.resolved_at is not None
    resolved = state.resolved_at is not None
    return SlaFacts(
        respond_seconds=_seconds(tier.respond - state.respond_left) if responded else None,
        respond_met=not state.respond_breached if responded else None,
        resolve_seconds=_seconds(state.elapsed_business) if resolved else None,
        resolve_met=not state.resolve_breached if resolved else None,
    )


def _seconds(value: timedelta) -> int:
    return max(0, int(value.total_seconds()))


async def visit_count(order: WorkOrder, conn: BaseDBAsyncClient) -> int:
    return (
        await AuditEntry.filter(
            entity=WorkOrder._meta.db_table, entity_id=str(order.id), action=ARRIVAL_ACTION
        )
        .using_db(conn)
        .count()
    )


async def on_time(order: WorkOrder, conn: BaseDBAsyncClient) -> bool | None:
    """Whether the last arrival was within its confirmed appointment: the latest window that had
    started by then, or the first window when he came before any of them."""
    arrived = order.arrived_at
    if arrived is None:
        return None
    windows = await (
        Appointment.filter(work_order_id=order.id, status=AppointmentStatus.CONFIRMED, deleted=False)
        .using_db(conn)
        .order_by("window_start")
        .values_list("window_start", "window_end")
    )
    if not windows:
        return None
    started = [end for start, end in windows if start <= arrived]
    window_end = started[-1] if started else windows[0][1]
    return bool(arrived <= window_end)


async def checklist_completed(order: WorkOrder, conn: BaseDBAsyncClient) -> bool | None:
    if order.arrived_at is None:
        return None
    return await (
        ChecklistRun.filter(work_order_id=order.id, deleted=False, completed_at__isnull=False)
        .using_db(conn)
        .exists()
    )


async def repeat_fault(order: WorkOrder, conn: BaseDBAsyncClient) -> bool:
    """Whether the order repeats a recently closed one, by the problem detector's rule (which also
    stores the flag it finds, so the problem screens see it as soon as the order moves)."""
    # Imported here: the detector uses the work order actions, which call this module.
    from server.problems.detection import flag_repeat_fault

    return await flag_repeat_fault(order, conn=conn) is not None


async def feedback_facts(order: WorkOrder, conn: BaseDBAsyncClient) -> dict[str, object]:
    ratings = await (
        SatisfactionRating.filter(work_order_id=order.id, deleted=False)
        .using_db(conn)
        .annotate(
            n_ratings=Count("id"),
            sum_score=Sum("score"),
            n_satisfied=Count("id", _filter=Q(score__gte=SATISFIED_SCORE)),
        )
        .values("n_ratings", "sum_score", "n_satisfied")
    )
    calls = await (
        Callback.filter(work_order_id=order.id)
        .using_db(conn)
        .annotate(
            n_calls=Count("id"),
            n_reached=Count("id", _filter=Q(reached=True)),
            n_complaints=Count("id", _filter=Q(complaint=True)),
        )
        .values("n_calls", "n_reached", "n_complaints")
    )
    rated, called = ratings[0], calls[0]
    return {
        "ratings": int(rated["n_ratings"]),
        "rating_total": int(rated["sum_score"] or 0),
        "ratings_satisfied": int(rated["n_satisfied"]),
        "called_back": int(called["n_calls"]) > 0,
        "callback_reached": int(called["n_reached"]) > 0,
        "complaint": int(called["n_complaints"]) > 0,
    }


async def compute_facts(
    order: WorkOrder, *, conn: BaseDBAsyncClient, context: SlaContext, tz: str
) -> dict[str, object]:
    """The column values of `order`'s facts row."""
    visits = await visit_count(order, conn)
    resolved = order.work_done_at is not None
    sla = sla_facts(order, tz=tz, context=context)
    return {
        "order_version": order.version,
        "received_at": order.received_at,
        "customer_id": order.customer_id,  # type: ignore[attr-defined]
        "site_id": order.site_id,  # type: ignore[attr-defined]
        "technician_id": order.assigned_to_id,  # type: ignore[attr-defined]
        "sla_tier": order.sla_tier,
        "fault_level": order.fault_level,
        "status": order.status.value,
        "deleted": order.deleted,
        "respond_seconds": sla.respond_seconds,
        "respond_met": sla.respond_met,
        "resolve_seconds": sla.resolve_seconds,
        "resolve_met": sla.resolve_met,
        "resolved_at": order.work_done_at,
        "visits": visits,
        # Fixed at the first visit: one arrival, and the visit never ended as "cannot finish".
        "first_time_fix": (visits <= 1 and not order.cannot_finish_reason) if resolved else None,
        "repeat_fault": await repeat_fault(order, conn),
        "on_time": await on_time(order, conn),
        "checklist_completed": await checklist_completed(order, conn),
        **await feedback_facts(order, conn),
    }


async def refresh_facts(
    order: WorkOrder,
    *,
    actor: Actor | None,
    conn: BaseDBAsyncClient,
    context: SlaContext | None = None,
) -> WorkOrderFacts:
    """Recompute and store the facts of `order` (already saved) in the caller's transaction."""
    ctx = context if context is not None else await load_sla_context()
    tz = await _site_timezone(order, conn)
    values = await compute_facts(order, conn=conn, context=ctx, tz=tz)
    row = await WorkOrderFacts.filter(work_order_id=order.id).using_db(conn).first()
    if row is None:
        row = WorkOrderFacts(work_order_id=order.id, **values)
        await persist.save(row, actor=actor, action="refresh", conn=conn)
        return row
    before = snapshot(row)
    for key, value in values.items():
        setattr(row, key, value)
    if snapshot(row) != before:
        await persist.save(row, actor=actor, before=before, action="refresh", conn=conn)
    return row


async def _site_timezone(order: WorkOrder, conn: BaseDBAsyncClient) -> str:
    site = await Site.filter(id=order.site_id).using_db(conn).only("id", "timezone").get()  # type: ignore[attr-defined]
    return site.timezone


def stale_orders(*, since: datetime | None = None, until: datetime | None = None) -> Q:
    """Orders without facts, or whose facts were computed from an older version of the order."""
    stale = Q(facts__id__isnull=True) | Q(facts__order_version__lt=F("version"))
    # In UTC: SQLite compares the stored UTC text.
    if since is not None:
        stale &= Q(received_at__gte=since.astimezone(UTC))
    if until is not None:
        stale &= Q(received_at__lt=until.astimezone(UTC))
    return stale


async def count_stale(*, since: datetime | None = None, until: datetime | None = None) -> int:
    return await WorkOrder.filter(stale_orders(since=since, until=until)).count()


async def refresh_stale(
    *,
    actor: Actor | None,
    since: datetime | None = None,
    until: datetime | None = None,
    batch: int = 200,
    advance: Callable[[int], None] | None = None,
) -> int:
    """Recompute missing or stale facts of orders received in [since, until); returns how many.

    Each batch is its own transaction with its orders locked, so a status change made meanwhile
    waits instead of being overwritten with older facts.
    """
    context = await load_sla_context()
    done = 0
    while True:
        async with in_transaction() as conn:
            ids = await (
                WorkOrder.filter(stale_orders(since=since, until=until))
                .using_db(conn)
                .order_by("received_at", "id")
                .limit(batch)
                .values_list("id", flat=True)
            )
            if not ids:
                return done
            orders = await WorkOrder.filter(id__in=ids).using_db(conn).select_for_update()
            for order in orders:
                await refresh_facts(order, actor=actor, conn=conn, context=context)
        done += len(orders)
        if advance is not None:
            advance(len(orders))


# Feedback arrives without a status change (a rating after the visit, a call-back that did not
# reach the customer), so its rows refresh their order's facts as they are written. Rows written
# in bulk bypass this; `refresh_stale` does not notice them either, so bulk loaders refresh
# the orders concerned themselves.
@post_save(SatisfactionRating, Callback)
async def _feedback_saved(
    sender: type[SatisfactionRating | Callback],
    instance: SatisfactionRating | Callback,
    created: bool,
    using_db: BaseDBAsyncClient | None,
    update_fields: list[str] | None,
) -> None:
    await _refresh_for(instance.work_order_id, using_db)  # type: ignore[union-attr]


@post_delete(SatisfactionRating, Callback)
async def _feedback_deleted(
    sender: type[SatisfactionRating | Callback],
    instance: SatisfactionRating | Callback,
    using_db: BaseDBAsyncClient | None,
) -> None:
    await _refresh_for(instance.work_order_id, using_db)  # type: ignore[union-attr]


async def _refresh_for(work_order_id: object, conn: BaseDBAsyncClient | None) -> None:
    if conn is None:
        async with in_transaction() as tx:
            await _refresh_order(work_order_id, tx)
    else:
        await _refresh_order(work_order_id, conn)


async def _refresh_order(work_order_id: object, conn: BaseDBAsyncClient) -> None:
    order = await WorkOrder.filter(id=work_order_id).using_db(conn).first()
    if order is not None:
        await refresh_facts(order, actor=None, conn=conn)
