"""Plain JSON snapshots of rows, for the audit log."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from enum import Enum
from functools import cache
from typing import Any

from tortoise.models import Model


def json_value(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    return value


def snapshot(obj: Model) -> dict[str, Any]:
    """Every stored column of `obj` (foreign keys as `<name>_id`), JSON-ready."""
    out: dict[str, Any] = {}
    for key in _snapshot_keys(type(obj)):
        value = getattr(obj, key, None)
        # Two snapshots per pushed row: most values are already plain, skip the checks for them.
        out[key] = value if type(value) in _PLAIN else json_value(value)
    return out


_PLAIN = frozenset({str, int, float, bool, type(None)})


@cache
def _snapshot_keys(model: type[Model]) -> tuple[str, ...]:
    meta = model._meta
    keys = [name for name in meta.db_fields if name in meta.fields_map]
    keys += [f"{fk}_id" for fk in meta.fk_fields]
    return tuple(k for k in dict.fromkeys(keys) if k not in ("created_at", "updated_at"))


def diff(
    before: dict[str, Any] | None, after: dict[str, Any] | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys that changed, so the audit log stays readable."""
    before = before or {}
    after = after or {}
    keys = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    return {k: before.get(k) for k in keys if k in before}, {k: after.get(k) for k in keys if k in after}
