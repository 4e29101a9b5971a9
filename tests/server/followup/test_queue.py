from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from server.core.errors import Forbidden
from server.core.roles import Role
from server.followup import queue, service
from server.workorders.models import Status, WorkOrder
from tests.factories import actor_of, make_user, make_work_order

NOW = datetime(2026, 3, 5, 2, 0, tzinfo=UTC)


def _ids(count: int) -> list[uuid.UUID]:
    # Fixed ids, so the sampling checks below never depend on chance.
    return [uuid.uuid5(uuid.NAMESPACE_URL, f"order-{n}") for n in range(count)]


def test_sampling_is_a_stable_function_of_the_id() -> None:
    order_id = uuid.UUID("6f1c0d4e-2b7a-4c1e-9a55-0d2f1b3c4e5f")
    point = queue.sample_point(order_id)
    assert 0 <= point < 1
    assert queue.sample_point(uuid.UUID(str(order_id))) == point
    assert queue.is_sampled(order_id, share=point + 1e-9)
    assert not queue.is_sampled(order_id, share=point)


def test_share_zero_and_one_take_none_and_all() -> None:
    ids = _ids(200)
    assert not any(queue.is_sampled(i, 0.0) for i in ids)
    assert all(queue.is_sampled(i, 1.0) for i in ids)


def test_a_share_samples_about_that_share_and_nests() -> None:
    ids = _ids(2000)
    third = {i for i in ids if queue.is_sampled(i, 0.3)}
    assert 0.25 < len(third) / len(ids) < 0.35
    # Raising the share only adds orders: nobody sampled before drops out.
    assert third <= {i for i in ids if queue.is_sampled(i, 0.6)}


async def _signed(*, minutes_ago: int, **kw: Any) -> WorkOrder:
    tech = await make_user()
    return await make_work_order(
        assigned_to=tech,
        status=Status.CUSTOMER_SIGNED,
        signed_at=NOW - timedelta(minutes=minutes_ago),
        received_at=NOW - timedelta(days=1),
        **kw,
    )


async def _policy(share: float, delay: int = 60) -> None:
    admin = actor_of(await make_user(Role.ADMIN))
    await service.set_policy(actor=admin, sample_share=share, delay_minutes=delay)


async def _queue_ids(now: datetime = NOW) -> set[uuid.UUID]:
    desk = actor_of(await make_user(Role.DISPATCHER))
    orders = await queue.callback_queue(actor=desk, now=now)
    return {o.id for o in await orders}


async def test_share_zero_closes_every_order_once_the_delay_passed(db: Any) -> None:
    await _policy(0.0, delay=60)
    waiting = await _signed(minutes_ago=59)
    due = await _signed(minutes_ago=60)
    assert await _queue_ids() == set()
    assert await queue.close_unsampled(NOW) == 1
    assert (await WorkOrder.get(id=due.id)).status is Status.CLOSED
    assert (await WorkOrder.get(id=waiting.id)).status is Status.CUSTOMER_SIGNED
    # An hour later the other one is due too.
    assert await queue.close_unsampled(NOW + timedelta(hours=1)) == 1
    assert (await WorkOrder.get(id=waiting.id)).status is Status.CLOSED


async def test_share_one_queues_every_due_order_and_closes_none(db: Any) -> None:
    await _policy(1.0, delay=30)
    due = [await _signed(minutes_ago=45) for _ in range(3)]
    early = await _signed(minutes_ago=10)
    assert await _queue_ids() == {o.id for o in due}
    assert await queue.close_unsampled(NOW) == 0
    assert await WorkOrder.filter(status=Status.CUSTOMER_SIGNED).count() == 4
    assert early.id in await _queue_ids(NOW + timedelta(minutes=20))


async def test_a_partial_share_splits_the_orders_by_their_hash(db: Any) -> None:
    await _policy(0.5, delay=0)
    orders = [await _signed(minutes_ago=5) for _ in range(12)]
    sampled = {o.id for o in orders if queue.is_sampled(o.id, 0.5)}
    assert await _queue_ids() == sampled
    assert await _queue_ids() == sampled  # asking again gives the same answer
    assert await queue.close_unsampled(NOW) == len(orders) - len(sampled)
    closed = {o.id for o in await WorkOrder.filter(status=Status.CLOSED)}
    assert closed == {o.id for o in orders} - sampled


async def test_default_policy_calls_everyone_back_after_an_hour(db: Any) -> None:
    policy = await queue.load_policy()
    assert (policy.sample_share, policy.delay_minutes) == (1.0, 60)
    order = await _signed(minutes_ago=61)
    assert await _queue_ids() == {order.id}


async def test_other_statuses_never_queue(db: Any) -> None:
    await _policy(1.0, delay=0)
    tech = await make_user()
    await make_work_order(assigned_to=tech, status=Status.WORK_DONE, signed_at=NOW - timedelta(hours=2))
    await make_work_order(assigned_to=tech, status=Status.CALLED_BACK, signed_at=NOW - timedelta(hours=2))
    assert await _queue_ids() == set()


async def test_technicians_do_not_see_the_queue(db: Any) -> None:
    with pytest.raises(Forbidden):
        await queue.callback_queue(actor=actor_of(await make_user()), now=NOW)
