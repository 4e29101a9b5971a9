from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from server.core import persist
from server.media.models import Photo
from server.signatures.content import content_hash, signed_content, time_text
from sync.canonical import canonical_json
from tests.factories import make_photo, make_work_order
from tests.server.signatures.helpers import finished_order


async def test_hash_equals_the_hand_built_document(db: Any) -> None:
    order, images = await finished_order()
    # A deleted photo is not part of the record; the same file attached twice counts once.
    gone = await make_photo(order, data=b"deleted later")
    gone.deleted = True
    await persist.save(gone, actor=None, before={})
    await make_photo(order, data=images[0], caption="again")
    a, b = sorted(hashlib.sha256(d).hexdigest() for d in images)
    expected = (
        '{"arrivedAt":"2026-03-02T01:30:00Z",'
        '"checklist":{"customer_tested":true,"uniform":true,"visit_time":"下午两点"},'
        '"parts":[{"name":"光猫电源","part_no":"PWR-12V","quantity":1}],'
        f'"photos":["{a}","{b}"],'
        '"resolution":"更换光猫电源适配器，线路测试正常",'
        '"v":1,'
        '"workDoneAt":"2026-03-02T02:45:10Z",'
        f'"workOrder":"{order.number}"}}'
    )
    document = await signed_content(order)
    assert canonical_json(document) == expected
    assert content_hash(document) == hashlib.sha256(expected.encode("utf-8")).hexdigest()


async def test_an_order_without_checklist_photos_or_times(db: Any) -> None:
    order = await make_work_order(number="WO-20260302-0001", resolution="  reset the router  ")
    assert await Photo.filter(work_order_id=order.id).count() == 0
    assert await signed_content(order) == {
        "v": 1,
        "workOrder": "WO-20260302-0001",
        "resolution": "reset the router",
        "parts": [],
        "checklist": {},
        "photos": [],
        "arrivedAt": None,
        "workDoneAt": None,
    }


def test_times_are_utc_to_the_whole_second() -> None:
    beijing = timezone(timedelta(hours=8))
    assert time_text(datetime(2026, 1, 1, 7, 59, 59, 999999, tzinfo=beijing)) == "2025-12-31T23:59:59Z"
    assert time_text(datetime(2026, 1, 1, 0, 0, tzinfo=UTC)) == "2026-01-01T00:00:00Z"
    assert time_text(None) is None
