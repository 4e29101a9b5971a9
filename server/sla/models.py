from __future__ import annotations

from typing import Any

from tortoise import fields

from server.core.models import Record


class SlaPolicy(Record):
    code = fields.CharField(max_length=32, unique=True)
    name_en = fields.CharField(max_length=100)
    name_zh = fields.CharField(max_length=100)
    respond_minutes = fields.IntField()
    resolve_minutes = fields.IntField()
    calendar_mode = fields.CharField(max_length=8, default="5x8")  # 5x8 | 24x7
    satisfaction_target = fields.FloatField(default=0.95)
    active = fields.BooleanField(default=True)

    class Meta:
        table = "sla_policy"


class BusinessCalendarConfig(Record):
    # Working hours and holidays; the site's own time zone is applied when computing.

    name = fields.CharField(max_length=64, unique=True)
    config: fields.Field[dict[str, Any]] = fields.JSONField()
    is_default = fields.BooleanField(default=False)

    class Meta:
        table = "business_calendar"
