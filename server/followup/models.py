from __future__ import annotations

from enum import StrEnum

from tortoise import fields

from server.auth.models import User
from server.core.models import Record
from server.feedback.models import Callback
from server.workorders.models import WorkOrder


class ComplaintStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class CallbackPolicy(Record):
    # One row (key "default"): which share of signed orders the desk calls back, and how long after
    # the customer signed. Orders left out of the sample are closed by the periodic job.

    key = fields.CharField(max_length=32, unique=True, default="default")
    sample_share = fields.FloatField(default=1.0)  # 0 = call nobody back, 1 = everybody
    delay_minutes = fields.IntField(default=60)

    class Meta:
        table = "callback_policy"


class Complaint(Record):
    # A complaint heard on a call-back: someone owns it and must settle it by the due date.

    work_order: fields.ForeignKeyRelation[WorkOrder] = fields.ForeignKeyField(
        "doorstep.WorkOrder", related_name="complaints", on_delete=fields.CASCADE
    )
    # The call-back it came from; unique, so re-sending the same call-back opens no second one.
    callback: fields.ForeignKeyNullableRelation[Callback] = fields.ForeignKeyField(
        "doorstep.Callback", related_name="complaints", null=True, unique=True, on_delete=fields.SET_NULL
    )
    owner: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "doorstep.User", related_name="owned_complaints", null=True, on_delete=fields.SET_NULL
    )
    due_date = fields.DateField()
    status = fields.CharEnumField(ComplaintStatus, max_length=16, default=ComplaintStatus.OPEN, db_index=True)
    text = fields.TextField(default="")
    resolution = fields.TextField(default="")
    resolved_at = fields.DatetimeField(null=True)
    resolved_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "doorstep.User", related_name="resolved_complaints", null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "complaint"
