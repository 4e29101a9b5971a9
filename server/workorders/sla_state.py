"""SLA state and desk timers of stored work orders.

Tiers come from the `SlaPolicy` table (falling back to the built-in tiers), hours and holidays
from the default `BusinessCalendarConfig` row (falling back to the China 2026 calendar), and the
time zone from the order's site. `SlaContext` holds the policies and calendar so a list of
orders loads them once, not once per order.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from server.core.clock import utcnow
from server.core.errors import ValidationFailed
from server.customers.models import Site
from server.sla import (
    CHINA_2026,
    DEFAULT_TIERS,
    BusinessCalendar,
    DeskTimer,
    Pause,
    SlaState,
    SlaTier,
    calendar_from_dict,
    calendar_from_holidays,
    compute_desk_timers,
    compute_sla,
)
from server.sla.calendar import parse_mode
from server.sla.models import BusinessCalendarConfig, SlaPolicy
from server.workorders.models import Status, WorkOrder

log = logging.getLogger(__name__)

FALLBACK_TIER = "standard"


@dataclass
class SlaContext:
    """Tiers and calendar settings for one request; calendars are built once per time zone."""

    tiers: Mapping[str, SlaTier]
    calendar_config: Mapping[str, Any] | None = None
    _calendars: dict[str, BusinessCalendar] = field(default_factory=dict, repr=False)

    def tier(self, code: str) -> SlaTier:
        # An order keeps working if its tier was retired: it is measured as standard.
        return self.tiers.get(code) or self.tiers.get(FALLBACK_TIER) or DEFAULT_TIERS[FALLBACK_TIER]

    def knows_tier(self, code: str) -> bool:
        return code in self.tiers

    def calendar(self, tz: str) -> BusinessCalendar:
        cached = self._calendars.get(tz)
        if cached is None:
            if self.calendar_config is not None:
                cached = calendar_from_dict(self.calendar_config, tz=tz)
            else:
                cached = calendar_from_holidays(holiday_sets=[CHINA_2026], tz=tz)
            self._calendars[tz] = cached
        return cached


async def load_sla_context() -> SlaContext:
    tiers: dict[str, SlaTier] = dict(DEFAULT_TIERS)
    for policy in await SlaPolicy.filter(active=True):
        tier = _tier_of(policy)
        if tier is not None:
            tiers[tier.code] = tier
    row = await BusinessCalendarConfig.filter(is_default=True).order_by("-updated_at").first()
    config = _usable_calendar(row)
    return SlaContext(tiers=tiers, calendar_config=config)


def _tier_of(policy: SlaPolicy) -> SlaTier | None:
    try:
        return SlaTier(
            code=policy.code,
            name_en=policy.name_en,
            name_zh=policy.name_zh,
            respond=timedelta(minutes=policy.respond_minutes),
            resolve=timedelta(minutes=policy.resolve_minutes),
            calendar_mode=parse_mode(policy.calendar_mode, field="calendar_mode"),
            satisfaction_target=policy.satisfaction_target,
        )
    except ValidationFailed as exc:
        # One bad row must not take every work order screen down; the built-in tier stands in.
        log.warning("ignoring SLA policy %r: %s", policy.code, exc.message)
        return None


def _usable_calendar(row: BusinessCalendarConfig | None) -> Mapping[str, Any] | None:
    if row is None:
        return None
    try:
        calendar_from_dict(row.config)
    except ValidationFailed as exc:
        log.warning("ignoring business calendar %r: %s", row.name, exc.message)
        return None
    return row.config


def pause_records(order: WorkOrder) -> list[tuple[Pause, str]]:
    """The order's pauses with their reasons; malformed entries are skipped."""
    out: list[tuple[Pause, str]] = []
    for entry in order.pauses or []:
        start = _parse_instant(entry.get("start"))
        if start is None:
            continue
        end = _parse_instant(entry.get("end"))
        pause = Pause(start=start, end=end if end is None or end >= start else start)
        out.append((pause, str(entry.get("reason") or "")))
    return out


def pauses_of(order: WorkOrder) -> list[Pause]:
    return [pause for pause, _ in pause_records(order)]


def _parse_instant(raw: object) -> datetime | None:
    if not isinstance(raw, str) or not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return value if value.utcoffset() is not None else None


def _as_of(order: WorkOrder, now: datetime | None) -> datetime:
    current = now if now is not None else utcnow()
    # A cancelled order's clocks stop at the cancellation instead of running on forever.
    if order.status is Status.CANCELLED and order.cancelled_at is not None:
        return min(current, order.cancelled_at)
    return current


def _not_before(value: datetime | None, floor: datetime) -> datetime | None:
    # An event stamped before receipt (a device clock behind) counts as happening at receipt.
    return None if value is None else max(value, floor)


def sla_state(order: WorkOrder, *, tz: str, context: SlaContext, now: datetime | None = None) -> SlaState:
    """The SLA state of `order` at a site in time zone `tz` (no I/O)."""
    received = order.received_at
    return compute_sla(
        received_at=received,
        tier=context.tier(order.sla_tier),
        calendar=context.calendar(tz),
        pauses=pauses_of(order),
        responded_at=_not_before(order.responded_at, received),
        resolved_at=_not_before(order.work_done_at, received),
        now=_as_of(order, now),
    )


def desk_timers(order: WorkOrder, *, now: datetime | None = None) -> list[DeskTimer]:
    return compute_desk_timers(
        received_at=order.received_at,
        dispatched_at=order.dispatched_at,
        late_reported_at=order.late_reported_at,
        redispatched_at=order.redispatched_at,
        escalation_raised_at=order.escalation_raised_at,
        escalated_at=order.escalated_at,
        now=_as_of(order, now),
    )


async def site_timezone(order: WorkOrder) -> str:
    # A prefetched relation is the row itself; otherwise it is a query still to run.
    site: object = order.site
    if not isinstance(site, Site):
        site = await order.site
    assert isinstance(site, Site)
    return site.timezone


async def sla_for(
    work_order: WorkOrder, *, now: datetime | None = None, context: SlaContext | None = None
) -> SlaState:
    """The SLA state of one order; pass `context` when computing many."""
    ctx = context if context is not None else await load_sla_context()
    return sla_state(work_order, tz=await site_timezone(work_order), context=ctx, now=now)
