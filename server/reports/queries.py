"""The SQL behind the report figures: which facts the filters select, and the aggregates over them.

Three statements answer the whole dashboard, each one pass over its table:
- `partials`: one GROUP BY over the facts by SLA tier, fault level, technician and status, with
  every count and sum the figures need as a conditional aggregate. Totals, the SLA groups and
  the per-technician lines are sums of these partial rows (additive counts only).
- `rating_totals` and `callback_totals`: the ratings and call-backs of the selected orders,
  joined to their facts and grouped the same way by status.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.expressions import Q
from tortoise.functions import Count, Sum
from tortoise.queryset import QuerySet

from server.core.errors import ValidationFailed
from server.feedback.models import Callback, SatisfactionRating
from server.reports.models import WorkOrderFacts
from server.workorders.models import Status

SATISFIED_SCORE = 4
CANCELLED = Status.CANCELLED.value
# Histogram edges in minutes of business time; the last bucket is open-ended.
RESPONSE_EDGES: tuple[int, ...] = (0, 15, 30, 60, 120, 240, 480)
RESOLUTION_EDGES: tuple[int, ...] = (0, 60, 120, 240, 480, 960, 1920)
GROUP_KEYS = ("sla_tier", "fault_level", "technician_id", "status")
_VIA_ORDER = "work_order__facts__"  # from a rating or call-back to its order's facts


@dataclass(frozen=True)
class Filters:
    start: datetime
    end: datetime
    customer_id: uuid.UUID | None = None
    site_id: uuid.UUID | None = None
    technician_id: uuid.UUID | None = None

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValidationFailed("The period needs times with a time zone.", field="start")
        if self.end <= self.start:
            raise ValidationFailed("The period must end after it starts.", field="end")
        # SQLite compares stored UTC text, so bounds in another zone would select the wrong rows.
        object.__setattr__(self, "start", self.start.astimezone(UTC))
        object.__setattr__(self, "end", self.end.astimezone(UTC))


def selected(filters: Filters, *, prefix: str = "") -> Q:
    """Facts of orders received in the period that match the filters (cancelled ones included)."""
    criteria: dict[str, Any] = {
        f"{prefix}deleted": False,
        f"{prefix}received_at__gte": filters.start,
        f"{prefix}received_at__lt": filters.end,
    }
    for name in ("customer_id", "site_id", "technician_id"):
        value = getattr(filters, name)
        if value is not None:
            criteria[f"{prefix}{name}"] = value
    return Q(**criteria)


def counted(filters: Filters, *, prefix: str = "") -> Q:
    """The selected orders that count in figures: all but the cancelled ones."""
    return selected(filters, prefix=prefix) & ~Q(**{f"{prefix}status": CANCELLED})


def facts_in(filters: Filters) -> QuerySet[WorkOrderFacts]:
    return WorkOrderFacts.filter(selected(filters))


def _where(**criteria: Any) -> Count:
    """COUNT of the rows matching `criteria`: conditional, so one pass serves every figure."""
    return Count("id", _filter=Q(**criteria))


def _true(field: str) -> Count:
    return _where(**{field: True})


def _known(field: str) -> Count:
    return _where(**{f"{field}__isnull": False})


def bucket_key(field: str, index: int) -> str:
    return f"{field}_b{index}"


def _buckets(field: str, edges: Sequence[int]) -> dict[str, Count]:
    out: dict[str, Count] = {}
    for i, low in enumerate(edges):
        bounds: dict[str, Any] = {f"{field}__gte": low * 60}
        if i + 1 < len(edges):
            bounds[f"{field}__lt"] = edges[i + 1] * 60
        out[bucket_key(field, i)] = _where(**bounds)
    return out


def _aggregates() -> dict[str, Any]:
    # Names must differ from the model's fields: a filter would resolve them as annotations.
    return {
        "n_orders": Count("id"),
        "n_resolved": _known("resolved_at"),
        "n_closed": _where(status=Status.CLOSED.value),
        "n_respond": _known("respond_met"),
        "n_respond_met": _true("respond_met"),
        "n_resolve": _known("resolve_met"),
        "n_resolve_met": _true("resolve_met"),
        "n_respond_seconds": _known("respond_seconds"),
        "sum_respond_seconds": Sum("respond_seconds"),
        "n_resolve_seconds": _known("resolve_seconds"),
        "sum_resolve_seconds": Sum("resolve_seconds"),
        "n_ftf_known": _known("first_time_fix"),
        "n_ftf": _true("first_time_fix"),
        "n_repeat": _true("repeat_fault"),
        "n_on_time_known": _known("on_time"),
        "n_on_time": _true("on_time"),
        "n_checklist_known": _known("checklist_completed"),
        "n_checklist": _true("checklist_completed"),
        **_buckets("respond_seconds", RESPONSE_EDGES),
        **_buckets("resolve_seconds", RESOLUTION_EDGES),
    }


async def partials(filters: Filters) -> list[dict[str, Any]]:
    """Every count and sum, per SLA tier, fault level, technician and status (None sums as 0)."""
    aggregates = _aggregates()
    rows = await (
        facts_in(filters).annotate(**aggregates).group_by(*GROUP_KEYS).values(*GROUP_KEYS, *aggregates)
    )
    for row in rows:
        for key in aggregates:
            row[key] = int(row[key] or 0)
        if row["technician_id"] is not None:
            row["technician_id"] = as_uuid(row["technician_id"])
    return rows


async def rating_totals(filters: Filters) -> tuple[int, int, int]:
    """Ratings of the counted orders: how many, their score total, how many were 4 or 5."""
    rows = await (
        SatisfactionRating.filter(Q(deleted=False) & counted(filters, prefix=_VIA_ORDER))
        .annotate(
            n_ratings=Count("id"),
            sum_score=Sum("score"),
            n_satisfied=_where(score__gte=SATISFIED_SCORE),
        )
        # Grouped by the order's status: each order has one, so the groups add up exactly.
        .group_by(f"{_VIA_ORDER}status")
        .values("n_ratings", "sum_score", "n_satisfied")
    )
    return _add(rows, "n_ratings"), _add(rows, "sum_score"), _add(rows, "n_satisfied")


async def callback_totals(filters: Filters) -> tuple[int, int, int]:
    """Counted orders called back, those whose customer was reached, those with a complaint."""
    rows = await (
        Callback.filter(counted(filters, prefix=_VIA_ORDER))
        .annotate(
            n_called=Count("work_order_id", distinct=True),
            n_reached=Count("work_order_id", distinct=True, _filter=Q(reached=True)),
            n_complaints=Count("work_order_id", distinct=True, _filter=Q(complaint=True)),
        )
        # Grouped by the order's status: an order is in one group, so distinct counts add up.
        .group_by(f"{_VIA_ORDER}status")
        .values("n_called", "n_reached", "n_complaints")
    )
    return _add(rows, "n_called"), _add(rows, "n_reached"), _add(rows, "n_complaints")


def _add(rows: list[dict[str, Any]], key: str) -> int:
    return sum(int(row[key] or 0) for row in rows)


async def ratings_by_order(filters: Filters) -> dict[uuid.UUID, dict[str, int]]:
    """Per selected order: its ratings, their score total and the satisfied ones."""
    rows = await (
        SatisfactionRating.filter(Q(deleted=False) & selected(filters, prefix=_VIA_ORDER))
        .annotate(
            n_ratings=Count("id"),
            sum_score=Sum("score"),
            n_satisfied=_where(score__gte=SATISFIED_SCORE),
        )
        .group_by("work_order_id")
        .values("work_order_id", "n_ratings", "sum_score", "n_satisfied")
    )
    return {
        as_uuid(r["work_order_id"]): {k: int(r[k] or 0) for k in ("n_ratings", "sum_score", "n_satisfied")}
        for r in rows
    }


async def callbacks_by_order(filters: Filters) -> dict[uuid.UUID, dict[str, int]]:
    """Per selected order that was called back: the calls, those reached, those with a complaint."""
    rows = await (
        Callback.filter(selected(filters, prefix=_VIA_ORDER))
        .annotate(
            n_calls=Count("id"),
            n_reached=_where(reached=True),
            n_complaints=_where(complaint=True),
        )
        .group_by("work_order_id")
        .values("work_order_id", "n_calls", "n_reached", "n_complaints")
    )
    return {
        as_uuid(r["work_order_id"]): {k: int(r[k]) for k in ("n_calls", "n_reached", "n_complaints")}
        for r in rows
    }


def as_uuid(value: object) -> uuid.UUID:
    # SQLite hands UUID columns back as text, PostgreSQL as UUID objects.
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
