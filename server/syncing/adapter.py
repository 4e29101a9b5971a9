"""A sync collection backed by one Tortoise model. Domains describe fields and hooks. Reads run the
scope query's SQL and decode raw rows straight into documents (no model objects, no per-field
Tortoise conversion) because initial sync moves tens of thousands of documents."""

from __future__ import annotations

import uuid
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.fields import DatetimeField, Field
from tortoise.models import Model
from tortoise.queryset import QuerySet, ValuesQuery

from server.core import persist
from server.core.actor import Actor
from server.core.errors import DomainError
from server.syncing.encoded import PageQuery
from server.syncing.fields import ColumnDecoder, F, _dt_out, _same, _uuid_out, column_decoder
from sync.adapter import Document, EncodedRows, Loaded, Principal
from sync.bulk import placeholders
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
    # The write function reads back nothing it saved except through the row it is given, so a
    # pushed batch's saves may be held back and run together (`persist.held_back`).
    holds_writes: bool = False
    # Per dialect: the SELECT that encodes a pull page's documents, or None where it cannot.
    _page_queries: dict[str, PageQuery | None] = field(default_factory=dict, repr=False, compare=False)
    # (dialect, actor) -> a pull page's SQL, its parameters and where the two numbers go in them.
    _page_sqls: dict[tuple[str, Actor], tuple[str, list[Any], int, int]] = field(
        default_factory=dict, repr=False, compare=False
    )

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
        holds_writes: bool = False,
    ) -> ModelAdapter:
        owners = {k: f.owner for k, f in fields.items()} | dict.fromkeys(computed, Owner.SERVER)
        spec = CollectionSpec(name=name, fields=owners, read_only=write is None)
        return cls(
            spec=spec,
            model=model,
            fields=fields,
            scope=scope,
            write_fn=write,
            enrich=enrich,
            holds_writes=holds_writes,
        )

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
        return await self._documents(sql, params, conn)

    async def _documents(self, sql: str, params: list[Any], conn: BaseDBAsyncClient) -> list[Document]:
        """Runs a SELECT of `_columns` and returns its rows as documents, computed fields included."""
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
        sql, params = self._page_sql(principal, conn, after_version, limit)
        return await self._documents(sql, params, conn)

    def _page_sql(
        self, principal: Principal, conn: BaseDBAsyncClient, after_version: int, limit: int
    ) -> tuple[str, list[Any]]:
        """A pull page's SQL and parameters. Building it through the query builder costs about as
        much as running it, and it only depends on the actor (scope functions build their query
        from the actor alone), so it is built once per actor with stand-ins for the two numbers."""
        actor = _actor(principal)
        key = (conn.capabilities.dialect, actor)
        cached = self._page_sqls.get(key)
        if cached is None:
            sql, params = self._compiled_page(actor, conn, _AFTER, _LIMIT)
            if params.count(_AFTER) != 1 or params.count(_LIMIT) != 1:
                # The builder inlined a number: nothing to reuse.
                return self._compiled_page(actor, conn, after_version, limit)
            cached = (sql, params, params.index(_AFTER), params.index(_LIMIT))
            if len(self._page_sqls) >= _PAGE_SQLS:
                self._page_sqls.pop(next(iter(self._page_sqls)))
            self._page_sqls[key] = cached
        sql, template, at_after, at_limit = cached
        params = list(template)
        params[at_after], params[at_limit] = after_version, limit
        return sql, params

    def _compiled_page(
        self, actor: Actor, conn: BaseDBAsyncClient, after_version: int, limit: int
    ) -> tuple[str, list[Any]]:
        query = self._scoped(actor).filter(version__gt=after_version).order_by("version").limit(limit)
        return _compiled(query.using_db(conn).values(*self._columns))

    async def pull_encoded(
        self, *, principal: Principal, after_version: int, limit: int, conn: BaseDBAsyncClient
    ) -> EncodedRows | None:
        """`pull` with the documents' JSON built by the database; None when this collection's
        documents (computed fields) or this page's raw values need Python's decoding."""
        dialect = conn.capabilities.dialect
        page = self._page_query(dialect) if self.enrich is None else None
        if page is None:
            return None
        inner, params = self._page_sql(principal, conn, after_version, limit)
        _, rows = await conn.execute_query(page.sql(inner), params)
        return PageQuery.collect(rows)

    def _page_query(self, dialect: str) -> PageQuery | None:
        if dialect not in self._page_queries:
            meta = self.model._meta.fields_map
            outs = (_uuid_out, _same, _same, _dt_out, *(f.out for f in self.fields.values()))
            self._page_queries[dialect] = PageQuery.build(
                keys=self._decoding[0],
                columns=self._columns,
                outs=outs,
                fields=[meta[c] for c in self._columns],
                dialect=dialect,
            )
        return self._page_queries[dialect]

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
            batch = _batch_rows.get(conn)
            row = None
            if master is not None:
                pk = str(master["id"])
                row = batch[pk] if batch is not None and pk in batch else await self._row_for_update(pk, conn)
            values["id"] = _as_uuid(str(document["id"]))
            if values["id"] is None:
                raise Rejected("INVALID_DOCUMENT", "id must be a UUID")
            saved = await self.write_fn(actor, values, row, changed, conn)
        except DomainError as exc:
            raise Rejected(exc.code, exc.message) from exc
        if batch is None:
            return await self._document(str(saved.pk), conn)
        if not self.holds_writes:
            batch.pop(str(saved.pk), None)  # written: the next write of it in this batch reads it again
            return await self._document(str(saved.pk), conn)
        # Held back, so not in the database yet: the saved object is the row as it will be.
        batch[str(saved.pk)] = saved
        docs = [self._saved_document(saved)]
        if self.enrich is not None:
            await self.enrich(docs, conn)
        return docs[0]

    @asynccontextmanager
    async def writing(
        self, *, principal: Principal, ids: Sequence[str], conn: BaseDBAsyncClient
    ) -> AsyncIterator[None]:
        """One pushed batch (sync/batch.py): its existing rows read and locked in one statement,
        and, for a collection that `holds_writes`, its saves run together when the batch ends."""
        if self.write_fn is None or conn in _batch_rows:
            yield
            return
        _batch_rows[conn] = await self._rows_for_update(ids, conn)
        try:
            if self.holds_writes:
                async with persist.held_back(conn):
                    yield
            else:
                yield
        finally:
            del _batch_rows[conn]

    def _saved_document(self, saved: Model) -> Document:
        """The document of a row just saved, as reading it back would give it: each value goes
        through the column's conversion from the database (a date-time in UTC, for one)."""
        return self.to_doc({c: f.to_python_value(getattr(saved, c)) for c, f in self._column_fields})

    @cached_property
    def _column_fields(self) -> tuple[tuple[str, Field[Any]], ...]:
        return tuple((c, self.model._meta.fields_map[c]) for c in self._columns)

    # A push writes row by row, so these run once per pushed row or batch: their SQL is written
    # out here because building it through the ORM's query builder costs more than running it.

    async def versions(self, *, ids: Sequence[str], conn: BaseDBAsyncClient) -> dict[str, int]:
        """sync/batch.py: one query on the primary key, no scope, no documents."""
        keys = [str(k) for k in (_as_uuid(i) for i in ids) if k is not None]
        if not keys:
            return {}
        table = self.model._meta.db_table
        sql = f'SELECT "id", "version" FROM "{table}" WHERE "id" IN ({placeholders(conn, len(keys))})'  # noqa: S608 (names from the model)
        _, rows = await conn.execute_query(sql, keys)
        return {str(row["id"]): int(row["version"]) for row in rows}

    async def _rows_for_update(self, ids: Sequence[str], conn: BaseDBAsyncClient) -> dict[str, Model]:
        """The current rows of `ids` as model objects, locked until commit like `_row_for_update`."""
        dialect = conn.capabilities.dialect
        keys = [str(k) for k in (_as_uuid(i) for i in ids) if k is not None]
        if not keys:
            return {}
        if dialect not in _PLACEHOLDER:
            found = await self.model.filter(id__in=keys).using_db(conn).select_for_update()
            return {str(r.pk): r for r in found}
        marks = placeholders(conn, len(keys))
        # Locked in id order, so two batches sharing rows cannot each hold one the other waits for.
        lock = " FOR UPDATE" if dialect == "postgres" else ""
        sql = f'SELECT * FROM "{self.model._meta.db_table}" WHERE "id" IN ({marks}) ORDER BY "id"{lock}'  # noqa: S608 (names from the model)
        _, rows = await conn.execute_query(sql, keys)
        found_rows = (self.model._init_from_db(**self._parsed_times(dict(r))) for r in rows)
        return {str(r.pk): r for r in found_rows}

    @cached_property
    def _time_columns(self) -> tuple[str, ...]:
        meta = self.model._meta
        return tuple(
            c for f, c in meta.fields_db_projection.items() if isinstance(meta.fields_map[f], DatetimeField)
        )

    def _parsed_times(self, row: dict[str, Any]) -> dict[str, Any]:
        """SQLite hands date-times over as text, which Tortoise parses with a pure-Python ISO parser
        (most of a row's decoding). `fromisoformat` reads the stored form to the same value; any
        other text is left to Tortoise."""
        for column in self._time_columns:
            raw = row.get(column)
            if type(raw) is str:
                try:
                    parsed = datetime.fromisoformat(raw)
                except ValueError:
                    continue
                if parsed.tzinfo is not None:
                    row[column] = parsed
        return row

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
        return (await self._documents(sql, [pk], conn))[0]


_PLACEHOLDER = {"sqlite": "?", "postgres": "$1"}
# Stand-ins for a page's version and size while its SQL is built once per actor; no real page
# uses them. The cache keeps the most recent actors only.
_AFTER, _LIMIT = -7_301_934_519, 7_301_934_517
_PAGE_SQLS = 4096
# The rows of the batch being written on a connection (`writing`), by id; weak keys, so an entry
# dies with its savepoint.
_batch_rows: weakref.WeakKeyDictionary[BaseDBAsyncClient, dict[str, Model]] = weakref.WeakKeyDictionary()


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
