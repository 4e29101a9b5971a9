"""Photos and the bytes behind them.

A `Photo` is what the technician records (which order, which checklist item, caption, when and
where); a `MediaBlob` is one stored file, addressed by the sha256 of the bytes the device sent.
The record can reach the server before its bytes, so a photo waits until a blob with its hash
exists. `Upload` is the state of one resumable (tus) upload in progress.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from server.auth.models import User
from server.core.models import Record, SyncedRecord
from server.workorders.models import WorkOrder


class PhotoStatus(StrEnum):
    WAITING_FOR_UPLOAD = "waiting_for_upload"
    READY = "ready"


class Photo(SyncedRecord):
    work_order: fields.ForeignKeyRelation[WorkOrder] = fields.ForeignKeyField(
        "doorstep.WorkOrder", related_name="photos", on_delete=fields.CASCADE
    )
    # The key of the checklist item the photo documents; empty for a general photo of the visit.
    checklist_item = fields.CharField(max_length=64, default="")
    caption = fields.TextField(default="")
    taken_at = fields.DatetimeField(null=True)
    taken_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "doorstep.User", related_name="photos", null=True, on_delete=fields.SET_NULL
    )
    device_id = fields.UUIDField(null=True)
    # The device hashes the file it will upload, so the record names its bytes from the start.
    sha256 = fields.CharField(max_length=64, db_index=True)
    content_type = fields.CharField(max_length=32)
    size = fields.BigIntField()
    width = fields.IntField(null=True)
    height = fields.IntField(null=True)
    # Where the technician chose to say it was taken; the file's own EXIF location is never served.
    latitude = fields.FloatField(null=True)
    longitude = fields.FloatField(null=True)
    accuracy = fields.FloatField(null=True)  # metres
    status = fields.CharEnumField(PhotoStatus, max_length=24, default=PhotoStatus.WAITING_FOR_UPLOAD)

    class Meta:
        table = "photo"


class MediaBlob(Model):
    # One stored file; immutable once written, so it needs no version and no reference count.

    sha256 = fields.CharField(max_length=64, primary_key=True)
    size = fields.BigIntField()  # of the uploaded file: what counts against the uploader's quota
    content_type = fields.CharField(max_length=32)  # sniffed from the uploaded bytes
    served_type = fields.CharField(max_length=32)
    served_size = fields.BigIntField()
    width = fields.IntField()
    height = fields.IntField()
    storage_key = fields.CharField(max_length=200)
    thumbnail_key = fields.CharField(max_length=200)  # made after the upload is answered
    uploader: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "doorstep.User", related_name="media_blobs", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "media_blob"


class Upload(Record):
    # A tus upload; the bytes received so far are in `<data_dir>/uploads/<id>.part`.

    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "doorstep.User", related_name="uploads", on_delete=fields.CASCADE
    )
    length = fields.BigIntField()
    offset = fields.BigIntField(default=0)
    sha256 = fields.CharField(max_length=64)  # declared by the client; checked on completion
    metadata: fields.Field[dict[str, Any]] = fields.JSONField(default=dict)
    expires_at = fields.DatetimeField(db_index=True)
    completed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "media_upload"
