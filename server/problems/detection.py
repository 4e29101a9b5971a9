"""Finding repeat faults and the problems behind them (no permission checks: callers check).

Repeat fault: a new order is flagged when an order for one of the same assets, or else at the
same site, was closed at most `window_days` × 24 hours before the new request was received.
The boundary is inclusive: exactly N days later is still a repeat, a second more is not. Asset
matches win over site matches (they are the stronger evidence); an order gets at most one flag,
naming the most recently closed earlier order.

Problem suggestion: when `SUGGEST_AT` or more orders with the same cause category were closed in
one calendar month (in the service's time zone), a problem with status "suggested" links them.
A later run for the same month adds newly closed orders to it while it is suggested or open; a
dismissed or resolved suggestion is left alone.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Subquery
from tortoise.transactions import in_transaction

from server.core import persist
from server.core.actor import Actor
from server.problems.models import Problem, ProblemStatus, RepeatFaultFlag, RepeatKind
from server.sla.calendar import DEFAULT_TZ
from server.workorders.actions import transaction
from server.workorders.models import Status, WorkOrder

REPEAT_WINDOW_DAYS = 30
SUGGEST_AT = 3
# Suggestions a later run may still add orders to.
_GROWING = (ProblemStatus.SUGGESTED, ProblemStatus.OPEN)


# --- repeat faults ------------------------------------------------------------------------------


async def flag_repeat_fault(
    order: WorkOrder, *, window_days: int = REPEAT_WINDOW_DAYS, conn: BaseDBAsyncClient | None = None
) -> RepeatFaultFlag | None:
    """Flag `order` if it repeats a recently closed one; the stored flag if it has one already."""
    async with transaction(conn) as tx:
        existing = await RepeatFaultFlag.filter(work_order_id=order.id).using_db(tx).first()
        if existing is not None:
            return existing
        found = await _previous(order, window_days=window_days, conn=tx)
        if found is None:
            return None
        previous, kind = found
        assert previous.closed_at is not None  # only closed orders are candidates
        flag = RepeatFaultFlag(
            work_order_id=order.id,
            previous_order_id=previous.id,
            kind=kind,
            days_between=(order.received_at - previous.closed_at).days,
        )
        await persist.save(flag, actor=None, conn=tx)
    return flag


async def _previous(
    order: WorkOrder, *, window_days: int, conn: BaseDBAsyncClient
) -> tuple[WorkOrder, RepeatKind] | None:
    received = order.received_at
    candidates = (
        WorkOrder.filter(
            status=Status.CLOSED,
            deleted=False,
            closed_at__gte=received - timedelta(days=window_days),
            closed_at__lte=received,
        )
        .exclude(id=order.id)
        .using_db(conn)
        .order_by("-closed_at", "id")
    )
    asset_ids = await order.assets.all().using_db(conn).values_list("id", flat=True)
    if asset_ids:
        same_asset = await candidates.filter(assets__id__in=list(asset_ids)).first()
        if same_asset is not None:
            return same_asset, RepeatKind.ASSET
    same_site = await candidates.filter(site_id=order.site_id).first()  # type: ignore[attr-defined]
    return None if same_site is None else (same_site, RepeatKind.SITE)


async def detect_repeat_faults(*, since: datetime, window_days: int = REPEAT_WINDOW_DAYS) -> int:
    """Flag the orders received since `since` that have no flag yet; returns how many were flagged."""
    unflagged = WorkOrder.filter(received_at__gte=since, deleted=False).exclude(
        id__in=Subquery(RepeatFaultFlag.all().values("work_order_id"))
    )
    flagged = 0
    for order in await unflagged.order_by("received_at", "id"):
        flagged += await flag_repeat_fault(order, window_days=window_days) is not None
    return flagged


# --- problem suggestions ------------------------------------------------------------------------


def month_bounds(day: date, *, tz: str = DEFAULT_TZ) -> tuple[datetime, datetime]:
    """UTC start (inclusive) and end (exclusive) of the local calendar month containing `day`."""
    zone = ZoneInfo(tz)
    start = datetime(day.year, day.month, 1, tzinfo=zone)
    following = datetime(day.year + day.month // 12, day.month % 12 + 1, 1, tzinfo=zone)
    return start.astimezone(UTC), following.astimezone(UTC)


async def suggest_problems(*, month: date, actor: Actor | None = None, tz: str = DEFAULT_TZ) -> list[Problem]:
    """Suggest (or extend) one problem per cause category with `SUGGEST_AT`+ closings in `month`."""
    start, end = month_bounds(month, tz=tz)
    rows = (
        await WorkOrder.filter(status=Status.CLOSED, deleted=False, closed_at__gte=start, closed_at__lt=end)
        .exclude(cause_category="")
        .values_list("id", "cause_category")
    )
    by_cause: dict[str, list[object]] = defaultdict(list)
    for order_id, cause in rows:
        by_cause[cause].append(order_id)
    label = f"{month.year:04d}-{month.month:02d}"
    suggested: list[Problem] = []
    for cause, order_ids in sorted(by_cause.items()):
        if len(order_ids) < SUGGEST_AT:
            continue
        problem = await _suggest(cause, label, order_ids, actor=actor)
        if problem is not None:
            suggested.append(problem)
    return suggested


async def _suggest(cause: str, label: str, order_ids: list[object], *, actor: Actor | None) -> Problem | None:
    try:
        async with in_transaction() as conn:
            problem = await Problem.filter(suggested_for=label, cause_category=cause).using_db(conn).first()
            if problem is None:
                problem = Problem(
                    title=f"{len(order_ids)} incidents caused by {cause!r} in {label}",
                    cause_category=cause,
                    status=ProblemStatus.SUGGESTED,
                    suggested_for=label,
                )
                await persist.save(problem, actor=actor, action="suggest", conn=conn)
            elif problem.status not in _GROWING:
                return None
            linked = set(await problem.work_orders.all().using_db(conn).values_list("id", flat=True))
            new = await WorkOrder.filter(id__in=[i for i in order_ids if i not in linked]).using_db(conn)
            if new:
                await problem.work_orders.add(*new, using_db=conn)
    except IntegrityError:
        return None  # a concurrent run suggested it first; that run links the orders
    return problem
