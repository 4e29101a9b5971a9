"""Abstract bases shared by every table."""

from __future__ import annotations

import uuid

from tortoise import fields
from tortoise.models import Model


class Record(Model):
    # UUIDs are made by whoever creates the record, so a phone can create rows offline.
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        abstract = True


class SyncedRecord(Record):
    # A row devices replicate: the sync engine stamps `version` in commit order.

    version = fields.BigIntField(default=0, db_index=True)
    deleted = fields.BooleanField(default=False)

    class Meta:
        abstract = True
