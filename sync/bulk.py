"""Inserting many rows given as plain column values: what `Model.bulk_create` does (the same
statement, the same value conversions, one `executemany`), without a model object per row, whose
construction cost more than the insert in a pushed batch."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model


async def insert_rows(conn: BaseDBAsyncClient, model: type[Model], rows: Sequence[Mapping[str, Any]]) -> None:
    """Every row must give a value for every column except a generated key (no defaults are
    filled in here: a missing one raises KeyError). Auto-now columns take the value given."""
    if not rows:
        return
    executor = conn.executor_class(model=model, db=conn)
    fields = [(name, model._meta.fields_map[name]) for name in executor.regular_columns]
    values = [[f.to_db_value(row[name], model) for name, f in fields] for row in rows]
    await conn.execute_many(executor.insert_query, values)


def placeholders(conn: BaseDBAsyncClient, count: int) -> str:
    """`?, ?, ...` (SQLite) or `$1, $2, ...` (PostgreSQL): the parameters of an `IN (...)` list."""
    if conn.capabilities.dialect == "postgres":
        return ", ".join(f"${i}" for i in range(1, count + 1))
    return ", ".join("?" * count)
