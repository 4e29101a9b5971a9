"""Photo records replicate both ways: the technician records them offline (caption, checklist
item, when and where he says it was taken); the server says whether the bytes have arrived."""

from __future__ import annotations

from server.media import service
from server.media.models import Photo
from server.syncing.adapter import ModelAdapter
from server.syncing.fields import F, choice, ref, text, when
from sync.registry import Owner

T, S, I = Owner.TECHNICIAN, Owner.SERVER, Owner.IMMUTABLE  # noqa: E741


PHOTOS = ModelAdapter.build(
    name=service.COLLECTION,
    model=Photo,
    fields={
        "workOrderId": ref("work_order_id", I),
        "checklistItem": text("checklist_item", T),
        "caption": text("caption", T),
        "takenAt": when("taken_at", T),
        "takenById": ref("taken_by_id", S),
        "deviceId": ref("device_id", S),
        "sha256": text("sha256", I),
        "contentType": text("content_type", I),
        "size": F("size", I),
        "width": F("width", S),
        "height": F("height", S),
        "latitude": F("latitude", T),
        "longitude": F("longitude", T),
        "accuracy": F("accuracy", T),
        "status": choice("status", S),
    },
    scope=service.photos_for,
    write=service.write_photo,
)
