from __future__ import annotations

from enum import StrEnum

from tortoise import fields

from server.auth.models import User
from server.core.models import Record
from server.workorders.models import WorkOrder


class ProblemStatus(StrEnum):
    SUGGESTED = "suggested"  # made by the detector; staff accept (open) or dismiss it
    OPEN = "open"
    RESOLVED = "resolved"
    DISMISSED = "dismissed"


class RepeatKind(StrEnum):
    ASSET = "asset"
    SITE = "site"


class Problem(Record):
    # The root cause behind several incidents, its workaround and its permanent fix.

    title = fields.CharField(max_length=200)
    cause_category = fields.CharField(max_length=32, default="", db_index=True)
    root_cause = fields.TextField(default="")
    workaround = fields.TextField(default="")
    permanent_fix = fields.TextField(default="")
    status = fields.CharEnumField(ProblemStatus, max_length=16, default=ProblemStatus.OPEN, db_index=True)
    # "YYYY-MM" of the month whose incidents suggested it; null for problems staff recorded.
    suggested_for = fields.CharField(max_length=7, null=True)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "doorstep.User", related_name="problems", null=True, on_delete=fields.SET_NULL
    )
    work_orders: fields.ManyToManyRelation[WorkOrder] = fields.ManyToManyField(
        "doorstep.WorkOrder", related_name="problems", through="problem_work_order"
    )

    class Meta:
        table = "problem"
        # One suggestion per cause and month, even if two detector runs overlap.
        unique_together = (("suggested_for", "cause_category"),)


class RepeatFaultFlag(Record):
    # A new order for an asset or site whose previous order closed within the repeat window.

    work_order: fields.ForeignKeyRelation[WorkOrder] = fields.ForeignKeyField(
        "doorstep.WorkOrder", related_name="repeat_flags", unique=True, on_delete=fields.CASCADE
    )
    previous_order: fields.ForeignKeyRelation[WorkOrder] = fields.ForeignKeyField(
        "doorstep.WorkOrder", related_name="repeated_by", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(RepeatKind, max_length=8)
    days_between = fields.IntField()  # whole days from the previous closing to the new request

    class Meta:
        table = "repeat_fault_flag"
