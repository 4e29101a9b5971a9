from __future__ import annotations

import uuid
from typing import Any

import pytest

from server.core.actor import Actor
from server.core.errors import DomainError
from server.core.roles import Role
from server.feedback import service
from server.feedback.models import Callback, SatisfactionRating
from server.feedback.service import RatingSource
from server.workorders.models import Status, WorkOrder
from tests.factories import actor_of, make_user, make_work_order


async def _setup(status: Status = Status.CUSTOMER_SIGNED) -> tuple[Actor, Actor, WorkOrder]:
    tech = await make_user()
    desk = actor_of(await make_user(Role.DISPATCHER))
    return actor_of(tech), desk, await make_work_order(assigned_to=tech, status=status)


async def _code(awaitable: Any) -> str:
    with pytest.raises(DomainError) as info:
        await awaitable
    return info.value.code


# --- ratings --------------------------------------------------------------------------------


@pytest.mark.parametrize("score", [1, 5])
async def test_rating_bounds_accepted(db: Any, score: int) -> None:
    tech, _, order = await _setup(Status.WORK_DONE)
    rating = await service.submit_rating(actor=tech, work_order_id=order.id, score=score, comment=" quick ")
    row = await SatisfactionRating.get(id=rating.id)
    assert (row.score, row.comment, row.source) == (score, "quick", "device")


@pytest.mark.parametrize("score", [0, 6, -1, True])
async def test_rating_out_of_bounds_refused(db: Any, score: int) -> None:
    tech, _, order = await _setup(Status.WORK_DONE)
    assert await _code(service.submit_rating(actor=tech, work_order_id=order.id, score=score)) == (
        "VALIDATION_FAILED"
    )
    assert await SatisfactionRating.all().count() == 0


async def test_rating_waits_for_the_work_to_be_done(db: Any) -> None:
    tech, _, order = await _setup(Status.ON_SITE)
    assert await _code(service.submit_rating(actor=tech, work_order_id=order.id, score=5)) == "WORK_NOT_DONE"


async def test_one_rating_per_source_and_idempotent_retry(db: Any) -> None:
    tech, desk, order = await _setup()
    client_id = uuid.uuid4()
    first = await service.submit_rating(actor=tech, work_order_id=order.id, score=4, id=client_id)
    again = await service.submit_rating(actor=tech, work_order_id=order.id, score=4, id=client_id)
    assert first.id == again.id == client_id
    assert await _code(
        service.submit_rating(actor=tech, work_order_id=order.id, score=4, id=uuid.uuid4())
    ) == ("ALREADY_RATED")
    assert await _code(service.submit_rating(actor=tech, work_order_id=order.id, score=2, id=client_id)) == (
        "CONFLICT"
    )
    by_phone = await service.submit_rating(
        actor=desk, work_order_id=order.id, score=3, source=RatingSource.CALLBACK
    )
    assert by_phone.source == "callback"
    ratings = await service.ratings_of(actor=tech, work_order_id=order.id)
    assert await ratings.count() == 2


async def test_rating_scope_and_roles(db: Any) -> None:
    tech, _, order = await _setup()
    stranger = actor_of(await make_user())
    boss = actor_of(await make_user(Role.SUPERVISOR))
    assert await _code(service.submit_rating(actor=stranger, work_order_id=order.id, score=5)) == "NOT_FOUND"
    assert await _code(service.submit_rating(actor=boss, work_order_id=order.id, score=5)) == "FORBIDDEN"
    code = await _code(
        service.submit_rating(actor=tech, work_order_id=order.id, score=5, source=RatingSource.CALLBACK)
    )
    assert code == "FORBIDDEN"
    assert await _code(service.ratings_of(actor=stranger, work_order_id=order.id)) == "NOT_FOUND"


# --- call-backs -----------------------------------------------------------------------------


async def test_reached_callback_moves_the_order_to_called_back(db: Any) -> None:
    _, desk, order = await _setup()
    callback = await service.record_callback(
        actor=desk, work_order_id=order.id, reached=True, satisfaction=5, comment=" very polite "
    )
    row = await Callback.get(id=callback.id)
    assert (row.reached, row.satisfaction, row.comment, row.complaint) == (True, 5, "very polite", False)
    assert row.called_by_id == desk.user_id  # type: ignore[attr-defined]
    order = await WorkOrder.get(id=order.id)
    assert order.status is Status.CALLED_BACK
    assert order.called_back_at is not None


async def test_unreached_callback_leaves_the_order_signed(db: Any) -> None:
    _, desk, order = await _setup()
    await service.record_callback(actor=desk, work_order_id=order.id, reached=False, comment="no answer")
    assert (await WorkOrder.get(id=order.id)).status is Status.CUSTOMER_SIGNED
    await service.record_callback(
        actor=desk, work_order_id=order.id, reached=True, satisfaction=2, complaint=True
    )
    assert (await WorkOrder.get(id=order.id)).status is Status.CALLED_BACK
    # A further call after the order was called back is recorded without another move.
    await service.record_callback(actor=desk, work_order_id=order.id, reached=True, satisfaction=3)
    callbacks = await service.callbacks_of(actor=desk, work_order_id=order.id)
    assert await callbacks.count() == 3


async def test_callback_satisfaction_rules(db: Any) -> None:
    _, desk, order = await _setup()
    for kwargs in (
        {"reached": True},
        {"reached": True, "satisfaction": 0},
        {"reached": True, "satisfaction": 6},
        {"reached": False, "satisfaction": 4},
    ):
        code = await _code(service.record_callback(actor=desk, work_order_id=order.id, **kwargs))
        assert code == "VALIDATION_FAILED", kwargs
    assert await Callback.all().count() == 0
    assert (await WorkOrder.get(id=order.id)).status is Status.CUSTOMER_SIGNED


async def test_callback_before_signing_is_refused(db: Any) -> None:
    _, desk, order = await _setup(Status.WORK_DONE)
    code = await _code(
        service.record_callback(actor=desk, work_order_id=order.id, reached=True, satisfaction=5)
    )
    assert code == "NOT_SIGNED"


async def test_callback_retry_with_client_id(db: Any) -> None:
    _, desk, order = await _setup()
    client_id = uuid.uuid4()
    args: dict[str, Any] = {"work_order_id": order.id, "reached": True, "satisfaction": 5, "id": client_id}
    first = await service.record_callback(actor=desk, **args)
    again = await service.record_callback(actor=desk, **args)
    assert first.id == again.id
    assert await Callback.all().count() == 1
    args["satisfaction"] = 1
    assert await _code(service.record_callback(actor=desk, **args)) == "CONFLICT"


async def test_callbacks_are_for_the_desk(db: Any) -> None:
    tech, _, order = await _setup()
    code = await _code(service.record_callback(actor=tech, work_order_id=order.id, reached=False))
    assert code == "FORBIDDEN"
    assert await _code(service.callbacks_of(actor=tech, work_order_id=order.id)) == "FORBIDDEN"
    boss = actor_of(await make_user(Role.SUPERVISOR))
    assert await (await service.callbacks_of(actor=boss, work_order_id=order.id)).count() == 0
