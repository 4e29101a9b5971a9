from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields

from server.auth.models import User
from server.core.models import SyncedRecord
from server.customers.models import Customer, Site

if TYPE_CHECKING:
    from server.workorders.models import WorkOrder


class SealState(StrEnum):
    NONE = "none"
    INTACT = "intact"
    BROKEN = "broken"


class Asset(SyncedRecord):
    tag_code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=200)
    category = fields.CharField(max_length=64, default="")
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "doorstep.Customer", related_name="assets", on_delete=fields.RESTRICT
    )
    site: fields.ForeignKeyRelation[Site] = fields.ForeignKeyField(
        "doorstep.Site", related_name="assets", on_delete=fields.RESTRICT
    )
    contract_no = fields.CharField(max_length=64, default="")
    serial_no = fields.CharField(max_length=128, default="", db_index=True)
    system_serial = fields.CharField(max_length=128, default="")
    warranty_end = fields.DateField(null=True)
    ip_address = fields.CharField(max_length=64, default="")
    supplier = fields.CharField(max_length=200, default="")
    contact_name = fields.CharField(max_length=100, default="")
    contact_phone = fields.CharField(max_length=32, default="")
    responsible_person = fields.CharField(max_length=100, default="")
    responsible_user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "doorstep.User", related_name="responsible_assets", null=True, on_delete=fields.SET_NULL
    )
    shared = fields.BooleanField(default=False)
    seal_state = fields.CharEnumField(SealState, max_length=8, default=SealState.NONE)
    notes = fields.TextField(default="")

    class Meta:
        table = "asset"


class AssetScan(SyncedRecord):
    # A technician scanned (or picked) an asset on a visit and recorded what he found. Created on
    # the device, often offline; only the mismatch note changes afterwards.
    asset: fields.ForeignKeyRelation[Asset] = fields.ForeignKeyField(
        "doorstep.Asset", related_name="scans", on_delete=fields.RESTRICT
    )
    work_order: fields.ForeignKeyRelation[WorkOrder] = fields.ForeignKeyField(
        "doorstep.WorkOrder", related_name="asset_scans", on_delete=fields.CASCADE
    )
    scanned_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "doorstep.User", related_name="asset_scans", null=True, on_delete=fields.SET_NULL
    )
    scanned_at = fields.DatetimeField()  # the device's clock
    tag_code = fields.CharField(max_length=32, default="")  # as read from the label; "" when picked by hand
    seal_state = fields.CharEnumField(SealState, max_length=8, default=SealState.NONE)
    photo_sha256 = fields.CharField(max_length=64, null=True)  # the seal's photo in the media store
    mismatch = fields.BooleanField(default=False)  # the device differs from the asset record
    mismatch_note = fields.TextField(default="")

    class Meta:
        table = "asset_scan"
