from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class AuditEntry(Model):
    # Append-only: who changed what, from which device, before and after.

    id = fields.BigIntField(primary_key=True, generated=True)
    at = fields.DatetimeField(db_index=True)
    actor_id = fields.UUIDField(null=True, db_index=True)
    device_id = fields.UUIDField(null=True)
    entity = fields.CharField(max_length=64)
    entity_id = fields.CharField(max_length=64, db_index=True)
    action = fields.CharField(max_length=32)
    before: fields.Field[dict[str, Any] | None] = fields.JSONField(null=True)
    after: fields.Field[dict[str, Any] | None] = fields.JSONField(null=True)

    class Meta:
        table = "audit_entry"
