from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from server.core.clock import utcnow
from server.core.roles import Role
from server.customers.models import Site
from server.problems import detection
from server.problems.models import Problem, ProblemStatus, RepeatFaultFlag, RepeatKind
from server.sla import service as sla
from server.workorders import service as workorders
from server.workorders.models import Status, WorkOrder
from tests.factories import actor_of, make_asset, make_site, make_user, make_work_order

CLOSED_AT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
N = detection.REPEAT_WINDOW_DAYS


async def _closed(site: Site, *, at: datetime = CLOSED_AT, **kw: Any) -> WorkOrder:
    return await make_work_order(
        site=site, status=Status.CLOSED, received_at=at - timedelta(days=1), closed_at=at, **kw
    )


async def _new(site: Site, *, after: timedelta, assets: Sequence[Any] = ()) -> WorkOrder:
    order = await make_work_order(site=site, received_at=CLOSED_AT + after)
    if assets:
        await order.assets.add(*assets)
    return order


@pytest.mark.parametrize(
    ("after", "flagged"),
    [
        (timedelta(days=N - 1), True),
        (timedelta(days=N), True),  # inclusive: exactly N days is still a repeat
        (timedelta(days=N, seconds=1), False),
        (timedelta(days=N + 1), False),
    ],
)
async def test_site_repeat_window_boundary(db: Any, after: timedelta, flagged: bool) -> None:
    site = await make_site()
    previous = await _closed(site)
    flag = await detection.flag_repeat_fault(await _new(site, after=after))
    assert (flag is not None) is flagged
    if flag is not None:
        assert flag.previous_order_id == previous.id  # type: ignore[attr-defined]
        assert flag.kind is RepeatKind.SITE
        assert flag.days_between == after.days


async def test_asset_match_wins_and_names_the_latest_closing(db: Any) -> None:
    site = await make_site()
    onu = await make_asset(site)
    with_asset = await _closed(site, at=CLOSED_AT - timedelta(days=3))
    await with_asset.assets.add(onu)
    await _closed(site, at=CLOSED_AT)  # more recent, but another device
    flag = await detection.flag_repeat_fault(await _new(site, after=timedelta(days=2), assets=[onu]))
    assert flag is not None
    assert (flag.kind, flag.previous_order_id, flag.days_between) == (RepeatKind.ASSET, with_asset.id, 5)  # type: ignore[attr-defined]


async def test_only_closed_orders_at_the_same_place_count(db: Any) -> None:
    site = await make_site()
    await make_work_order(site=site, status=Status.CANCELLED, received_at=CLOSED_AT, cancelled_at=CLOSED_AT)
    await make_work_order(site=site, status=Status.CALLED_BACK, received_at=CLOSED_AT)
    await _closed(await make_site())
    assert await detection.flag_repeat_fault(await _new(site, after=timedelta(days=1))) is None


async def test_a_closing_after_the_request_is_no_repeat(db: Any) -> None:
    site = await make_site()
    await _closed(site, at=CLOSED_AT + timedelta(days=2))
    assert await detection.flag_repeat_fault(await _new(site, after=timedelta(days=1))) is None


async def test_recording_an_order_flags_it(db: Any) -> None:
    await sla.seed_default_policies()
    site = await make_site()
    await site.fetch_related("customer")
    previous = await _closed(site, at=utcnow() - timedelta(days=3))
    desk = actor_of(await make_user(Role.DISPATCHER))
    order = await workorders.create_work_order(
        actor=desk, customer_id=site.customer.id, site_id=site.id, symptom="No signal again"
    )
    flag = await RepeatFaultFlag.get(work_order_id=order.id)
    assert (flag.previous_order_id, flag.kind, flag.days_between) == (previous.id, RepeatKind.SITE, 3)  # type: ignore[attr-defined]


async def test_batch_flags_each_unflagged_order_once(db: Any) -> None:
    site = await make_site()
    await _closed(site)
    repeat = await _new(site, after=timedelta(days=5))
    await _new(await make_site(), after=timedelta(days=5))
    since = CLOSED_AT
    assert await detection.detect_repeat_faults(since=since) == 1
    assert await detection.detect_repeat_faults(since=since) == 0
    assert await RepeatFaultFlag.filter(work_order_id=repeat.id).count() == 1


# --- problem suggestions ------------------------------------------------------------------------


async def _closed_with_cause(cause: str, at: datetime) -> WorkOrder:
    return await _closed(await make_site(), at=at, cause_category=cause)


async def test_two_incidents_suggest_nothing_three_do(db: Any) -> None:
    march = date(2026, 3, 1)
    first = await _closed_with_cause("fibre_cut", datetime(2026, 3, 3, tzinfo=UTC))
    second = await _closed_with_cause("fibre_cut", datetime(2026, 3, 20, tzinfo=UTC))
    await _closed_with_cause("onu_fault", datetime(2026, 3, 21, tzinfo=UTC))
    assert await detection.suggest_problems(month=march) == []

    third = await _closed_with_cause("fibre_cut", datetime(2026, 3, 25, tzinfo=UTC))
    [problem] = await detection.suggest_problems(month=march)
    assert (problem.status, problem.cause_category, problem.suggested_for) == (
        ProblemStatus.SUGGESTED,
        "fibre_cut",
        "2026-03",
    )
    linked = set(await problem.work_orders.all().values_list("id", flat=True))
    assert linked == {first.id, second.id, third.id}


async def test_the_month_is_the_local_calendar_month(db: Any) -> None:
    # 2026-03-31 17:00 UTC is already 1 April in Shanghai.
    for day in (2, 10):
        await _closed_with_cause("power_cut", datetime(2026, 3, day, tzinfo=UTC))
    await _closed_with_cause("power_cut", datetime(2026, 3, 31, 17, 0, tzinfo=UTC))
    assert await detection.suggest_problems(month=date(2026, 3, 15)) == []
    # ... and 2026-02-28 16:30 UTC is 1 March there.
    await _closed_with_cause("power_cut", datetime(2026, 2, 28, 16, 30, tzinfo=UTC))
    assert len(await detection.suggest_problems(month=date(2026, 3, 15))) == 1


async def test_a_later_run_extends_the_suggestion_but_leaves_a_dismissed_one(db: Any) -> None:
    march = date(2026, 3, 1)
    for day in (1, 2, 3):
        await _closed_with_cause("fibre_cut", datetime(2026, 3, day, 12, tzinfo=UTC))
    [problem] = await detection.suggest_problems(month=march)
    fourth = await _closed_with_cause("fibre_cut", datetime(2026, 3, 4, 12, tzinfo=UTC))
    [again] = await detection.suggest_problems(month=march)
    assert again.id == problem.id
    assert await again.work_orders.all().count() == 4
    assert await Problem.all().count() == 1

    await Problem.filter(id=problem.id).update(status=ProblemStatus.DISMISSED)
    await _closed_with_cause("fibre_cut", datetime(2026, 3, 5, 12, tzinfo=UTC))
    assert await detection.suggest_problems(month=march) == []
    assert fourth.id in set(await problem.work_orders.all().values_list("id", flat=True))
    assert await problem.work_orders.all().count() == 4
