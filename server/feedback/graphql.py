from __future__ import annotations

from datetime import datetime

import strawberry

from server.feedback import service
from server.feedback.models import Callback, SatisfactionRating
from server.feedback.service import RatingSource
from server.graphql.context import Info
from server.graphql.ids import optional_id, parse_id
from server.graphql.pagination import Connection, paginate

RatingSourceEnum = strawberry.enum(RatingSource, name="RatingSource")


@strawberry.type(name="Rating")
class RatingType:
    id: strawberry.ID
    work_order_id: strawberry.ID
    score: int
    comment: str
    source: RatingSourceEnum  # type: ignore[valid-type]
    version: int
    created_at: datetime

    @classmethod
    def from_model(cls, rating: SatisfactionRating) -> RatingType:
        return cls(
            id=strawberry.ID(str(rating.id)),
            work_order_id=strawberry.ID(str(rating.work_order_id)),  # type: ignore[attr-defined]
            score=rating.score,
            comment=rating.comment,
            source=RatingSource(rating.source),
            version=rating.version,
            created_at=rating.created_at,
        )


@strawberry.type(name="Callback")
class CallbackType:
    id: strawberry.ID
    work_order_id: strawberry.ID
    called_by_id: strawberry.ID | None
    reached: bool
    satisfaction: int | None
    comment: str
    complaint: bool
    created_at: datetime

    @classmethod
    def from_model(cls, callback: Callback) -> CallbackType:
        called_by = callback.called_by_id  # type: ignore[attr-defined]
        return cls(
            id=strawberry.ID(str(callback.id)),
            work_order_id=strawberry.ID(str(callback.work_order_id)),  # type: ignore[attr-defined]
            called_by_id=None if called_by is None else strawberry.ID(str(called_by)),
            reached=callback.reached,
            satisfaction=callback.satisfaction,
            comment=callback.comment,
            complaint=callback.complaint,
            created_at=callback.created_at,
        )


@strawberry.type
class Query:
    @strawberry.field
    async def ratings(
        self, info: Info, work_order_id: strawberry.ID, first: int | None = 50, after: str | None = None
    ) -> Connection[RatingType]:
        query = await service.ratings_of(actor=info.context.require(), work_order_id=parse_id(work_order_id))
        return await paginate(query, first=first, after=after, to_node=RatingType.from_model)

    @strawberry.field
    async def callbacks(
        self, info: Info, work_order_id: strawberry.ID, first: int | None = 50, after: str | None = None
    ) -> Connection[CallbackType]:
        query = await service.callbacks_of(
            actor=info.context.require(), work_order_id=parse_id(work_order_id)
        )
        return await paginate(query, first=first, after=after, to_node=CallbackType.from_model)


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def submit_rating(
        self,
        info: Info,
        work_order_id: strawberry.ID,
        score: int,
        comment: str = "",
        source: RatingSourceEnum = RatingSource.DEVICE,  # type: ignore[valid-type]
        id: strawberry.ID | None = None,
    ) -> RatingType:
        rating = await service.submit_rating(
            actor=info.context.require(),
            work_order_id=parse_id(work_order_id),
            score=score,
            comment=comment,
            source=RatingSource(source),
            id=optional_id(id),
        )
        return RatingType.from_model(rating)

    @strawberry.mutation
    async def record_callback(
        self,
        info: Info,
        work_order_id: strawberry.ID,
        reached: bool,
        satisfaction: int | None = None,
        comment: str = "",
        complaint: bool = False,
        id: strawberry.ID | None = None,
    ) -> CallbackType:
        callback = await service.record_callback(
            actor=info.context.require(),
            work_order_id=parse_id(work_order_id),
            reached=reached,
            satisfaction=satisfaction,
            comment=comment,
            complaint=complaint,
            id=optional_id(id),
        )
        return CallbackType.from_model(callback)
