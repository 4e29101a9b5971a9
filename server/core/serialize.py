"""Plain JSON snapshots of rows, for the audit log."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from enum import Enum
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
    meta = obj._meta
    out: dict[str, Any] = {}
    for name in meta.db_fields:
        field = meta.fields_map.get(name)
        if field is None:
            continue
        out[name] = json_value(getattr(obj, name, None))
    for fk in meta.fk_fields:
        key = f"{fk}_id"
        out[key] = json_value(getattr(obj, key, None))
    out.pop("created_at", None)
    out.pop("updated_at", None)
    return out


def diff(
    before: dict[str, Any] | None, after: dict[str, Any] | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys that changed, so the audit log stays readable."""
    before = before or {}
    after = after or {}
    keys = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    return {k: before.get(k) for k in keys if k in before}, {k: after.get(k) for k in keys if k in after}
