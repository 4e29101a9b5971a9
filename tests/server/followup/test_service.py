from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from server.core.actor import Actor
from server.core.clock import set_clock
from server.core.errors import DomainError
from server.core.roles import Role
from server.feedback import service as feedback
from server.feedback.models import Callback, SatisfactionRating
from server.followup import queue, service
from server.followup.models import Complaint, ComplaintStatus
from server.worklog.models import WorkNote
from server.workorders.models import Status, WorkOrder
from tests.factories import actor_of, make_user, make_work_order

SHANGHAI = ZoneInfo("Asia/Shanghai")
THURSDAY = datetime(2026, 3, 5, 10, 0, tzinfo=SHANGHAI)


async def _code(awaitable: Any) -> str:
    with pytest.raises(DomainError) as caught:
        await awaitable
    return caught.value.code


async def _setup() -> tuple[Actor, Actor, WorkOrder]:
    tech = await make_user()
    desk = actor_of(await make_user(Role.DISPATCHER))
    order = await make_work_order(
        assigned_to=tech, status=Status.CUSTOMER_SIGNED, signed_at=THURSDAY - timedelta(hours=3)
    )
    return actor_of(tech), desk, order


async def _status(order: WorkOrder) -> Status:
    return (await WorkOrder.get(id=order.id)).status


async def test_reached_and_satisfied_closes_the_order(db: Any) -> None:
    _, desk, order = await _setup()
    result = await service.complete_callback(
        actor=desk, work_order_id=order.id, reached=True, satisfaction=5, comment="Works fine"
    )
    assert result.closed
    assert result.complaint is None
    stored = await WorkOrder.get(id=order.id)
    assert stored.status is Status.CLOSED
    assert stored.called_back_at is not None
    assert stored.closed_at is not None


@pytest.mark.parametrize(
    ("score", "closes"), [(service.SATISFIED_FROM, True), (service.SATISFIED_FROM - 1, False)]
)
async def test_satisfaction_threshold(db: Any, score: int, closes: bool) -> None:
    _, desk, order = await _setup()
    result = await service.complete_callback(
        actor=desk, work_order_id=order.id, reached=True, satisfaction=score
    )
    assert result.closed is closes
    assert await _status(order) is (Status.CLOSED if closes else Status.CALLED_BACK)


async def test_complaint_opens_a_record_due_in_two_working_days(db: Any) -> None:
    set_clock(lambda: THURSDAY)
    _, desk, order = await _setup()
    result = await service.complete_callback(
        actor=desk,
        work_order_id=order.id,
        reached=True,
        satisfaction=5,
        comment="The technician left cable offcuts behind",
        complaint=True,
    )
    complaint = result.complaint
    assert complaint is not None
    assert not result.closed
    assert await _status(order) is Status.CALLED_BACK
    stored = await Complaint.get(id=complaint.id)
    assert stored.owner_id == desk.user_id  # type: ignore[attr-defined]
    assert stored.due_date == date(2026, 3, 9)  # Thursday + 2 working days, over the weekend
    assert (stored.status, stored.text) == (ComplaintStatus.OPEN, "The technician left cable offcuts behind")


async def test_complaint_with_a_named_owner_and_due_date(db: Any) -> None:
    set_clock(lambda: THURSDAY)
    _, desk, order = await _setup()
    boss = await make_user(Role.SUPERVISOR)
    result = await service.complete_callback(
        actor=desk,
        work_order_id=order.id,
        reached=True,
        satisfaction=2,
        complaint=True,
        complaint_owner_id=boss.id,
        complaint_due=date(2026, 3, 20),
    )
    assert result.complaint is not None
    assert result.complaint.owner_id == boss.id  # type: ignore[attr-defined]
    assert result.complaint.due_date == date(2026, 3, 20)


async def test_complaint_owner_must_be_staff_and_due_date_not_past(db: Any) -> None:
    set_clock(lambda: THURSDAY)
    tech, desk, order = await _setup()
    call = {"actor": desk, "work_order_id": order.id, "reached": True, "satisfaction": 3, "complaint": True}
    assert await _code(service.complete_callback(**call, complaint_owner_id=tech.user_id)) == "NOT_FOUND"
    assert (
        await _code(service.complete_callback(**call, complaint_due=date(2026, 3, 4))) == "VALIDATION_FAILED"
    )
    assert await Callback.all().count() == 0


async def test_resolving_the_complaint_closes_the_order(db: Any) -> None:
    _, desk, order = await _setup()
    result = await service.complete_callback(
        actor=desk, work_order_id=order.id, reached=True, satisfaction=2, complaint=True
    )
    assert result.complaint is not None
    boss = actor_of(await make_user(Role.SUPERVISOR))
    assert (
        await _code(service.resolve_complaint(actor=boss, complaint_id=result.complaint.id, resolution=" "))
        == "VALIDATION_FAILED"
    )
    resolved = await service.resolve_complaint(
        actor=boss, complaint_id=result.complaint.id, resolution="Apologised; revisited to clean up"
    )
    assert resolved.status is ComplaintStatus.RESOLVED
    assert resolved.resolved_by_id == boss.user_id  # type: ignore[attr-defined]
    assert await _status(order) is Status.CLOSED


