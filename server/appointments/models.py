from __future__ import annotations

from enum import StrEnum

from tortoise import fields

from server.auth.models import User
from server.core.models import SyncedRecord
from server.workorders.models import WorkOrder


class AppointmentStatus(StrEnum):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


class Appointment(SyncedRecord):
    work_order: fields.ForeignKeyRelation[WorkOrder] = fields.ForeignKeyField(
        "doorstep.WorkOrder", related_name="appointments", on_delete=fields.CASCADE
    )
    technician: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "doorstep.User", related_name="appointments", null=True, on_delete=fields.SET_NULL
    )
    window_start = fields.DatetimeField(db_index=True)
    window_end = fields.DatetimeField()
    status = fields.CharEnumField(AppointmentStatus, max_length=16, default=AppointmentStatus.PROPOSED)
    confirmed_with_customer = fields.BooleanField(default=False)
    confirmed_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "doorstep.User", related_name="confirmed_appointments", null=True, on_delete=fields.SET_NULL
    )
    confirmed_at = fields.DatetimeField(null=True)
    customer_contact = fields.CharField(max_length=100, default="")  # who agreed on the phone
    note = fields.TextField(default="")
    cancel_reason = fields.TextField(default="")

    class Meta:
        table = "appointment"


class AppointmentChange(SyncedRecord):
    # Append-only reschedule history, one row per move, so offline moves never collide.

    appointment: fields.ForeignKeyRelation[Appointment] = fields.ForeignKeyField(
        "doorstep.Appointment", related_name="changes", on_delete=fields.CASCADE
    )
    changed_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "doorstep.User", related_name="appointment_changes", null=True, on_delete=fields.SET_NULL
    )
    from_start = fields.DatetimeField(null=True)
    from_end = fields.DatetimeField(null=True)
    to_start = fields.DatetimeField()
    to_end = fields.DatetimeField()
    reason = fields.TextField(default="")
    initiated_by = fields.CharField(max_length=16, default="desk")  # desk | technician | customer

    class Meta:
        table = "appointment_change"
