from __future__ import annotations

from tortoise import fields

from server.auth.models import User
from server.core.models import Record, SyncedRecord
from server.workorders.models import WorkOrder


class SatisfactionRating(SyncedRecord):
    # Given on the technician's device at completion, or recorded by the desk on call-back.

    work_order: fields.ForeignKeyRelation[WorkOrder] = fields.ForeignKeyField(
        "doorstep.WorkOrder", related_name="ratings", on_delete=fields.CASCADE
    )
    score = fields.SmallIntField()
    comment = fields.TextField(default="")
    source = fields.CharField(max_length=16, default="device")  # device | callback

    class Meta:
        table = "satisfaction_rating"


class Callback(Record):
    work_order: fields.ForeignKeyRelation[WorkOrder] = fields.ForeignKeyField(
        "doorstep.WorkOrder", related_name="callbacks", on_delete=fields.CASCADE
    )
    called_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "doorstep.User", related_name="callbacks", null=True, on_delete=fields.SET_NULL
    )
    reached = fields.BooleanField()
    satisfaction = fields.SmallIntField(null=True)
    comment = fields.TextField(default="")
    complaint = fields.BooleanField(default=False)

    class Meta:
        table = "callback"
