"""How one document field maps to one model column, both ways."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from tortoise import fields as orm

from server.core.errors import ValidationFailed
from server.syncing import shapes
from sync.registry import Owner


def _dt_out(value: Any) -> Any:
    return value.isoformat().replace("+00:00", "Z") if isinstance(value, datetime) else value


def _dt_in(value: Any) -> Any:
    if value is None or isinstance(value, datetime):
        return value
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ValidationFailed(f"{value!r} is not an ISO date-time.") from None
    if parsed.tzinfo is None:
        raise ValidationFailed(f"{value!r} needs a time zone (use UTC, ending in Z).")
    return parsed


def _date_out(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _date_in(value: Any) -> Any:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed(f"{value!r} is not a date (YYYY-MM-DD).") from None


def _uuid_out(value: Any) -> Any:
    return str(value) if value is not None else None


def _uuid_in(value: Any) -> Any:
    if value is None or value == "":
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise ValidationFailed(f"{value!r} is not an id.") from None


def _enum_out(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class F:
    """A document field: its column, its owner in merges, and its converters."""

    column: str
    owner: Owner
    out: Callable[[Any], Any] = _same
    into: Callable[[Any], Any] = _same


def text(column: str, owner: Owner) -> F:
    return F(column, owner)


def when(column: str, owner: Owner) -> F:
    return F(column, owner, _dt_out, _dt_in)


def day(column: str, owner: Owner) -> F:
    return F(column, owner, _date_out, _date_in)


def ref(column: str, owner: Owner) -> F:
    return F(column, owner, _uuid_out, _uuid_in)


def choice(column: str, owner: Owner) -> F:
    return F(column, owner, _enum_out, _same)


Decoder = Callable[[Any], Any]
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# str() of a UTC datetime, as Tortoise stores it on SQLite; groups 1 and 2 are what `isoformat` keeps.
_STORED_UTC = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2}) ([0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{6})?)\+00:00")


def decoder(out: Callable[[Any], Any], field: orm.Field[Any]) -> Decoder | None:
    """A raw database value -> its document value: the same result as Tortoise's
    `field.to_python_value` followed by `out`, minus the objects a document never keeps.
    None when the raw value already is the document value.

    A pull page holds thousands of values, and Tortoise's conversions (iso8601 parsing, a UUID
    object per id) cost more than the query itself. Anything not recognised here, and any raw
    value of another shape (None included), takes the general path, so the result never differs.
    """

    def general(raw: Any) -> Any:
        return out(field.to_python_value(raw))

    if out is _dt_out and isinstance(field, orm.DatetimeField):
        return _datetime_decoder(general)
    if out is _date_out and type(field) is orm.DateField:
        return _date_decoder(general)
    if out is _uuid_out and isinstance(field, orm.UUIDField):
        return _uuid_decoder(general)
    if out is _same and type(field) in (orm.CharField, orm.TextField):
        # Both drivers return a text column as str or None, which Tortoise passes on unchanged.
        return None
    if out is _same and type(field) is orm.BooleanField:
        return _bool_decoder(general)
    if out is _enum_out and isinstance(field, orm.data.CharEnumFieldInstance):
        return _enum_decoder(general, {str(m.value) for m in field.enum_type if isinstance(m.value, str)})
    return general


def _datetime_decoder(general: Decoder) -> Decoder:
    def decode(raw: Any) -> Any:
        if type(raw) is str:
            match = _STORED_UTC.fullmatch(raw)
            # Zero microseconds: isoformat drops them, so leave that spelling to the general path.
            if match is not None and match[3] != ".000000":
                try:
                    datetime.fromisoformat(raw)  # the pattern does not check ranges
                except ValueError:
                    return general(raw)
                return f"{match[1]}T{match[2]}Z"
        elif isinstance(raw, datetime) and raw.tzinfo is not None:
            # Tortoise hands out datetimes in the configured zone, UTC (server/core/db.py).
            return _dt_out(raw.astimezone(UTC))
        return general(raw)

    return decode


def _date_decoder(general: Decoder) -> Decoder:
    def decode(raw: Any) -> Any:
        if type(raw) is date:
            return raw.isoformat()
        if type(raw) is str:
            try:
                return date.fromisoformat(raw).isoformat()
            except ValueError:
                pass
        return general(raw)

    return decode


def _uuid_decoder(general: Decoder) -> Decoder:
    def decode(raw: Any) -> Any:
        # Tortoise stores str(uuid) on SQLite, so a canonical string is the UUID's own spelling.
        if type(raw) is str and _CANONICAL_UUID.fullmatch(raw):
            return raw
        if isinstance(raw, uuid.UUID):  # asyncpg returns its own subclass
            return str(raw)
        return general(raw)

    return decode


def _bool_decoder(general: Decoder) -> Decoder:
    def decode(raw: Any) -> Any:
        return bool(raw) if raw is not None else general(raw)  # BooleanField's own rule

    return decode


def _enum_decoder(general: Decoder, values: set[str]) -> Decoder:
    def decode(raw: Any) -> Any:
        # A member's value is the stored string itself, so the lookup can be skipped.
        return raw if type(raw) is str and raw in values else general(raw)

    return decode


# --- whole columns -------------------------------------------------------------------------------

Column = Sequence[Any]
ColumnDecoder = Callable[[Column], Column]


def column_decoder(out: Callable[[Any], Any], field: orm.Field[Any]) -> ColumnDecoder | None:
    """`decoder` for one column of a whole page: when every value has the usual stored form, one
    pass in C checks and converts them all; otherwise each value goes through `decoder`.
    None when the raw values already are the document values."""
    single = decoder(out, field)
    if single is None:
        return None
    whole = _whole_column(out, field)

    def decode(column: Column) -> Column:
        done = whole(column) if whole is not None else None
        return done if done is not None else tuple(map(single, column))

    return decode


def _whole_column(
    out: Callable[[Any], Any], field: orm.Field[Any]
) -> Callable[[Column], Column | None] | None:
    if out is _dt_out and isinstance(field, orm.DatetimeField):
        return _utc_column
    if out is _date_out and type(field) is orm.DateField:
        return _date_column
    if out is _uuid_out and isinstance(field, orm.UUIDField):
        return _uuid_column
    if out is _same and type(field) is orm.BooleanField:
        return _bool_column
    if out is _enum_out and isinstance(field, orm.data.CharEnumFieldInstance):
        values = {str(m.value) for m in field.enum_type if isinstance(m.value, str)}
        return lambda column: column if values.issuperset(column) else None
    return None


def _utc_column(column: Column) -> Column | None:
    joined = shapes.UTC_MICROS.lines(column)
    # Zero microseconds: isoformat drops them, so that spelling goes value by value.
    if joined is None or ".000000+" in joined:
        return None
    try:
        list(map(datetime.fromisoformat, column))  # the pattern does not check ranges
    except ValueError:
        return None
    # The shape has exactly one space and one "+00:00" per value: plain replaces are exact and,
    # unlike a substitution with groups, cost nothing per value.
    return joined.replace(" ", "T").replace("+00:00", "Z").split("\n")


def _date_column(column: Column) -> Column | None:
    if shapes.DATE.lines(column) is None:
        return None
    try:
        list(map(date.fromisoformat, column))
    except ValueError:
        return None
    return column


def _uuid_column(column: Column) -> Column | None:
    return column if shapes.UUID.lines(column) is not None else None


def _bool_column(column: Column) -> Column | None:
    return None if None in column else tuple(map(bool, column))
