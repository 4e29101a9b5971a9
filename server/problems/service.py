"""Problem records and repeat-fault flags, for staff (they link orders of every technician)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from server.core import persist
from server.core.actor import Actor, require
from server.core.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from server.core.roles import STAFF
from server.core.serialize import snapshot
from server.problems import detection
from server.problems.models import Problem, ProblemStatus, RepeatFaultFlag, RepeatKind
from server.workorders import scope
from server.workorders.models import WorkOrder
from server.workorders.validation import check_cause_category, check_text

MAX_TITLE = 200
TEXT_FIELDS = ("root_cause", "workaround", "permanent_fix")
EDITABLE = frozenset({"title", *TEXT_FIELDS, "status"})
# Status moves; a problem is resolved once its permanent fix is recorded.
MOVES: Mapping[ProblemStatus, frozenset[ProblemStatus]] = {
    ProblemStatus.SUGGESTED: frozenset({ProblemStatus.OPEN, ProblemStatus.DISMISSED}),
    ProblemStatus.OPEN: frozenset({ProblemStatus.RESOLVED, ProblemStatus.DISMISSED}),
    ProblemStatus.RESOLVED: frozenset({ProblemStatus.OPEN}),
    ProblemStatus.DISMISSED: frozenset({ProblemStatus.OPEN}),
}


# --- reads --------------------------------------------------------------------------------------


def list_problems(*, actor: Actor, status: ProblemStatus | None = None) -> QuerySet[Problem]:
    require(actor, *STAFF)
    return Problem.all() if status is None else Problem.filter(status=status)


async def get_problem(*, actor: Actor, problem_id: uuid.UUID) -> Problem:
    require(actor, *STAFF)
    problem = await Problem.filter(id=problem_id).first()
    if problem is None:
        raise NotFound("No such problem.")
    return problem


async def linked_order_ids(problem: Problem) -> list[uuid.UUID]:
    ids = await problem.work_orders.all().order_by("received_at", "id").values_list("id", flat=True)
    return [uuid.UUID(str(i)) for i in ids]


async def list_repeat_flags(
    *, actor: Actor, work_order_id: uuid.UUID | None = None, kind: RepeatKind | None = None
) -> QuerySet[RepeatFaultFlag]:
    require(actor, *STAFF)
    query = RepeatFaultFlag.all()
    if work_order_id is not None:
        if not await scope.work_orders_for(actor).filter(id=work_order_id).exists():
            raise NotFound("No such work order.")
        query = query.filter(work_order_id=work_order_id)
    if kind is not None:
        query = query.filter(kind=kind)
    return query


# --- writes -------------------------------------------------------------------------------------


async def create_problem(
    *,
    actor: Actor,
    title: str,
    cause_category: str = "",
    root_cause: str = "",
    workaround: str = "",
    permanent_fix: str = "",
    work_order_ids: Sequence[uuid.UUID] = (),
    id: uuid.UUID | None = None,
) -> Problem:
    """Record a problem by hand; re-sending the same create (same `id`) returns the stored one."""
    require(actor, *STAFF)
    values: dict[str, Any] = {
        "title": _title(title),
        "cause_category": check_cause_category(cause_category),
        "root_cause": check_text(root_cause, field="root_cause"),
        "workaround": check_text(workaround, field="workaround"),
        "permanent_fix": check_text(permanent_fix, field="permanent_fix"),
    }
    async with in_transaction() as conn:
        orders = await _orders(actor, work_order_ids, conn=conn)
        if id is not None and (existing := await Problem.filter(id=id).using_db(conn).first()) is not None:
            same = all(getattr(existing, k) == v for k, v in values.items())
            if not same or set(await linked_order_ids(existing)) != {o.id for o in orders}:
                raise Conflict("A different problem already uses this id.")
            return existing
        problem = Problem(id=id or uuid.uuid4(), created_by_id=actor.user_id, **values)
        await persist.save(problem, actor=actor, conn=conn)
        if orders:
            await problem.work_orders.add(*orders, using_db=conn)
    return problem


async def update_problem(*, actor: Actor, problem_id: uuid.UUID, changes: Mapping[str, Any]) -> Problem:
    require(actor, *STAFF)
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValidationFailed(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")
    async with in_transaction() as conn:
        problem = await _locked(problem_id, conn=conn)
        before = snapshot(problem)
        for key, value in changes.items():
            if key == "title":
                problem.title = _title(value)
            elif key in TEXT_FIELDS:
                setattr(problem, key, check_text(value, field=key))
        if "status" in changes:
            _move(problem, ProblemStatus(changes["status"]))
        await persist.save(problem, actor=actor, before=before, conn=conn)
    return problem


async def link_work_orders(
    *,
    actor: Actor,
    problem_id: uuid.UUID,
    add: Sequence[uuid.UUID] = (),
    remove: Sequence[uuid.UUID] = (),
) -> Problem:
    require(actor, *STAFF)
    async with in_transaction() as conn:
        problem = await _locked(problem_id, conn=conn)
        adding = await _orders(actor, add, conn=conn)
        removing = await _orders(actor, remove, conn=conn)
        if adding:
            await problem.work_orders.add(*adding, using_db=conn)
        if removing:
            await problem.work_orders.remove(*removing, using_db=conn)
        await persist.save(problem, actor=actor, before=snapshot(problem), action="link_orders", conn=conn)
    return problem


async def suggest_problems(*, actor: Actor, month: date) -> list[Problem]:
    """Run the problem detector for one calendar month now (a periodic job runs it too)."""
    require(actor, *STAFF)
    return await detection.suggest_problems(month=month, actor=actor)


# --- helpers ------------------------------------------------------------------------------------


def _move(problem: Problem, target: ProblemStatus) -> None:
    current = ProblemStatus(problem.status)
    if target is current:
        return
    if target not in MOVES[current]:
        raise InvalidTransition(
            f"A {current.value} problem cannot become {target.value}.",
            current=current.value,
            target=target.value,
        )
    if target is ProblemStatus.RESOLVED and not problem.permanent_fix:
        raise ValidationFailed("Record the permanent fix before resolving.", field="permanentFix")
    problem.status = target


async def _locked(problem_id: uuid.UUID, *, conn: BaseDBAsyncClient) -> Problem:
    problem = await Problem.filter(id=problem_id).using_db(conn).select_for_update().first()
    if problem is None:
        raise NotFound("No such problem.")
    return problem


async def _orders(actor: Actor, ids: Sequence[uuid.UUID], *, conn: BaseDBAsyncClient) -> list[WorkOrder]:
    wanted = set(ids)
    if not wanted:
        return []
    orders = await scope.work_orders_for(actor).filter(id__in=wanted).using_db(conn)
    if len(orders) != len(wanted):
        raise NotFound("No such work order.", field="workOrderIds")
    return list(orders)


def _title(value: str) -> str:
    text = value.strip()
    if not text or len(text) > MAX_TITLE:
        raise ValidationFailed(f"A title of 1 to {MAX_TITLE} characters is required.", field="title")
    return text
