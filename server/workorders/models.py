from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields

from server.assets.models import Asset
from server.auth.models import User
from server.core.models import SyncedRecord
from server.customers.models import Customer, Site


class Status(StrEnum):
    RECEIVED = "received"
    DISPATCHED = "dispatched"
    ACCEPTED = "accepted"
    APPOINTMENT_CONFIRMED = "appointment_confirmed"
    EN_ROUTE = "en_route"
    ON_SITE = "on_site"
    WORK_DONE = "work_done"
    CUSTOMER_SIGNED = "customer_signed"
    CALLED_BACK = "called_back"
    CLOSED = "closed"
    ON_HOLD = "on_hold"
    CANNOT_FINISH = "cannot_finish"
    CANCELLED = "cancelled"


class SourceChannel(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    WEB = "web"
    WALK_IN = "walk_in"
    MONITORING = "monitoring"


class WorkOrder(SyncedRecord):
    number = fields.CharField(max_length=32, unique=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "doorstep.Customer", related_name="work_orders", on_delete=fields.RESTRICT
    )
    site: fields.ForeignKeyRelation[Site] = fields.ForeignKeyField(
        "doorstep.Site", related_name="work_orders", on_delete=fields.RESTRICT
    )
    source_channel = fields.CharEnumField(SourceChannel, max_length=16, default=SourceChannel.PHONE)
    symptom = fields.TextField()
    fault_level = fields.SmallIntField(default=3)
    sla_tier = fields.CharField(max_length=32, default="standard")
    status = fields.CharEnumField(Status, max_length=24, default=Status.RECEIVED, db_index=True)
    status_before_hold = fields.CharField(max_length=24, default="")
    hold_reason = fields.CharField(max_length=32, default="")  # waiting_customer | waiting_parts
    # Pauses of the SLA clock: [{"start": iso, "end": iso | null, "reason": str}]
    pauses: fields.Field[list[dict[str, Any]]] = fields.JSONField(default=list)
    assigned_to: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "doorstep.User", related_name="assigned_work_orders", null=True, on_delete=fields.SET_NULL
    )
    received_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "doorstep.User", related_name="received_work_orders", null=True, on_delete=fields.SET_NULL
    )
    scheduled_date = fields.DateField(null=True, db_index=True)
    received_at = fields.DatetimeField()
    dispatched_at = fields.DatetimeField(null=True)
    accepted_at = fields.DatetimeField(null=True)
    responded_at = fields.DatetimeField(null=True)
    arrived_at = fields.DatetimeField(null=True)
    work_done_at = fields.DatetimeField(null=True)
    signed_at = fields.DatetimeField(null=True)
    called_back_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)
    cancelled_at = fields.DatetimeField(null=True)
    cancel_reason = fields.TextField(default="")
    late_reported_at = fields.DatetimeField(null=True)
    late_reason = fields.TextField(default="")
    redispatched_at = fields.DatetimeField(null=True)
    escalation_raised_at = fields.DatetimeField(null=True)
    escalated_at = fields.DatetimeField(null=True)
    escalation_note = fields.TextField(default="")  # what the technician needs the supervisor for
    next_visit_date = fields.DateField(null=True)
    cannot_finish_reason = fields.TextField(default="")
    # [{"name": str, "part_no": str, "quantity": int}]
    parts_used: fields.Field[list[dict[str, Any]]] = fields.JSONField(default=list)
    progress_note = fields.TextField(default="")
    resolution = fields.TextField(default="")
    cause_category = fields.CharField(max_length=32, default="")
    seal_broken = fields.BooleanField(default=False)
    assets: fields.ManyToManyRelation[Asset] = fields.ManyToManyField(
        "doorstep.Asset", related_name="work_orders", through="work_order_asset"
    )

    class Meta:
        table = "work_order"
