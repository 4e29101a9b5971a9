"""Customer feedback: the rating given at completion and the desk's call-back (回访)."""

from __future__ import annotations

import uuid
from enum import StrEnum

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from server.core import persist
from server.core.actor import Actor, require
from server.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from server.core.roles import DESK, STAFF, Role
from server.feedback.models import Callback, SatisfactionRating
from server.workorders import scope
from server.workorders.models import Status, WorkOrder
from server.workorders.service import transition

SCORES = range(1, 6)
MAX_COMMENT = 2000
# A visit can be rated once its work is done.
RATABLE = frozenset({Status.WORK_DONE, Status.CUSTOMER_SIGNED, Status.CALLED_BACK, Status.CLOSED})
# The desk calls back after the customer signed (and may call again later).
CALLABLE = frozenset({Status.CUSTOMER_SIGNED, Status.CALLED_BACK, Status.CLOSED})


class RatingSource(StrEnum):
    DEVICE = "device"
    CALLBACK = "callback"


async def submit_rating(
    *,
    actor: Actor,
    work_order_id: uuid.UUID,
    score: int,
    comment: str = "",
    id: uuid.UUID | None = None,
    source: RatingSource = RatingSource.DEVICE,
) -> SatisfactionRating:
    """One rating per order and source; sending the same rating again returns the stored one."""
    require(actor, Role.TECHNICIAN, *DESK)
    source = RatingSource(source)
    if actor.is_technician and source is not RatingSource.DEVICE:
        raise Forbidden("Only the service desk records ratings from a call-back.")
    _check_score(score, field="score")
    comment = _comment(comment)
    async with in_transaction() as conn:
        order = await _visible_order(actor, work_order_id, conn=conn)
        if id is not None and (existing := await SatisfactionRating.filter(id=id).using_db(conn).first()):
            if (existing.work_order_id, existing.score, existing.comment, existing.source) != (  # type: ignore[attr-defined]
                order.id,
                score,
                comment,
                source.value,
            ):
                raise Conflict("A rating with this id already exists with other content.")
            return existing
        if order.status not in RATABLE:
            raise Conflict(
                "The visit can be rated once the work is done.",
                code="WORK_NOT_DONE",
                status=order.status.value,
            )
        rated = SatisfactionRating.filter(work_order_id=order.id, source=source.value, deleted=False)
        if await rated.using_db(conn).exists():
            raise Conflict("This visit was already rated.", code="ALREADY_RATED")
        rating = SatisfactionRating(
            id=id or uuid.uuid4(), work_order_id=order.id, score=score, comment=comment, source=source.value
        )
        await persist.save(rating, actor=actor, conn=conn)
    return rating


async def record_callback(
    *,
    actor: Actor,
    work_order_id: uuid.UUID,
    reached: bool,
    satisfaction: int | None = None,
    comment: str = "",
    complaint: bool = False,
    id: uuid.UUID | None = None,
) -> Callback:
    """The desk's call to the customer; reaching the customer moves a signed order to called_back."""
    require(actor, *DESK)
    if reached and satisfaction is None:
        raise ValidationFailed("Record the customer's satisfaction (1 to 5).", field="satisfaction")
    if not reached and satisfaction is not None:
        raise ValidationFailed(
            "Satisfaction can only be recorded when the customer was reached.", field="satisfaction"
        )
    if satisfaction is not None:
        _check_score(satisfaction, field="satisfaction")
    comment = _comment(comment)
    async with in_transaction() as conn:
        order = await _visible_order(actor, work_order_id, conn=conn, lock=True)
        if id is not None and (existing := await Callback.filter(id=id).using_db(conn).first()):
            if existing.work_order_id != order.id or (  # type: ignore[attr-defined]
                (existing.reached, existing.satisfaction, existing.comment, existing.complaint)
                != (reached, satisfaction, comment, complaint)
            ):
                raise Conflict("A call-back with this id already exists with other content.")
            return existing
        if order.status not in CALLABLE:
            raise Conflict(
                "The customer is called back after signing for the work.",
                code="NOT_SIGNED",
                status=order.status.value,
            )
        callback = Callback(
            id=id or uuid.uuid4(),
            work_order_id=order.id,
            called_by_id=actor.user_id,
            reached=reached,
            satisfaction=satisfaction,
            comment=comment,
            complaint=complaint,
        )
        await persist.save(callback, actor=actor, conn=conn)
        if reached and order.status is Status.CUSTOMER_SIGNED:
            await transition(actor=actor, work_order_id=order.id, target=Status.CALLED_BACK, conn=conn)
    return callback


async def ratings_of(*, actor: Actor, work_order_id: uuid.UUID) -> QuerySet[SatisfactionRating]:
    order = await _visible_order(actor, work_order_id)
    return SatisfactionRating.filter(work_order_id=order.id, deleted=False)


async def callbacks_of(*, actor: Actor, work_order_id: uuid.UUID) -> QuerySet[Callback]:
    """Call-back notes may hold complaints about the technician, so only staff read them."""
    require(actor, *STAFF)
    order = await _visible_order(actor, work_order_id)
    return Callback.filter(work_order_id=order.id)


def _check_score(value: int, *, field: str) -> None:
    if isinstance(value, bool) or value not in SCORES:
        raise ValidationFailed(f"The {field} must be a whole number from 1 to 5.", field=field)


def _comment(comment: str) -> str:
    comment = comment.strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationFailed(f"A comment may be at most {MAX_COMMENT} characters.", field="comment")
    return comment


async def _visible_order(
    actor: Actor, work_order_id: uuid.UUID, *, conn: BaseDBAsyncClient | None = None, lock: bool = False
) -> WorkOrder:
    query = scope.work_orders_for(actor).filter(id=work_order_id)
    if conn is not None:
        query = query.using_db(conn)
    if lock:
        query = query.select_for_update()
    order = await query.first()
    if order is None:
        raise NotFound("No such work order.")
    return order
