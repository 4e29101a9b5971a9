"""Supervisor report figures: every one a SQL aggregate over the stored per-order facts.

Which orders count: those whose facts say they were received in [start, end) and match the
filters; deleted orders never count, cancelled ones are only counted as cancelled. Ratios keep
their numerator and denominator, so the dashboard, the PDF and the CSV show the same fractions:
- SLA attainment: orders whose clock stopped (responded / resolved) within target, of those
  whose clock stopped; an order still open is not measured yet.
- first-time fix: resolved on the first visit, of the resolved orders.
- repeat fault: orders repeating one closed in the 30 days before (same asset or site, as the
  problem detector flags them), of all orders.
- satisfaction: ratings of 4 or 5, of all ratings of the orders; call-back reach: orders whose
  customer was reached, of the orders called back; complaints: orders with a complaint call-back.
- on-time arrival: arrivals within the confirmed appointment window, of arrivals with one;
  checklist: orders visited on site whose etiquette checklist was completed, of those visited.
The SQL is in queries.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from server.auth.models import User
from server.core.actor import Actor, require
from server.core.errors import NotFound
from server.core.roles import STAFF
from server.reports import queries
from server.reports.queries import Filters
from server.workorders import scope

__all__ = ["Figures", "Filters", "Ratio", "compute_figures", "dashboard"]


@dataclass(frozen=True)
class Ratio:
    numerator: int
    denominator: int

    @property
    def rate(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


@dataclass(frozen=True)
class Bucket:
    lower_minutes: int
    upper_minutes: int | None  # None: no upper bound
    count: int


@dataclass(frozen=True)
class Distribution:
    count: int
    total_seconds: int
    buckets: tuple[Bucket, ...]

    @property
    def average_minutes(self) -> float | None:
        return self.total_seconds / self.count / 60 if self.count else None


@dataclass(frozen=True)
class SlaGroup:
    sla_tier: str
    fault_level: int
    orders: int
    respond: Ratio
    resolve: Ratio


@dataclass(frozen=True)
class TechnicianFigures:
    technician_id: uuid.UUID
    display_name: str
    orders: int
    resolved: int
    first_time_fix: Ratio
    on_time: Ratio
    checklist: Ratio


@dataclass(frozen=True)
class Satisfaction:
    ratings: int
    score_total: int
    satisfied: Ratio

    @property
    def average_score(self) -> float | None:
        return self.score_total / self.ratings if self.ratings else None


@dataclass(frozen=True)
class Callbacks:
    reached: Ratio  # orders whose customer was reached / orders called back
    complaints: int  # orders with a complaint recorded on a call-back


@dataclass(frozen=True)
class Figures:
    filters: Filters
    orders: int
    cancelled: int
    resolved: int
    closed: int
    respond_sla: Ratio
    resolve_sla: Ratio
    sla_groups: tuple[SlaGroup, ...]
    response_time: Distribution
    resolution_time: Distribution
    first_time_fix: Ratio
    repeat_fault: Ratio
    satisfaction: Satisfaction
    callbacks: Callbacks
    on_time: Ratio
    checklist: Ratio
    technicians: tuple[TechnicianFigures, ...]


async def dashboard(*, actor: Actor, filters: Filters) -> Figures:
    """Every figure for the period and filters; supervisors and the desk only."""
    require(actor, *STAFF)
    await check_filters(actor=actor, filters=filters)
    return await compute_figures(filters)


async def check_filters(*, actor: Actor, filters: Filters) -> None:
    """A filter naming a customer, site or technician that does not exist is a mistake, not zero."""
    if (
        filters.customer_id is not None
        and not await scope.customers_for(actor).filter(id=filters.customer_id).exists()
    ):
        raise NotFound("No such customer.")
    if filters.site_id is not None and not await scope.sites_for(actor).filter(id=filters.site_id).exists():
        raise NotFound("No such site.")
    if filters.technician_id is not None and not await User.filter(id=filters.technician_id).exists():
        raise NotFound("No such technician.")


class _Sums:
    """Partial rows added up: each figure's numerator and denominator over the rows given."""

    def __init__(self, rows: Sequence[Mapping[str, Any]]) -> None:
        self.rows = rows

    def __getitem__(self, key: str) -> int:
        return sum(int(row[key]) for row in self.rows)

    def ratio(self, numerator: str, denominator: str) -> Ratio:
        return Ratio(self[numerator], self[denominator])

    def distribution(self, field: str, edges: Sequence[int]) -> Distribution:
        buckets = tuple(
            Bucket(
                lower_minutes=low,
                upper_minutes=edges[i + 1] if i + 1 < len(edges) else None,
                count=self[queries.bucket_key(field, i)],
            )
            for i, low in enumerate(edges)
        )
        return Distribution(count=self[f"n_{field}"], total_seconds=self[f"sum_{field}"], buckets=buckets)


