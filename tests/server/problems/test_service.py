from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from server.core.errors import DomainError
from server.core.roles import Role
from server.problems import service
from server.problems.models import ProblemStatus
from server.workorders.models import Status
from tests.factories import actor_of, make_user, make_work_order


async def _code(awaitable: Any) -> str:
    with pytest.raises(DomainError) as caught:
        await awaitable
    return caught.value.code


async def test_record_a_problem_and_work_it_to_resolved(db: Any) -> None:
    boss = actor_of(await make_user(Role.SUPERVISOR))
    orders = [await make_work_order(status=Status.CLOSED) for _ in range(2)]
    problem = await service.create_problem(
        actor=boss,
        title=" ONUs lose sync after power cuts ",
        cause_category="power_cut",
        workaround="Reboot the ONU",
        work_order_ids=[o.id for o in orders],
    )
    assert problem.title == "ONUs lose sync after power cuts"
    assert set(await service.linked_order_ids(problem)) == {o.id for o in orders}
    assert problem.status is ProblemStatus.OPEN

    assert (
        await _code(
            service.update_problem(
                actor=boss, problem_id=problem.id, changes={"status": ProblemStatus.RESOLVED}
            )
        )
        == "VALIDATION_FAILED"
    )
    changes = {"permanent_fix": "UPS for the ONU", "root_cause": "No backup power", "status": "resolved"}
    done = await service.update_problem(actor=boss, problem_id=problem.id, changes=changes)
    assert (done.status, done.permanent_fix, done.root_cause) == (
        ProblemStatus.RESOLVED,
        "UPS for the ONU",
        "No backup power",
    )
    assert (
        await _code(
            service.update_problem(actor=boss, problem_id=problem.id, changes={"status": "dismissed"})
        )
        == "INVALID_TRANSITION"
    )


async def test_create_is_idempotent_by_id(db: Any) -> None:
    desk = actor_of(await make_user(Role.DISPATCHER))
    problem_id = uuid.uuid4()
    first = await service.create_problem(actor=desk, title="Cable TV snow", id=problem_id)
    again = await service.create_problem(actor=desk, title="Cable TV snow", id=problem_id)
    assert first.id == again.id == problem_id
    assert await _code(service.create_problem(actor=desk, title="Other", id=problem_id)) == "CONFLICT"


async def test_link_and_unlink_orders(db: Any) -> None:
    desk = actor_of(await make_user(Role.DISPATCHER))
    a, b = await make_work_order(), await make_work_order()
    problem = await service.create_problem(actor=desk, title="Splitter faults", work_order_ids=[a.id])
    await service.link_work_orders(actor=desk, problem_id=problem.id, add=[b.id], remove=[a.id])
    assert await service.linked_order_ids(problem) == [b.id]
    assert (
        await _code(service.link_work_orders(actor=desk, problem_id=problem.id, add=[uuid.uuid4()]))
        == "NOT_FOUND"
    )


async def test_suggested_problem_is_accepted_or_dismissed(db: Any) -> None:
    boss = actor_of(await make_user(Role.SUPERVISOR))
    for day in (3, 4, 5):
        await make_work_order(
            status=Status.CLOSED, cause_category="fibre_cut", closed_at=datetime(2026, 5, day, tzinfo=UTC)
        )
    [suggested] = await service.suggest_problems(actor=boss, month=datetime(2026, 5, 1).date())
    opened = await service.update_problem(actor=boss, problem_id=suggested.id, changes={"status": "open"})
    assert opened.status is ProblemStatus.OPEN


async def test_problems_are_for_staff(db: Any) -> None:
    tech = actor_of(await make_user())
    order = await make_work_order(assigned_to=await make_user(), status=Status.CLOSED)
    assert await _code(service.create_problem(actor=tech, title="Mine")) == "FORBIDDEN"
    with pytest.raises(DomainError):
        service.list_problems(actor=tech)
    assert await _code(service.list_repeat_flags(actor=tech, work_order_id=order.id)) == "FORBIDDEN"
    desk = actor_of(await make_user(Role.DISPATCHER))
    assert await _code(service.list_repeat_flags(actor=desk, work_order_id=uuid.uuid4())) == "NOT_FOUND"
