from __future__ import annotations

from tortoise import fields

from server.core.models import Record
from server.core.roles import Role

__all__ = ["Device", "RefreshToken", "Role", "User"]


class User(Record):
    username = fields.CharField(max_length=64, unique=True)
    display_name = fields.CharField(max_length=128)
    role = fields.CharEnumField(Role, max_length=16)
    password_hash = fields.CharField(max_length=255)
    phone = fields.CharField(max_length=32, default="")
    email = fields.CharField(max_length=255, default="")
    locale = fields.CharField(max_length=8, default="zh-CN")
    skills: fields.Field[list[str]] = fields.JSONField(default=list)
    territory = fields.CharField(max_length=128, default="")
    active = fields.BooleanField(default=True)

    class Meta:
        table = "user"


class Device(Record):
    # A phone or browser a user signed in from; an admin can revoke it.

    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "doorstep.User", related_name="devices", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=128, default="")
    user_agent = fields.CharField(max_length=512, default="")
    last_seen_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "device"


class RefreshToken(Record):
    # One link of a rotating refresh-token chain; only the hash is stored.

    family_id = fields.UUIDField(db_index=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "doorstep.User", related_name="refresh_tokens", on_delete=fields.CASCADE
    )
    device: fields.ForeignKeyNullableRelation[Device] = fields.ForeignKeyField(
        "doorstep.Device", related_name="refresh_tokens", null=True, on_delete=fields.CASCADE
    )
    token_hash = fields.CharField(max_length=64, unique=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "refresh_token"
