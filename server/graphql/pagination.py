"""Relay-style connections with opaque keyset cursors (stable under inserts, unlike offsets)."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, Generic, TypeVar

import orjson
import strawberry
from tortoise.expressions import Q
from tortoise.fields import DatetimeField
from tortoise.models import Model
from tortoise.queryset import QuerySet

from server.core.errors import ValidationFailed

NodeT = TypeVar("NodeT")
ModelT = TypeVar("ModelT", bound=Model)
MAX_PAGE = 200


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[NodeT]):
    cursor: str
    node: NodeT


@strawberry.type
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]]
    page_info: PageInfo
    total_count: int

    @strawberry.field
    def nodes(self) -> list[NodeT]:
        return [edge.node for edge in self.edges]


def _encode(obj: Model, order_field: str) -> str:
    value = getattr(obj, order_field)
    pk = obj.pk if isinstance(obj.pk, int) else str(obj.pk)
    raw = orjson.dumps([value.isoformat() if isinstance(value, datetime) else value, pk])
    return base64.urlsafe_b64encode(raw).decode()


def _decode(cursor: str) -> tuple[Any, uuid.UUID | int]:
    try:
        value, pk = orjson.loads(base64.urlsafe_b64decode(cursor.encode()))
        # Most tables use UUID keys; log tables use integers.
        return value, pk if isinstance(pk, int) else uuid.UUID(pk)
    except (ValueError, TypeError) as exc:
        raise ValidationFailed("The cursor is not valid.", code="BAD_CURSOR") from exc


async def paginate(
    query: QuerySet[ModelT],
    *,
    first: int | None,
    after: str | None,
    to_node: Callable[[ModelT], NodeT] | Callable[[ModelT], Awaitable[NodeT]],
    order_field: str = "created_at",
) -> Connection[NodeT]:
    size = MAX_PAGE if first is None else first
    if not 0 <= size <= MAX_PAGE:
        raise ValidationFailed(f"`first` must be between 0 and {MAX_PAGE}.", code="BAD_PAGE_SIZE")
    total = await query.count()
    page = query.order_by(order_field, "id")
    if after:
        value, pk = _decode(after)
        if isinstance(query.model._meta.fields_map.get(order_field), DatetimeField) and isinstance(
            value, str
        ):
            value = datetime.fromisoformat(value)
        page = page.filter(Q(**{f"{order_field}__gt": value}) | Q(**{order_field: value, "id__gt": pk}))
    rows = await page.limit(size + 1)
    has_next = len(rows) > size
    rows = rows[:size]
    edges: list[Edge[NodeT]] = []
    for row in rows:
        node = to_node(row)
        if isinstance(node, Awaitable):
            node = await node
        edges.append(Edge(cursor=_encode(row, order_field), node=node))
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=has_next,
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=total,
    )