def _sla_groups(live: Sequence[Mapping[str, Any]]) -> tuple[SlaGroup, ...]:
    keys = sorted({(str(r["sla_tier"]), int(r["fault_level"])) for r in live})
    groups = []
    for tier, level in keys:
        sums = _Sums([r for r in live if (r["sla_tier"], int(r["fault_level"])) == (tier, level)])
        groups.append(
            SlaGroup(
                sla_tier=tier,
                fault_level=level,
                orders=sums["n_orders"],
                respond=sums.ratio("n_respond_met", "n_respond"),
                resolve=sums.ratio("n_resolve_met", "n_resolve"),
            )
        )
    return tuple(groups)


async def _technicians(live: Sequence[Mapping[str, Any]]) -> tuple[TechnicianFigures, ...]:
    ids = sorted({r["technician_id"] for r in live if r["technician_id"] is not None}, key=str)
    names = dict(await User.filter(id__in=ids).values_list("id", "display_name")) if ids else {}
    people = []
    for tech_id in ids:
        sums = _Sums([r for r in live if r["technician_id"] == tech_id])
        people.append(
            TechnicianFigures(
                technician_id=tech_id,
                display_name=str(names.get(tech_id, "")),
                orders=sums["n_orders"],
                resolved=sums["n_resolved"],
                first_time_fix=sums.ratio("n_ftf", "n_ftf_known"),
                on_time=sums.ratio("n_on_time", "n_on_time_known"),
                checklist=sums.ratio("n_checklist", "n_checklist_known"),
            )
        )
    return tuple(sorted(people, key=lambda t: (t.display_name, str(t.technician_id))))


async def compute_figures(filters: Filters) -> Figures:
    """The figures without a permission check: callers (dashboard, monthly report) check first."""
    rows = await queries.partials(filters)
    live = [r for r in rows if r["status"] != queries.CANCELLED]
    sums = _Sums(live)
    return Figures(
        filters=filters,
        orders=sums["n_orders"],
        cancelled=_Sums([r for r in rows if r["status"] == queries.CANCELLED])["n_orders"],
        resolved=sums["n_resolved"],
        closed=sums["n_closed"],
        respond_sla=sums.ratio("n_respond_met", "n_respond"),
        resolve_sla=sums.ratio("n_resolve_met", "n_resolve"),
        sla_groups=_sla_groups(live),
        response_time=sums.distribution("respond_seconds", queries.RESPONSE_EDGES),
        resolution_time=sums.distribution("resolve_seconds", queries.RESOLUTION_EDGES),
        first_time_fix=sums.ratio("n_ftf", "n_ftf_known"),
        repeat_fault=sums.ratio("n_repeat", "n_orders"),
        satisfaction=Satisfaction(
            ratings=sums["sum_ratings"],
            score_total=sums["sum_rating_total"],
            satisfied=sums.ratio("sum_ratings_satisfied", "sum_ratings"),
        ),
        callbacks=Callbacks(reached=sums.ratio("n_reached", "n_called"), complaints=sums["n_complaints"]),
        on_time=sums.ratio("n_on_time", "n_on_time_known"),
        checklist=sums.ratio("n_checklist", "n_checklist_known"),
        technicians=await _technicians(live),
    )
