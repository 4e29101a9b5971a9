"""How one document field maps to one model column, both ways."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from tortoise import fields as orm

from server.core.errors import ValidationFailed
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


def decoder(out: Callable[[Any], Any], field: orm.Field[Any]) -> Decoder:
    """A raw database value -> its document value: the same result as Tortoise's
    `field.to_python_value` followed by `out`, minus the objects a document never keeps.

    A pull page holds thousands of values, and Tortoise's conversions (iso8601 parsing, a UUID
    object per id) cost more than the query itself. Anything not recognised here, and any raw
    value of an unexpected shape, takes the general path, so the result never differs.
    """

    def general(raw: Any) -> Any:
        return out(field.to_python_value(raw))

    if out is _dt_out and isinstance(field, orm.DatetimeField):
        return _fast(_raw_dt_out, general)
    if out is _date_out and type(field) is orm.DateField:
        return _fast(_raw_date_out, general)
    if out is _uuid_out and isinstance(field, orm.UUIDField):
        return _fast(_raw_uuid_out, general)
    if out is _same and type(field) in (orm.CharField, orm.TextField):
        return _fast(_raw_text, general)
    if out is _same and type(field) is orm.BooleanField:
        return _fast(_raw_bool, general)
    return general


class _Unhandled(Exception):
    """The fast path does not know this raw value; the general path decides."""


def _fast(quick: Callable[[Any], Any], general: Decoder) -> Decoder:
    def decode(raw: Any) -> Any:
        if raw is None:
            return general(raw)
        try:
            return quick(raw)
        except _Unhandled:
            return general(raw)

    return decode


def _raw_dt_out(raw: Any) -> Any:
    if isinstance(raw, datetime):
        value = raw
    elif isinstance(raw, str):
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            raise _Unhandled from None
    else:
        raise _Unhandled
    if value.tzinfo is None:
        raise _Unhandled  # naive: Tortoise's own rule applies
    # Tortoise hands out datetimes in the configured zone, UTC (server/core/db.py).
    return _dt_out(value.astimezone(UTC))


def _raw_date_out(raw: Any) -> Any:
    if type(raw) is date:
        return raw.isoformat()
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw).isoformat()
        except ValueError:
            raise _Unhandled from None
    raise _Unhandled


def _raw_uuid_out(raw: Any) -> Any:
    if isinstance(raw, uuid.UUID):
        return str(raw)
    # Tortoise stores str(uuid) on SQLite, so a canonical string is the UUID's own spelling.
    if isinstance(raw, str) and _CANONICAL_UUID.fullmatch(raw):
        return raw
    raise _Unhandled


def _raw_text(raw: Any) -> Any:
    if type(raw) is str:
        return raw
    raise _Unhandled


def _raw_bool(raw: Any) -> Any:
    return bool(raw)  # what BooleanField.to_python_value does, minus two calls
