from __future__ import annotations

from enum import StrEnum

from tortoise import fields

from server.auth.models import User
from server.core.models import Record, SyncedRecord
from server.workorders.models import WorkOrder


class ProblemType(StrEnum):
    SYSTEM_SOFTWARE = "system_software"
    APPLICATION = "application"
    HARDWARE = "hardware"
    CONSULTATION = "consultation"
    OTHER = "other"


class KnowledgeEntry(SyncedRecord):
    # One known fault and its fix, in Chinese and English; replicated read-only to every device.

    problem_type = fields.CharEnumField(ProblemType, max_length=16, default=ProblemType.OTHER)
    system_type = fields.CharField(max_length=64, default="")  # e.g. ONU, set-top box, Windows, printer
    fault_type = fields.CharField(max_length=64, default="")  # e.g. no signal, will not start
    symptom_en = fields.TextField(default="")
    symptom_zh = fields.TextField(default="")
    cause_en = fields.TextField(default="")
    cause_zh = fields.TextField(default="")
    solution_en = fields.TextField(default="")
    solution_zh = fields.TextField(default="")
    # The work orders the entry was written from: [work order id, ...]
    linked_order_ids: fields.Field[list[str]] = fields.JSONField(default=list)
    # Precomputed search tokens (server/knowledge/tokens.py), so phones rank without re-tokenizing.
    search_terms = fields.TextField(default="")
    # Set when the entry was folded into another; merged entries are kept but not searched.
    merged_into: fields.ForeignKeyNullableRelation[KnowledgeEntry] = fields.ForeignKeyField(
        "doorstep.KnowledgeEntry", related_name="merged_entries", null=True, on_delete=fields.SET_NULL
    )
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "doorstep.User", related_name="knowledge_entries", null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "knowledge_entry"


class SolutionUse(Record):
    # "Solution used": a knowledge entry the technician applied on a work order.

    work_order: fields.ForeignKeyRelation[WorkOrder] = fields.ForeignKeyField(
        "doorstep.WorkOrder", related_name="solutions_used", on_delete=fields.CASCADE
    )
    entry: fields.ForeignKeyRelation[KnowledgeEntry] = fields.ForeignKeyField(
        "doorstep.KnowledgeEntry", related_name="uses", on_delete=fields.RESTRICT
    )
    attached_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "doorstep.User", related_name="solutions_attached", null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "solution_use"
        unique_together = (("work_order", "entry"),)
