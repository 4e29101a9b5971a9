from __future__ import annotations

from tortoise import fields

from server.core.models import SyncedRecord


class Customer(SyncedRecord):
    name = fields.CharField(max_length=200)
    kind = fields.CharField(max_length=16, default="household")  # household | business
    phone = fields.CharField(max_length=32, db_index=True)
    alt_phone = fields.CharField(max_length=32, default="", db_index=True)
    email = fields.CharField(max_length=255, default="")
    language = fields.CharField(max_length=8, default="zh-CN")
    sla_tier = fields.CharField(max_length=32, default="standard")
    notes = fields.TextField(default="")

    class Meta:
        table = "customer"


class Site(SyncedRecord):
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "doorstep.Customer", related_name="sites", on_delete=fields.RESTRICT
    )
    name = fields.CharField(max_length=200)
    address = fields.CharField(max_length=500)
    city = fields.CharField(max_length=100, default="")
    latitude = fields.FloatField(null=True)
    longitude = fields.FloatField(null=True)
    timezone = fields.CharField(max_length=64, default="Asia/Shanghai")
    access_notes = fields.TextField(default="")  # gate rules, security desk, lift
    parking_notes = fields.TextField(default="")
    contact_name = fields.CharField(max_length=100, default="")
    contact_phone = fields.CharField(max_length=32, default="")

    class Meta:
        table = "site"
