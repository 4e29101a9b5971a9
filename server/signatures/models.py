from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields

from server.auth.models import User
from server.core.models import SyncedRecord
from server.workorders.models import WorkOrder


class SignerRelation(StrEnum):
    CUSTOMER = "customer"
    FAMILY_MEMBER = "family_member"
    TENANT = "tenant"
    COLLEAGUE = "colleague"
    OTHER = "other"


class Signature(SyncedRecord):
    # The customer's signature on a finished visit, captured on the technician's device (often
    # offline). Immutable once accepted: a re-sign is a new row and the old one points at it.
    # RESTRICT: a signed service record is evidence and must not vanish with its work order.
    work_order: fields.ForeignKeyRelation[WorkOrder] = fields.ForeignKeyField(
        "doorstep.WorkOrder", related_name="signatures", on_delete=fields.RESTRICT
    )
    # signature_pad's toData(): [{"points": [{"x", "y", "time", "pressure"?}], "penColor"?, ...}]
    strokes: fields.Field[list[dict[str, Any]]] = fields.JSONField()
    canvas_width = fields.IntField()  # the drawing area, in the points' units (CSS pixels)
    canvas_height = fields.IntField()
    png_sha256 = fields.CharField(max_length=64)  # rendered by the server from the strokes
    signer_name = fields.CharField(max_length=100)
    signer_relation = fields.CharEnumField(SignerRelation, max_length=16)
    consent_text = fields.TextField()  # exactly as shown to the signer
    consent_version = fields.IntField()
    language = fields.CharField(max_length=8)  # of the consent text: zh-CN | en
    signed_at = fields.DatetimeField()  # the device's clock
    received_at = fields.DatetimeField()  # the server's clock when it accepted the record
    technician: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "doorstep.User", related_name="signatures", null=True, on_delete=fields.SET_NULL
    )
    latitude = fields.FloatField(null=True)
    longitude = fields.FloatField(null=True)
    accuracy_m = fields.FloatField(null=True)
    # SHA-256 of the canonical "signed content" (server/signatures/content.py): as the device
    # computed it, and as the server recomputed it from its own data when the record arrived.
    content_hash = fields.CharField(max_length=64)
    server_hash = fields.CharField(max_length=64)
    hash_matches = fields.BooleanField()
    superseded_by: fields.ForeignKeyNullableRelation[Signature] = fields.ForeignKeyField(
        "doorstep.Signature", related_name="supersedes", null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "signature"
