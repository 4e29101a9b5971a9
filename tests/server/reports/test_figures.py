"""Report figures against the hand-computed month in _figures_fixture.py (SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import pytest

from server.core import persist
from server.core.clock import set_clock
from server.core.errors import Forbidden, NotFound, ValidationFailed
from server.core.roles import Role
from server.feedback.service import record_callback, submit_rating
from server.reports.facts import count_stale, refresh_stale
from server.reports.figures import (
    Bucket,
    Callbacks,
    Filters,
    Ratio,
    SlaGroup,
    compute_figures,
    dashboard,
)
from server.reports.models import WorkOrderFacts
from server.workorders.models import Status
from server.workorders.service import transition
from tests.factories import actor_of, make_user, make_work_order
from tests.server.reports._figures_fixture import OCTOBER, SHANGHAI, Month, build_month, sh


def _minutes(*values: int) -> int:
    return sum(values) * 60


async def test_every_figure_of_the_month(db: Any) -> None:
    await build_month()
    f = await compute_figures(OCTOBER)

    assert (f.orders, f.cancelled, f.resolved, f.closed) == (9, 1, 6, 2)
    assert f.respond_sla == Ratio(5, 7)
    assert f.resolve_sla == Ratio(5, 6)
    assert f.first_time_fix == Ratio(4, 6)
    assert f.repeat_fault == Ratio(6, 9)
    assert f.on_time == Ratio(5, 6)
    assert f.checklist == Ratio(5, 7)

    assert f.response_time.count == 7
    assert f.response_time.total_seconds == _minutes(30, 30, 90, 20, 180, 45, 10)
    assert [b.count for b in f.response_time.buckets] == [1, 1, 3, 1, 1, 0, 0]
    assert f.response_time.buckets[0] == Bucket(lower_minutes=0, upper_minutes=15, count=1)
    assert f.response_time.buckets[-1] == Bucket(lower_minutes=480, upper_minutes=None, count=0)
    assert f.resolution_time.count == 6
    assert f.resolution_time.total_seconds == _minutes(120, 120, 300, 120, 150, 90)
    assert f.resolution_time.average_minutes == 150
    assert [b.count for b in f.resolution_time.buckets] == [0, 1, 4, 1, 0, 0, 0]

    assert (f.satisfaction.ratings, f.satisfaction.score_total) == (5, 20)
    assert f.satisfaction.average_score == 4
    assert f.satisfaction.satisfied == Ratio(4, 5)
    assert f.callbacks == Callbacks(reached=Ratio(4, 5), complaints=2)


async def test_sla_attainment_by_tier_and_fault_level(db: Any) -> None:
    await build_month()
    groups = (await compute_figures(OCTOBER)).sla_groups
    assert groups == (
        SlaGroup("advanced", 1, orders=1, respond=Ratio(0, 1), resolve=Ratio(0, 1)),
        SlaGroup("advanced", 2, orders=1, respond=Ratio(1, 1), resolve=Ratio(1, 1)),
        SlaGroup("standard", 1, orders=1, respond=Ratio(1, 1), resolve=Ratio(1, 1)),
        SlaGroup("standard", 2, orders=2, respond=Ratio(1, 1), resolve=Ratio(1, 1)),
        SlaGroup("standard", 3, orders=2, respond=Ratio(0, 1), resolve=Ratio(0, 0)),
        SlaGroup("vip", 1, orders=1, respond=Ratio(1, 1), resolve=Ratio(1, 1)),
        SlaGroup("vip", 2, orders=1, respond=Ratio(1, 1), resolve=Ratio(1, 1)),
    )


async def test_per_technician_workload(db: Any) -> None:
    month = await build_month()
    alice, bob = (await compute_figures(OCTOBER)).technicians
    assert (alice.technician_id, alice.display_name) == (month.alice.id, "Alice")
    assert (alice.orders, alice.resolved) == (4, 3)
    assert (alice.first_time_fix, alice.on_time, alice.checklist) == (Ratio(3, 3), Ratio(4, 4), Ratio(3, 4))
    assert (bob.technician_id, bob.orders, bob.resolved) == (month.bob.id, 4, 3)
    assert (bob.first_time_fix, bob.on_time, bob.checklist) == (Ratio(1, 3), Ratio(1, 2), Ratio(2, 3))


async def test_facts_of_single_orders(db: Any) -> None:
    month = await build_month()
    facts = {name: await WorkOrderFacts.get(work_order_id=order.id) for name, order in month.orders.items()}
    # Overnight: 16:00-17:00 on Tuesday and 09:00-10:00 on Wednesday.
    assert (facts["O2"].resolve_seconds, facts["O2"].resolve_met) == (_minutes(120), True)
    # Over the weekend: 16:30-17:00 on Friday and 09:00-10:00 on Monday.
    assert facts["O12"].resolve_seconds == _minutes(90)
    # The hour on hold waiting for parts does not count.
    assert (facts["O4"].resolve_seconds, facts["O4"].resolve_met) == (_minutes(120), True)
    assert (facts["O4"].first_time_fix, facts["O9"].first_time_fix, facts["O9"].visits) == (False, False, 2)
    assert (facts["O4"].on_time, facts["O9"].on_time, facts["O6"].on_time) == (False, None, None)
    assert (facts["O3"].checklist_completed, facts["O6"].checklist_completed) == (False, None)
    assert (facts["O5"].respond_met, facts["O5"].resolve_seconds, facts["O5"].first_time_fix) == (
        False,
        None,
        None,
    )
    assert (facts["O1"].repeat_fault, facts["O3"].repeat_fault, facts["O10"].repeat_fault) == (
        True,
        False,
        False,
    )


@pytest.mark.parametrize(
    ("narrow", "expected"),
    [
        ("customer", (2, 1, 0)),  # C2: O5 and O6; O7 cancelled
        ("site", (3, 0, 3)),  # S2: O3, O4, O12
        ("technician", (4, 0, 3)),  # Bob: O3, O4, O6, O9
        ("week", (5, 0, 4)),  # 12-18 October: O1 to O5
    ],
)
async def test_filters_narrow_the_orders(db: Any, narrow: str, expected: tuple[int, int, int]) -> None:
    month = await build_month()
    filters = {
        "customer": Filters(start=OCTOBER.start, end=OCTOBER.end, customer_id=month.c2.id),
        "site": Filters(start=OCTOBER.start, end=OCTOBER.end, site_id=month.s2.id),
        "technician": Filters(start=OCTOBER.start, end=OCTOBER.end, technician_id=month.bob.id),
        "week": Filters(start=sh(12, 0), end=sh(19, 0)),
    }[narrow]
    f = await compute_figures(filters)
    assert (f.orders, f.cancelled, f.resolved) == expected


async def test_filters_narrow_every_figure(db: Any) -> None:
    month = await build_month()
    f = await compute_figures(Filters(start=OCTOBER.start, end=OCTOBER.end, site_id=month.s2.id))
    # S2: O3 (advanced, missed both), O4 (vip, met, not first-time), O12 (vip, met).
    assert (f.respond_sla, f.resolve_sla, f.first_time_fix) == (Ratio(2, 3), Ratio(2, 3), Ratio(2, 3))
    assert (f.repeat_fault, f.on_time, f.checklist) == (Ratio(2, 3), Ratio(2, 3), Ratio(2, 3))
    assert (f.satisfaction.ratings, f.satisfaction.score_total) == (1, 2)  # O12's rating was deleted
    assert f.callbacks == Callbacks(reached=Ratio(1, 2), complaints=1)
    assert [t.display_name for t in f.technicians] == ["Alice", "Bob"]


async def test_an_empty_period_has_no_rates(db: Any) -> None:
    await build_month()
    f = await compute_figures(Filters(start=sh(1, 0, month=12), end=sh(31, 0, month=12)))
    assert (f.orders, f.respond_sla.rate, f.satisfaction.average_score) == (0, None, None)
    assert f.response_time.average_minutes is None
    assert f.technicians == ()
    assert f.sla_groups == ()


def test_a_period_must_end_after_it_starts() -> None:
    with pytest.raises(ValidationFailed):
        Filters(start=sh(2, 0), end=sh(1, 0))
    with pytest.raises(ValidationFailed):
        Filters(start=datetime(2026, 10, 1), end=datetime(2026, 11, 1))


async def test_the_dashboard_is_for_staff_only(db: Any) -> None:
    technician = actor_of(await make_user(Role.TECHNICIAN))
    with pytest.raises(Forbidden):
        await dashboard(actor=technician, filters=OCTOBER)


async def test_a_filter_naming_nothing_is_not_found(db: Any) -> None:
    supervisor = actor_of(await make_user(Role.SUPERVISOR))
    for key in ("customer_id", "site_id", "technician_id"):
        filters = Filters(start=OCTOBER.start, end=OCTOBER.end, **{key: uuid.uuid4()})
        with pytest.raises(NotFound):
            await dashboard(actor=supervisor, filters=filters)


async def test_stale_facts_are_found_and_refreshed(db: Any) -> None:
    month: Month = await build_month()
    assert await count_stale() == 0
    order = month.orders["O6"]
    order.fault_level = 1
    await persist.save(order, actor=None, before={})
    assert await count_stale() == 1
    assert await count_stale(since=sh(20, 0)) == 0
    assert await refresh_stale(actor=None) == 1
    assert (await WorkOrderFacts.get(work_order_id=order.id)).fault_level == 1
    assert await count_stale() == 0


async def test_a_status_change_refreshes_the_facts(db: Any) -> None:
    tech = await make_user(Role.TECHNICIAN)
    received = datetime(2026, 10, 13, 9, 0, tzinfo=SHANGHAI)
    order = await make_work_order(assigned_to=tech, received_at=received, sla_tier="vip")
    set_clock(lambda: datetime(2026, 10, 13, 9, 40, tzinfo=SHANGHAI))
    await transition(actor=actor_of(tech), work_order_id=order.id, target=Status.ACCEPTED)
    facts = await WorkOrderFacts.get(work_order_id=order.id)
    assert (facts.status, facts.respond_seconds, facts.respond_met) == ("accepted", _minutes(40), True)
    assert facts.technician_id == tech.id  # type: ignore[attr-defined]
    assert await count_stale() == 0


async def test_feedback_reaches_the_figures_without_a_status_change(db: Any) -> None:
    month = await build_month()
    desk = actor_of(await make_user(Role.DISPATCHER))
    rating = await submit_rating(actor=desk, work_order_id=month.orders["O12"].id, score=3)
    await record_callback(actor=desk, work_order_id=month.orders["O4"].id, reached=True, satisfaction=4)
    f = await compute_figures(OCTOBER)
    assert (f.satisfaction.ratings, f.satisfaction.score_total, f.satisfaction.satisfied) == (
        6,
        23,
        Ratio(4, 6),
    )
    assert f.callbacks.reached == Ratio(5, 5)

    rating.deleted = True
    await persist.save(rating, actor=desk, before={})
    assert (await compute_figures(OCTOBER)).satisfaction.ratings == 5
