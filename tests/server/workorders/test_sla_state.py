from __future__ import annotations

from datetime import timedelta
from typing import Any

from server.core import persist
from server.sla.models import BusinessCalendarConfig
from server.workorders.models import Status, WorkOrder
from server.workorders.sla_state import desk_timers, load_sla_context, sla_for, sla_state
from tests.factories import make_site, make_sla_policy, make_work_order
from tests.server.workorders._support import sh


async def _order(**kw: Any) -> WorkOrder:
    order = await make_work_order(**kw)
    return await WorkOrder.get(id=order.id).prefetch_related("site")


async def test_built_in_tier_and_china_calendar_when_nothing_is_configured(db: Any) -> None:
    # Friday before the Qingming holiday (4-6 April 2026): one business hour left that day.
    order = await _order(received_at=sh(2026, 4, 3, 16), sla_tier="standard")
    state = await sla_for(order, now=sh(2026, 4, 3, 16, 30))
    assert state.tier_code == "standard"
    assert state.respond_by == sh(2026, 4, 7, 10)
    assert state.resolve_by == sh(2026, 4, 7, 12)
    assert not state.respond_breached


async def test_policy_row_decides_the_tier(db: Any) -> None:
    await make_sla_policy(code="night", respond_minutes=30, resolve_minutes=90, calendar_mode="24x7")
    order = await _order(received_at=sh(2026, 3, 7, 23), sla_tier="night")  # Saturday night
    state = await sla_for(order, now=sh(2026, 3, 7, 23, 45))
    assert state.respond_by == sh(2026, 3, 7, 23, 30)
    assert state.respond_breached
    assert state.resolve_left == timedelta(minutes=45)


async def test_policy_row_overrides_a_built_in_tier(db: Any) -> None:
    await make_sla_policy(code="standard", respond_minutes=30, resolve_minutes=60)
    order = await _order(received_at=sh(2026, 3, 9, 10), sla_tier="standard")
    state = await sla_for(order, now=sh(2026, 3, 9, 10))
    assert state.respond_by == sh(2026, 3, 9, 10, 30)


async def test_invalid_policy_row_is_ignored(db: Any) -> None:
    await make_sla_policy(code="standard", respond_minutes=600, resolve_minutes=60)  # respond > resolve
    context = await load_sla_context()
    assert context.tier("standard").respond == timedelta(hours=2)


async def test_unknown_tier_is_measured_as_standard(db: Any) -> None:
    order = await _order(received_at=sh(2026, 3, 9, 10), sla_tier="retired")
    state = await sla_for(order, now=sh(2026, 3, 9, 10))
    assert state.respond_by == sh(2026, 3, 9, 12)


async def test_default_calendar_row_and_site_time_zone(db: Any) -> None:
    config = {"mode": "5x8", "day_start": "08:00", "day_end": "12:00", "weekdays": [0, 1, 2, 3, 4]}
    await persist.save(BusinessCalendarConfig(name="contract", config=config, is_default=True), actor=None)
    berlin = await make_site(timezone="Europe/Berlin")
    order = await _order(site=berlin, received_at=sh(2026, 3, 9, 17), sla_tier="standard")  # 10:00 Berlin
    state = await sla_for(order, now=sh(2026, 3, 9, 17))
    # Two business hours from 10:00 Berlin with a 08-12 day: 12:00 Berlin, which is 19:00 Shanghai.
    assert state.respond_by == sh(2026, 3, 9, 19)
    # Four hours: two on Monday, then 08:00-10:00 Berlin on Tuesday.
    assert state.resolve_by == sh(2026, 3, 10, 17)


async def test_context_is_reused_across_orders(db: Any) -> None:
    context = await load_sla_context()
    first = await _order(received_at=sh(2026, 3, 9, 10))
    second = await _order(received_at=sh(2026, 3, 9, 11))
    states = [
        sla_state(o, tz=o.site.timezone, context=context, now=sh(2026, 3, 9, 12)) for o in (first, second)
    ]
    assert [s.respond_by for s in states] == [sh(2026, 3, 9, 12), sh(2026, 3, 9, 13)]
    assert context.calendar("Asia/Shanghai") is context.calendar("Asia/Shanghai")


async def test_work_done_resolves_and_cancellation_freezes_the_clock(db: Any) -> None:
    done = await _order(
        received_at=sh(2026, 3, 9, 10), work_done_at=sh(2026, 3, 9, 11), status=Status.WORK_DONE
    )
    state = await sla_for(done, now=sh(2026, 3, 10, 10))
    assert state.resolved_at == sh(2026, 3, 9, 11)
    assert not state.resolve_breached
    cancelled = await _order(
        received_at=sh(2026, 3, 9, 10), cancelled_at=sh(2026, 3, 9, 10, 30), status=Status.CANCELLED
    )
    frozen = await sla_for(cancelled, now=sh(2026, 3, 20, 10))
    assert frozen.as_of == sh(2026, 3, 9, 10, 30)
    assert not frozen.resolve_breached


async def test_desk_timers_follow_the_order(db: Any) -> None:
    order = await _order(
        received_at=sh(2026, 3, 9, 10),
        late_reported_at=sh(2026, 3, 9, 11),
        escalation_raised_at=sh(2026, 3, 9, 11, 30),
        escalated_at=sh(2026, 3, 9, 11, 40),
    )
    timers = {t.name: t for t in desk_timers(order, now=sh(2026, 3, 9, 12))}
    assert timers["dispatch"].breached
    assert timers["dispatch"].met_at is None
    assert timers["redispatch"].breached
    assert not timers["escalation"].breached
    assert timers["escalation"].met_at == sh(2026, 3, 9, 11, 40)
