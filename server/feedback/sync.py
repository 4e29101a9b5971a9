"""The customer's rating, given on the technician's phone at completion, replicates up once."""

from __future__ import annotations

from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Subquery
from tortoise.models import Model
from tortoise.queryset import QuerySet

from server.core.actor import Actor
from server.core.errors import Forbidden
from server.feedback import service
from server.feedback.models import SatisfactionRating
from server.syncing.adapter import ModelAdapter
from server.syncing.fields import ref, text
from server.workorders import scope
from sync.registry import Owner

FIXED, S = Owner.IMMUTABLE, Owner.SERVER


def ratings_for(actor: Actor, *, include_deleted: bool = False) -> QuerySet[SatisfactionRating]:
    base = SatisfactionRating.all() if include_deleted else SatisfactionRating.filter(deleted=False)
    return base.filter(work_order_id__in=Subquery(scope.work_orders_for(actor).values("id")))


async def write_rating(
    actor: Actor, values: dict[str, Any], row: Any, changed: set[str], conn: BaseDBAsyncClient
) -> Model:
    if row is not None:
        raise Forbidden("A rating the customer gave cannot be changed.", code="IMMUTABLE_FIELD")
    score = values.get("score")
    return await service.submit_rating(
        actor=actor,
        work_order_id=values["work_order_id"],
        score=score if isinstance(score, int) else -1,
        comment=str(values.get("comment") or ""),
        id=values["id"],
    )


RATINGS = ModelAdapter.build(
    name="ratings",
    model=SatisfactionRating,
    fields={
        "workOrderId": ref("work_order_id", FIXED),
        "score": text("score", FIXED),
        "comment": text("comment", FIXED),
        "source": text("source", S),
    },
    scope=ratings_for,
    write=write_rating,
)
