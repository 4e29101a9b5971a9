"""Tables the sync engine owns. They name no domain: collections are plain strings."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class SyncCounter(Model):
    # The version counter. Stamping takes this row's lock until commit, so versions are
    # handed out in commit order on PostgreSQL too (a sequence would not be).

    name = fields.CharField(max_length=32, primary_key=True)
    value = fields.BigIntField(default=0)

    class Meta:
        table = "sync_counter"