async def test_a_satisfied_call_does_not_close_over_an_open_complaint(db: Any) -> None:
    _, desk, order = await _setup()
    await service.complete_callback(
        actor=desk, work_order_id=order.id, reached=True, satisfaction=1, complaint=True
    )
    later = await service.complete_callback(actor=desk, work_order_id=order.id, reached=True, satisfaction=5)
    assert not later.closed
    assert await _status(order) is Status.CALLED_BACK


async def test_not_reached_stays_in_the_queue_until_the_third_attempt(db: Any) -> None:
    _, desk, order = await _setup()
    for attempt in (1, 2):
        result = await service.complete_callback(actor=desk, work_order_id=order.id, reached=False)
        assert (result.failed_attempts, result.closed) == (attempt, False)
        assert await _status(order) is Status.CUSTOMER_SIGNED
        assert order.id in {o.id for o in await (await queue.callback_queue(actor=desk, now=THURSDAY))}
    entry = await queue.queue_entry(await WorkOrder.get(id=order.id), policy=await queue.load_policy())
    assert entry.failed_attempts == 2
    assert entry.last_attempt_at is not None
    assert await WorkNote.filter(work_order_id=order.id).count() == 0

    third = await service.complete_callback(
        actor=desk, work_order_id=order.id, reached=False, comment="No answer"
    )
    assert (third.failed_attempts, third.closed) == (3, True)
    note = await WorkNote.get(work_order_id=order.id)
    assert "3 attempts" in note.body
    assert order.id not in {o.id for o in await (await queue.callback_queue(actor=desk, now=THURSDAY))}


async def test_device_rating_and_callback_result_are_both_kept(db: Any) -> None:
    tech, desk, order = await _setup()
    await feedback.submit_rating(actor=tech, work_order_id=order.id, score=3, comment="Came late")
    await service.complete_callback(actor=desk, work_order_id=order.id, reached=True, satisfaction=5)
    rating = await SatisfactionRating.get(work_order_id=order.id)
    callback = await Callback.get(work_order_id=order.id)
    assert (rating.score, rating.source, rating.comment) == (3, "device", "Came late")
    assert callback.satisfaction == 5


async def test_resending_the_same_call_opens_no_second_complaint(db: Any) -> None:
    _, desk, order = await _setup()
    call_id = uuid.uuid4()
    args: dict[str, Any] = {
        "reached": True,
        "satisfaction": 2,
        "complaint": True,
        "comment": "Rude",
        "id": call_id,
    }
    first = await service.complete_callback(actor=desk, work_order_id=order.id, **args)
    again = await service.complete_callback(actor=desk, work_order_id=order.id, **args)
    assert first.complaint is not None
    assert again.complaint is not None
    assert first.complaint.id == again.complaint.id
    assert await Complaint.all().count() == 1
    assert await Callback.all().count() == 1
    assert (
        await _code(
            service.complete_callback(actor=desk, work_order_id=order.id, **{**args, "comment": "Other"})
        )
        == "CONFLICT"
    )


async def test_who_may_call_back(db: Any) -> None:
    tech, desk, order = await _setup()
    boss = actor_of(await make_user(Role.SUPERVISOR))
    call = {"work_order_id": order.id, "reached": True, "satisfaction": 5}
    assert await _code(service.complete_callback(actor=tech, **call)) == "FORBIDDEN"
    assert await _code(service.complete_callback(actor=boss, **call)) == "FORBIDDEN"
    assert (
        await _code(service.complete_callback(actor=desk, **{**call, "work_order_id": uuid.uuid4()}))
        == "NOT_FOUND"
    )
    assert (
        await _code(
            service.complete_callback(actor=desk, work_order_id=order.id, reached=False, complaint=True)
        )
        == "VALIDATION_FAILED"
    )
    assert await _status(order) is Status.CUSTOMER_SIGNED


async def test_policy_bounds_and_editors(db: Any) -> None:
    admin = actor_of(await make_user(Role.ADMIN))
    desk = actor_of(await make_user(Role.DISPATCHER))
    assert (
        await _code(service.set_policy(actor=admin, sample_share=1.5, delay_minutes=0)) == "VALIDATION_FAILED"
    )
    assert (
        await _code(service.set_policy(actor=admin, sample_share=0.5, delay_minutes=-1))
        == "VALIDATION_FAILED"
    )
    assert await _code(service.set_policy(actor=desk, sample_share=0.5, delay_minutes=10)) == "FORBIDDEN"
    await service.set_policy(actor=admin, sample_share=0.25, delay_minutes=120)
    await service.set_policy(actor=admin, sample_share=0.5, delay_minutes=90)
    policy = await service.get_policy(actor=desk)
    assert (policy.sample_share, policy.delay_minutes) == (0.5, 90)
