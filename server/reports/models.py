from __future__ import annotations

from tortoise import fields

from server.auth.models import User
from server.core.models import Record
from server.customers.models import Customer, Site
from server.workorders.models import WorkOrder


class WorkOrderFacts(Record):
    # One row per work order with the figures the supervisor reports aggregate, computed in Python
    # once (business-hours SLA, visits, appointment punctuality) when the order moves, so every
    # report figure is a plain SQL aggregate over this table. `updated_at` is when it was computed.

    work_order: fields.OneToOneRelation[WorkOrder] = fields.OneToOneField(
        "doorstep.WorkOrder", related_name="facts", on_delete=fields.CASCADE
    )
    # The order's sync version the row was computed from: a smaller one means the row is stale.
    order_version = fields.BigIntField(default=0)
    # Report dimensions, copied from the order so filters need no join.
    # Not indexed on its own: a period of months selects most rows, and a full scan reads them far
    # faster than SQLite's index walk would; the filters' indexes below lead with their column.
    received_at = fields.DatetimeField()
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "doorstep.Customer", related_name="work_order_facts", on_delete=fields.CASCADE
    )
    site: fields.ForeignKeyRelation[Site] = fields.ForeignKeyField(
        "doorstep.Site", related_name="work_order_facts", on_delete=fields.CASCADE
    )
    technician: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "doorstep.User", related_name="work_order_facts", null=True, on_delete=fields.SET_NULL
    )
    sla_tier = fields.CharField(max_length=32)
    fault_level = fields.SmallIntField()
    status = fields.CharField(max_length=24)
    deleted = fields.BooleanField(default=False)
    # SLA clocks in business seconds (pauses excluded); null while the clock still runs.
    respond_seconds = fields.IntField(null=True)
    respond_met = fields.BooleanField(null=True)
    resolve_seconds = fields.IntField(null=True)
    resolve_met = fields.BooleanField(null=True)
    resolved_at = fields.DatetimeField(null=True)
    visits = fields.SmallIntField(default=0)  # arrivals on site
    # Resolved on the first visit, without a "cannot finish" or a failed customer test; null until resolved.
    first_time_fix = fields.BooleanField(null=True)
    # A repeat fault by the problem detector's rule: an order for the same asset or site closed
    # in the 30 days before this one was received (server/problems/detection.py).
    repeat_fault = fields.BooleanField(default=False)
    # Arrived by the end of the confirmed appointment window; null without arrival or appointment.
    on_time = fields.BooleanField(null=True)
    # The etiquette checklist was completed; null when nobody came on site.
    checklist_completed = fields.BooleanField(null=True)

    class Meta:
        table = "work_order_facts"
        # Every figure filters on the period; these serve the dashboard's other filters with it.
        indexes = (
            ("customer_id", "received_at"),
            ("site_id", "received_at"),
            ("technician_id", "received_at"),
        )
