"""A sync collection backed by one Tortoise model. Domains describe fields and hooks. Reads run the
scope query's SQL and decode raw rows straight into documents (no model objects, no per-field
Tortoise conversion) because initial sync moves tens of thousands of documents."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model
from tortoise.queryset import QuerySet, ValuesQuery

from server.core.actor import Actor
from server.core.errors import DomainError
from server.syncing.fields import ColumnDecoder, F, _dt_out, _uuid_out, column_decoder
from sync.adapter import Document, Loaded, Principal
from sync.errors import Rejected
from sync.registry import CollectionSpec, Owner

# (actor, include_deleted) -> the rows this actor may replicate
ScopeFn = Callable[..., QuerySet[Any]]
# (actor, merged document as column values, current row or None, changed columns, conn) -> saved row
WriteFn = Callable[[Actor, dict[str, Any], Any, set[str], BaseDBAsyncClient], Awaitable[Model]]
# Adds server-computed fields (named in `computed`) to documents read from the database, in place.
EnrichFn = Callable[[list[Document], BaseDBAsyncClient], Awaitable[None]]


@dataclass
class ModelAdapter:
    spec: CollectionSpec
    model: type[Model]
    fields: Mapping[str, F]
    scope: ScopeFn
    write_fn: WriteFn | None = None
    enrich: EnrichFn | None = None

    @classmethod
    def build(
        cls,
        *,
        name: str,
        model: type[Model],
        fields: Mapping[str, F],
        scope: ScopeFn,
        write: WriteFn | None = None,
        computed: tuple[str, ...] = (),
        enrich: EnrichFn | None = None,
    ) -> ModelAdapter:
        owners = {k: f.owner for k, f in fields.items()} | dict.fromkeys(computed, Owner.SERVER)
        spec = CollectionSpec(name=name, fields=owners, read_only=write is None)
        return cls(spec=spec, model=model, fields=fields, scope=scope, write_fn=write, enrich=enrich)

    @property
    def _columns(self) -> list[str]:
        return ["id", "version", "deleted", "updated_at", *(f.column for f in self.fields.values())]

    def to_doc(self, row: Mapping[str, Any]) -> Document:
        doc: Document = {
            "id": str(row["id"]),
            "version": int(row["version"]),
            "deleted": bool(row["deleted"]),
            "updatedAt": _dt_out(row["updated_at"]),
        }
        for name, f in self.fields.items():
            doc[name] = f.out(row[f.column])
        return doc

    def _scoped(self, principal: Principal) -> QuerySet[Any]:
        # Tombstones included: replication must deliver deletes.
        return self.scope(_actor(principal), include_deleted=True)

    @cached_property
    def _decoding(self) -> tuple[tuple[str, ...], tuple[tuple[int, ColumnDecoder], ...]]:
        """Document keys in `_columns` order, and the decoder of each column whose raw values are
        not already document values."""
        meta = self.model._meta.fields_map
        keys = ("id", "version", "deleted", "updatedAt", *self.fields)
        decoders = (
            column_decoder(_uuid_out, meta["id"]),
            _ints,
            _bools,
            column_decoder(_dt_out, meta["updated_at"]),
            *(column_decoder(f.out, meta[f.column]) for f in self.fields.values()),
        )
        return keys, tuple((i, d) for i, d in enumerate(decoders) if d is not None)

    async def _fetch(self, query: QuerySet[Any], conn: BaseDBAsyncClient) -> list[Document]:
        """The documents of `query`'s rows, decoded as `to_doc` would decode Tortoise's values."""
        sql, params = _compiled(query.using_db(conn).values(*self._columns))
        _, rows = await conn.execute_query(sql, params)
        docs = self._decode(rows)
        if self.enrich is not None:
            await self.enrich(docs, conn)
        return docs

    def _decode(self, rows: Sequence[Any]) -> list[Document]:
        # Column by column: a page's values of one column are checked and converted in one go.
        if not rows:
            return []
        keys, decoded = self._decoding
        columns: list[Sequence[Any]] = list(zip(*rows, strict=True))
        for index, decode in decoded:
            columns[index] = decode(columns[index])
        return [dict(zip(keys, values, strict=True)) for values in zip(*columns, strict=True)]

    async def pull(
        self, *, principal: Principal, after_version: int, limit: int, conn: BaseDBAsyncClient
    ) -> Sequence[Document]:
        query = self._scoped(principal).filter(version__gt=after_version).order_by("version").limit(limit)
        return await self._fetch(query, conn)

    async def load(self, *, principal: Principal, ids: Sequence[str], conn: BaseDBAsyncClient) -> Loaded:
        keys = [k for k in (_as_uuid(i) for i in ids) if k is not None]
        if not keys:
            return Loaded(visible={}, hidden=frozenset())
        docs = await self._fetch(self._scoped(principal).filter(id__in=keys), conn)
        visible = {d["id"]: d for d in docs}
        missing = [k for k in keys if str(k) not in visible]
        hidden: set[str] = set()
        if missing:
            existing = await self.model.filter(id__in=missing).using_db(conn).values_list("id", flat=True)
            hidden = {str(i) for i in existing}
        return Loaded(visible=visible, hidden=frozenset(hidden))

    async def write(
        self, *, principal: Principal, document: Document, master: Document | None, conn: BaseDBAsyncClient
    ) -> Document:
        if self.write_fn is None:
            raise Rejected("READ_ONLY", f"{self.spec.name} cannot be changed by devices")
        actor = _actor(principal)
        try:
            values = {f.column: f.into(document.get(name)) for name, f in self.fields.items()}
            values["deleted"] = bool(document.get("deleted", False))
            changed = {
                f.column
                for name, f in self.fields.items()
                if master is None or document.get(name) != master.get(name)
            }
            if master is None or bool(master.get("deleted")) != values["deleted"]:
                changed.add("deleted")
            row = None if master is None else await self._row_for_update(str(master["id"]), conn)
            values["id"] = _as_uuid(str(document["id"]))
            if values["id"] is None:
                raise Rejected("INVALID_DOCUMENT", "id must be a UUID")
            saved = await self.write_fn(actor, values, row, changed, conn)
        except DomainError as exc:
            raise Rejected(exc.code, exc.message) from exc
        return await self._document(str(saved.pk), conn)

    # A push writes row by row, so these two run once per pushed row: their SQL is written out
    # here because building it through the ORM's query builder costs more than running it.

    async def _row_for_update(self, pk: str, conn: BaseDBAsyncClient) -> Model | None:
        """The current row as a model object, locked until commit (PostgreSQL; SQLite has one writer)."""
        dialect = conn.capabilities.dialect
        if dialect not in _PLACEHOLDER:
            return await self.model.filter(id=pk).using_db(conn).select_for_update().first()
        lock = " FOR UPDATE" if dialect == "postgres" else ""
        sql = f'SELECT * FROM "{self.model._meta.db_table}" WHERE "id" = {_PLACEHOLDER[dialect]}{lock}'  # noqa: S608 (names from the model)
        _, rows = await conn.execute_query(sql, [pk])
        return self.model._init_from_db(**dict(rows[0])) if rows else None

    async def _document(self, pk: str, conn: BaseDBAsyncClient) -> Document:
        dialect = conn.capabilities.dialect
        if dialect not in _PLACEHOLDER:
            return (await self._fetch(self.model.filter(id=pk), conn))[0]
        columns = ", ".join(f'"{c}"' for c in self._columns)
        sql = f'SELECT {columns} FROM "{self.model._meta.db_table}" WHERE "id" = {_PLACEHOLDER[dialect]}'  # noqa: S608 (names from the model)
        _, rows = await conn.execute_query(sql, [pk])
        docs = self._decode(rows)
        if self.enrich is not None:
            await self.enrich(docs, conn)
        return docs[0]


_PLACEHOLDER = {"sqlite": "?", "postgres": "$1"}


def _ints(column: Sequence[Any]) -> Sequence[Any]:
    return tuple(map(int, column))


def _bools(column: Sequence[Any]) -> Sequence[Any]:
    return tuple(map(bool, column))


def _actor(principal: Principal) -> Actor:
    if not isinstance(principal, Actor):
        raise TypeError("the sync principal must be an Actor")
    return principal


def _compiled(query: ValuesQuery[Any]) -> tuple[str, list[Any]]:
    # What awaiting the query would execute; Tortoise has no public call for SQL with parameters.
    query._choose_db_if_not_chosen()
    query._make_query()
    sql, params = query.query.get_parameterized_sql()
    return sql, list(params)


def _as_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except (ValueError, TypeError):
        return None
