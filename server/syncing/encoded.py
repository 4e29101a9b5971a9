"""Pull pages encoded as JSON by PostgreSQL itself.

An initial sync moves tens of thousands of documents. Building each one as a Python dict, then
encoding it, costs several times what the database spends finding the rows, so for a plain page
(no computed fields, no scope moves) the SELECT also builds every document's JSON text with
`json_build_object` and the server only joins the texts.

The documents must be exactly what `ModelAdapter.to_doc` would produce: each column's SQL
expression spells its value the way the Python conversion does, and a column type with no exact
SQL spelling leaves the whole collection to Python. A per-row check (enum members) sends a page
with any unexpected value to Python too, so the result never differs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from tortoise import fields as orm

from server.syncing import fields as f
from sync.adapter import EncodedRows

# A PostgreSQL function takes at most 100 arguments: 50 key-value pairs.
_MAX_PAIRS = 50
_INT_FIELDS = (orm.IntField, orm.SmallIntField, orm.BigIntField)


@dataclass(frozen=True)
class JsonColumn:
    value: str  # SQL expression: the document value (JSON-typed where it is not text or a number)
    check: str | None  # SQL condition: the raw value has a form `value` converts like Python does


def json_column(out: Any, field: orm.Field[Any], column: str, dialect: str) -> JsonColumn | None:
    """The SQL for one document field, or None when the database cannot reproduce it exactly."""
    q = f'q."{column}"'
    # PostgreSQL only. Measured on SQLite, `json_object` plus the checks that the raw values have
    # the forms it can convert cost more than fetching the rows and decoding them in Python.
    return _postgres(out, field, q) if dialect == "postgres" else None


def _postgres(out: Any, field: orm.Field[Any], q: str) -> JsonColumn | None:
    # PostgreSQL's column types already hold the values' forms; only the spelling is chosen here.
    kind = type(field)
    if out is f._same and kind in (orm.CharField, orm.TextField, orm.BooleanField, *_INT_FIELDS):
        return JsonColumn(q, None)
    if out is f._same and kind is orm.FloatField:
        return JsonColumn(q, None)  # float8 is written with the shortest exact digits (PostgreSQL ≥ 12)
    if out is f._same and kind is orm.JSONField:
        return JsonColumn(q, None)
    if out is f._enum_out and kind is orm.CharField:
        return JsonColumn(q, None)
    if out is f._enum_out and isinstance(field, orm.data.CharEnumFieldInstance):
        members = [m.value for m in field.enum_type if isinstance(m.value, str)]
        listed = ", ".join(_sql_text(m) for m in members) or "NULL"
        return JsonColumn(q, f"({q} IS NULL OR {q} IN ({listed}))")
    if out is f._uuid_out and isinstance(field, orm.UUIDField):
        return JsonColumn(q, None)
    if out is f._date_out and kind is orm.DateField:
        return JsonColumn(f"to_char({q}, 'YYYY-MM-DD')", None)
    if out is f._dt_out and isinstance(field, orm.DatetimeField):
        utc = f"({q} AT TIME ZONE 'UTC')"
        value = (
            f"to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS')"
            f" || CASE WHEN to_char({utc}, 'US') = '000000' THEN '' ELSE '.' || to_char({utc}, 'US') END"
            " || 'Z'"
        )
        return JsonColumn(f"CASE WHEN {q} IS NULL THEN NULL ELSE {value} END", None)
    return None


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True)
class PageQuery:
    """Wraps a page's SELECT (whose columns are aliased with their column names) so that each row
    comes back as (document JSON text, version, whether the database's encoding holds)."""

    keys: tuple[str, ...]  # document keys, in the order of `columns`
    columns: tuple[JsonColumn, ...]

    @classmethod
    def build(
        cls,
        *,
        keys: Sequence[str],
        columns: Sequence[str],
        outs: Sequence[Any],
        fields: Sequence[orm.Field[Any]],
        dialect: str,
    ) -> PageQuery | None:
        built: list[JsonColumn] = []
        for out, field, column in zip(outs, fields, columns, strict=True):
            encoded = json_column(out, field, column, dialect)
            if encoded is None:
                return None
            built.append(encoded)
        if len(built) > _MAX_PAIRS:
            return None
        return cls(keys=tuple(keys), columns=tuple(built))

    @cached_property
    def _head(self) -> str:
        pairs = ", ".join(f"{_sql_text(k)}, {c.value}" for k, c in zip(self.keys, self.columns, strict=True))
        ok = " AND ".join(c.check for c in self.columns if c.check is not None) or "TRUE"
        return f'SELECT json_build_object({pairs})::text AS doc, q."version" AS version, ({ok}) AS ok FROM '  # noqa: S608 (model names)

    def sql(self, inner: str) -> str:
        return f'{self._head}({inner}) AS q ORDER BY q."version"'

    @staticmethod
    def collect(rows: Sequence[Any]) -> EncodedRows | None:
        """The page, or None when some row needs Python's decoding."""
        if not rows:
            return EncodedRows(json=b"[]", count=0, last_version=None)
        texts: list[str] = []
        for row in rows:
            if not row[2]:
                return None
            texts.append(row[0])
        return EncodedRows(
            json=("[" + ",".join(texts) + "]").encode(), count=len(texts), last_version=int(rows[-1][1])
        )
