"""Tables the sync engine owns. They name no domain: collections are plain strings."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class SyncCounter(Model):
    # The version counter. Stamping takes this row's lock until commit, so versions are
    # handed out in commit order on PostgreSQL too (a sequence would not be).

    name = fields.CharField(max_length=32, primary_key=True)
    value = fields.BigIntField(default=0)

    class Meta:
        table = "sync_counter"


class SyncMutation(Model):
    # One row per applied push row: a replay with the same mutation id gets the stored answer.
    mutation_id = fields.CharField(max_length=80, primary_key=True)
    principal_id = fields.CharField(max_length=64, db_index=True)
    collection = fields.CharField(max_length=64)
    doc_id = fields.CharField(max_length=64)
    outcome = fields.CharField(max_length=16)  # applied | noop | conflict | rejected
    response: fields.Field[dict[str, Any] | None] = fields.JSONField(null=True)
    attempted: fields.Field[dict[str, Any] | None] = fields.JSONField(null=True)
    # The document's version when the answer was given: a replay with nothing changed since
    # gets the same answer; otherwise it is answered from the master as it is now.
    doc_version = fields.BigIntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "sync_mutation"


class SyncConflict(Model):
    # Every value a merge overwrote, so nothing is lost silently and the desk can review it.
    id = fields.BigIntField(primary_key=True, generated=True)
    at = fields.DatetimeField(db_index=True)
    collection = fields.CharField(max_length=64, db_index=True)
    doc_id = fields.CharField(max_length=64, db_index=True)
    field = fields.CharField(max_length=64)
    # {"base": ..., "lost": ..., "won": ...}: one object, since a bare string is not storable as JSON here.
    values: fields.Field[dict[str, Any]] = fields.JSONField()
    winner = fields.CharField(max_length=8)  # master | client
    principal_id = fields.CharField(max_length=64)
    mutation_id = fields.CharField(max_length=80)

    class Meta:
        table = "sync_conflict"


class SyncScopeChange(Model):
    # A document entering or leaving one principal's replication scope (e.g. a reassigned order).
    id = fields.BigIntField(primary_key=True, generated=True)
    principal_id = fields.CharField(max_length=64)
    collection = fields.CharField(max_length=64)
    doc_id = fields.CharField(max_length=64)
    version = fields.BigIntField()
    entered = fields.BooleanField()
    reason = fields.CharField(max_length=64, default="")

    class Meta:
        table = "sync_scope_change"
        indexes = (("principal_id", "collection", "version"),)
