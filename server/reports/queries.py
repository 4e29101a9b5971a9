"""The SQL behind the report figures: which facts the filters select, and the aggregates over them.

One statement answers the whole dashboard: a GROUP BY over the facts by SLA tier, fault level,
technician and status, with every count and sum the figures need as a conditional aggregate, in
one pass over the table. Totals, the SLA groups and the per-technician lines are sums of these
partial rows (additive counts only, so adding them up is exact).
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
from server.reports.models import WorkOrderFacts
from server.workorders.models import Status

CANCELLED = Status.CANCELLED.value
# Histogram edges in minutes of business time; the last bucket is open-ended.
RESPONSE_EDGES: tuple[int, ...] = (0, 15, 30, 60, 120, 240, 480)
RESOLUTION_EDGES: tuple[int, ...] = (0, 60, 120, 240, 480, 960, 1920)
GROUP_KEYS = ("sla_tier", "fault_level", "technician_id", "status")


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


def selected(filters: Filters) -> Q:
    """Facts of orders received in the period that match the filters (cancelled ones included)."""
    criteria: dict[str, Any] = {
        "deleted": False,
        "received_at__gte": filters.start,
        "received_at__lt": filters.end,
    }
    for name in ("customer_id", "site_id", "technician_id"):
        value = getattr(filters, name)
        if value is not None:
            criteria[name] = value
    return Q(**criteria)


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
        "sum_ratings": Sum("ratings"),
        "sum_rating_total": Sum("rating_total"),
        "sum_ratings_satisfied": Sum("ratings_satisfied"),
        "n_called": _true("called_back"),
        "n_reached": _true("callback_reached"),
        "n_complaints": _true("complaint"),
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


def as_uuid(value: object) -> uuid.UUID:
    # SQLite hands UUID columns back as text, PostgreSQL as UUID objects.
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
