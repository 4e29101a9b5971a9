"""A finished visit to sign, and what a device sends when the customer signs it."""

from __future__ import annotations

import math
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from server.auth.models import User
from server.checklists import templates
from server.checklists.models import ChecklistRun
from server.core import persist
from server.core.roles import Role
from server.media.images import JPEG
from server.media.models import MediaBlob, Photo, PhotoStatus
from server.media.runtime import MediaRuntime, blob_keys
from server.signatures.consent import current
from server.workorders.models import Status, WorkOrder
from tests.factories import (
    actor_of,
    make_asset,
    make_customer,
    make_photo,
    make_site,
    make_user,
    make_work_order,
)
from tests.server.media.helpers import jpeg

ARRIVED = datetime(2026, 3, 2, 1, 30, 0, 250000, tzinfo=UTC)
DONE = datetime(2026, 3, 2, 10, 45, 10, tzinfo=timezone(timedelta(hours=8)))
SIGNED = datetime(2026, 3, 2, 2, 50, tzinfo=UTC)
CANVAS = (400, 200)
# Where the test strokes run, in canvas units: a wave across the middle and a diagonal.
WAVE_Y = 100


def _text(value: str) -> dict[str, str]:
    return {"en": value, "zh-CN": value}


CHECKLIST = {
    "key": "etiquette",
    "version": 1,
    "title": {"en": "On-site service", "zh-CN": "现场服务规范"},
    "phases": [
        {
            "key": "working",
            "title": _text("Working"),
            "items": [
                {"key": "uniform", "required": True, "evidence": "check",
                 "text": {"en": "Uniform and badge", "zh-CN": "穿工装、佩戴工牌"}},
                {"key": "visit_time", "required": True, "evidence": "text",
                 "text": {"en": "Agreed visit time", "zh-CN": "约定上门时间"}},
                {"key": "customer_tested", "required": True, "evidence": "customer_confirm",
                 "text": {"en": "Customer tested the service", "zh-CN": "客户已试用服务"}},
            ],
        }
    ],
}  # fmt: skip
ANSWERS = {
    "uniform": {"value": True, "at": "2026-03-02T01:31:00+00:00", "by": "x"},
    "visit_time": {"value": "下午两点", "at": "2026-03-02T01:32:00+00:00", "by": "x"},
    "customer_tested": {"value": True, "at": "2026-03-02T02:40:00+00:00", "by": "x"},
}


def strokes() -> list[dict[str, Any]]:
    wave = [
        {"x": 20 + i * 4, "y": WAVE_Y + 40 * math.sin(i / 5), "time": 1000 + i * 16, "pressure": 0.5}
        for i in range(90)
    ]
    diagonal = [{"x": 60 + i * 2, "y": 40 + i * 1.5, "time": 3000 + i * 30} for i in range(60)]
    return [{"points": wave, "penColor": "black"}, {"points": diagonal, "minWidth": 0.5, "maxWidth": 2.5}]


async def finished_order(
    technician: User | None = None, *, photos: int = 2, **kw: Any
) -> tuple[WorkOrder, list[bytes]]:
    """An order whose work is done: resolution, parts, checklist answers and photo records."""
    technician = technician or await make_user(Role.TECHNICIAN, display_name="王磊")
    customer = await make_customer(name="李秀英", language="zh-CN")
    site = await make_site(customer, name="李宅", address="朝阳区建国路88号3单元502", city="北京")
    fields: dict[str, Any] = {
        "number": f"WO-20260302-{uuid.uuid4().hex[:4]}",
        "status": Status.WORK_DONE,
        "resolution": "更换光猫电源适配器，线路测试正常",
        "parts_used": [{"name": "光猫电源", "part_no": "PWR-12V", "quantity": 1}],
        "arrived_at": ARRIVED,
        "work_done_at": DONE,
        "received_at": datetime(2026, 3, 2, 0, 5, tzinfo=UTC),
        "received_by": await make_user(Role.DISPATCHER, display_name="张敏"),
    }
    fields.update(kw)
    order = await make_work_order(site=site, assigned_to=technician, **fields)
    await order.assets.add(await make_asset(site, name="光猫 HG8145", serial_no="HWTC9A1B2C3D"))
    desk = actor_of(await make_user(Role.DISPATCHER))
    template = await templates.create_template(actor=desk, document=CHECKLIST)
    run = ChecklistRun(work_order=order, template=template, answers=ANSWERS, technician=technician)
    await persist.save(run, actor=None)
    images = [jpeg(width=120, height=90, seed=40 + 90 * i) for i in range(photos)]
    for index, data in enumerate(images):
        await make_photo(order, data=data, caption=f"照片{index + 1}")
    return order, images


async def upload_photos(media: MediaRuntime, order: WorkOrder, images: list[bytes]) -> None:
    """Put the photos' bytes in the store, as a finished upload would."""
    for photo in await Photo.filter(work_order_id=order.id):
        data = next(d for d in images if _sha(d) == photo.sha256)
        served, thumb = blob_keys(photo.sha256)
        path = media.upload_dir / f"{uuid.uuid4()}.jpg"
        media.upload_dir.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        await media.store.put_file(served, path, content_type=JPEG)
        blob = MediaBlob(
            sha256=photo.sha256,
            size=len(data),
            content_type=JPEG,
            served_type=JPEG,
            served_size=len(data),
            width=120,
            height=90,
            storage_key=served,
            thumbnail_key=thumb,
        )
        await persist.save(blob, actor=None)
        photo.status = PhotoStatus.READY
        await persist.save(photo, actor=None, before={})


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def signing(order: WorkOrder, content_hash: str, **kw: Any) -> dict[str, Any]:
    """Keyword arguments of service.accept_signature, as the device would send them."""
    consent = current("zh-CN")
    values: dict[str, Any] = {
        "work_order_id": order.id,
        "strokes": strokes(),
        "canvas_width": CANVAS[0],
        "canvas_height": CANVAS[1],
        "signer_name": "李秀英",
        "signer_relation": "customer",
        "consent_text": consent.text,
        "consent_version": consent.version,
        "language": "zh-CN",
        "signed_at": SIGNED,
        "content_hash": content_hash,
        "latitude": 39.9087,
        "longitude": 116.4605,
        "accuracy_m": 12.5,
    }
    values.update(kw)
    return values


def document(order: WorkOrder, content_hash: str, **kw: Any) -> dict[str, Any]:
    """The same signature as a `signatures` sync document."""
    v = signing(order, content_hash)
    doc = {
        "id": str(uuid.uuid4()),
        "deleted": False,
        "workOrderId": str(order.id),
        "strokes": v["strokes"],
        "canvasWidth": v["canvas_width"],
        "canvasHeight": v["canvas_height"],
        "signerName": v["signer_name"],
        "signerRelation": v["signer_relation"],
        "consentText": v["consent_text"],
        "consentVersion": v["consent_version"],
        "language": v["language"],
        "signedAt": "2026-03-02T02:50:00Z",
        "latitude": None,
        "longitude": None,
        "accuracyM": None,
        "contentHash": content_hash,
        "pngSha256": None,
        "receivedAt": None,
        "technicianId": None,
        "serverHash": None,
        "hashMatches": None,
        "supersededById": None,
    }
    doc.update(kw)
    return doc
