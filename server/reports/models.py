from __future__ import annotations

from tortoise import fields

from server.auth.models import User
from server.core.models import Record
from server.customers.models import Customer, Site
from server.workorders.models import WorkOrder


class WorkOrderFacts(Record):
    # One row per work order with the figures the supervisor reports aggregate, computed in Python
    # once (business-hours SLA, visits, appointment punctuality) when the order moves or gets
    # feedback, so every report figure is a plain SQL aggregate over this table alone.
    # `updated_at` is when it was computed.

    work_order: fields.OneToOneRelation[WorkOrder] = fields.OneToOneField(
        "doorstep.WorkOrder", related_name="facts", on_delete=fields.CASCADE
    )
    # The order's sync version the row was computed from: a smaller one means the row is stale.
    order_version = fields.BigIntField(default=0)
    # Report dimensions, copied from the order so filters need no join.
    # Not indexed: a period of months selects most rows, and a full scan reads them far faster
    # than walking an index and fetching each row (SQLite cannot tell in advance how many match).
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
    # Customer feedback: ratings (not deleted), their score total and those of 4 or 5; whether the
    # desk called back, reached the customer on some call, and recorded a complaint.
    ratings = fields.SmallIntField(default=0)
    rating_total = fields.IntField(default=0)
    ratings_satisfied = fields.SmallIntField(default=0)
    called_back = fields.BooleanField(default=False)
    callback_reached = fields.BooleanField(default=False)
    complaint = fields.BooleanField(default=False)

    class Meta:
        table = "work_order_facts"
        # The dashboard's filters; single-column, so a query without them never walks one of these.
        indexes = (("customer_id",), ("site_id",), ("technician_id",))
