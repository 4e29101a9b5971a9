from __future__ import annotations

from tortoise import fields

from server.auth.models import User
from server.core.models import SyncedRecord
from server.workorders.models import WorkOrder


class WorkNote(SyncedRecord):
    # A free-text note on a work order, usually typed on site; devices create them offline.
    work_order: fields.ForeignKeyRelation[WorkOrder] = fields.ForeignKeyField(
        "doorstep.WorkOrder", related_name="notes", on_delete=fields.CASCADE
    )
    author: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "doorstep.User", related_name="notes", null=True, on_delete=fields.SET_NULL
    )
    body = fields.TextField()
    written_at = fields.DatetimeField()

    class Meta:
        table = "work_note"


class TimeEntry(SyncedRecord):
    # Travel and work time per visit, for workload reports and on-time arrival.
    work_order: fields.ForeignKeyRelation[WorkOrder] = fields.ForeignKeyField(
        "doorstep.WorkOrder", related_name="time_entries", on_delete=fields.CASCADE
    )
    technician: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "doorstep.User", related_name="time_entries", null=True, on_delete=fields.SET_NULL
    )
    kind = fields.CharField(max_length=16)  # travel | work | waiting
    started_at = fields.DatetimeField()
    ended_at = fields.DatetimeField(null=True)
    note = fields.TextField(default="")

    class Meta:
        table = "time_entry"
