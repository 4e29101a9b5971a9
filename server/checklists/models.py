from __future__ import annotations

from typing import Any

from tortoise import fields

from server.auth.models import User
from server.core.models import SyncedRecord
from server.workorders.models import WorkOrder


class ChecklistTemplate(SyncedRecord):
    # A versioned template; a new version is a new row so runs keep the text they were answered on.

    key = fields.CharField(max_length=64)
    template_version = fields.IntField(default=1)
    title_en = fields.CharField(max_length=200)
    title_zh = fields.CharField(max_length=200)
    document: fields.Field[dict[str, Any]] = fields.JSONField()
    active = fields.BooleanField(default=True)

    class Meta:
        table = "checklist_template"
        unique_together = (("key", "template_version"),)


class StandardPhraseBook(SyncedRecord):
    version_label = fields.IntField(default=1)
    document: fields.Field[dict[str, Any]] = fields.JSONField()
    active = fields.BooleanField(default=True)

    class Meta:
        table = "standard_phrase_book"


class ChecklistRun(SyncedRecord):
    work_order: fields.ForeignKeyRelation[WorkOrder] = fields.ForeignKeyField(
        "doorstep.WorkOrder", related_name="checklist_runs", on_delete=fields.CASCADE
    )
    template: fields.ForeignKeyRelation[ChecklistTemplate] = fields.ForeignKeyField(
        "doorstep.ChecklistTemplate", related_name="runs", on_delete=fields.RESTRICT
    )
    # {item_key: {"value": ..., "at": iso, "by": user id}}
    answers: fields.Field[dict[str, Any]] = fields.JSONField(default=dict)
    completed_at = fields.DatetimeField(null=True)
    technician: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "doorstep.User", related_name="checklist_runs", null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "checklist_run"
