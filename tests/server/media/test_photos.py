"""Photo records through sync and GraphQL: recorded offline, waiting for their bytes, then ready."""

from __future__ import annotations

import uuid
from typing import Any

from server.core.roles import Role
from server.media.models import Photo, PhotoStatus
from tests.client import GqlClient
from tests.factories import make_photo, make_user, make_work_order
from tests.server.media.helpers import jpeg, photo_doc, sha, upload
from tests.server.syncing.helpers import pull_all, push

PHOTOS = """
query($o: ID!) { photos(workOrderId: $o) {
  totalCount nodes { id status uploaded url thumbnailUrl sha256 width height caption checklistItem latitude }
} }
"""


async def _tech_with_order(as_user: Any) -> tuple[GqlClient, Any]:
    tech = await make_user()
    order = await make_work_order(assigned_to=tech)
    return await as_user(tech), order


async def test_record_before_bytes_waits_then_becomes_ready(as_user: Any) -> None:
    device, order = await _tech_with_order(as_user)
    data = jpeg(300, 100, seed=21)
    doc = photo_doc(order.id, data)
    await push(device, "photos", [{"newDocumentState": doc}])
    docs, checkpoint = await pull_all(device, "photos")
    assert [(d["id"], d["status"]) for d in docs] == [(doc["id"], "waiting_for_upload")]
    waiting = (await device.data(PHOTOS, {"o": str(order.id)}))["photos"]["nodes"][0]
    assert (waiting["status"], waiting["uploaded"], waiting["url"]) == ("WAITING_FOR_UPLOAD", False, None)

    assert (await upload(device.http, device.token, data)).status_code == 204

    changed, _ = await pull_all(device, "photos", checkpoint)
    assert [(d["id"], d["status"], d["width"], d["height"]) for d in changed] == [
        (doc["id"], "ready", 300, 100)
    ]
    ready = (await device.data(PHOTOS, {"o": str(order.id)}))["photos"]["nodes"][0]
    assert ready["uploaded"] is True
    assert ready["url"] == f"/media/{sha(data)}"
    assert ready["thumbnailUrl"] == f"/media/{sha(data)}/thumb"


async def test_bytes_before_record_make_it_ready_at_once(as_user: Any) -> None:
    device, order = await _tech_with_order(as_user)
    data = jpeg(seed=22)
    assert (await upload(device.http, device.token, data)).status_code == 204
    doc = photo_doc(order.id, data)
    await push(device, "photos", [{"newDocumentState": doc}])
    photo = await Photo.get(id=doc["id"])
    assert photo.status is PhotoStatus.READY
    me = (await device.data("{ me { id } }"))["me"]["id"]
    assert str(photo.taken_by_id) == me  # type: ignore[attr-defined]


async def test_pushed_record_keeps_what_the_technician_chose(as_user: Any) -> None:
    device, order = await _tech_with_order(as_user)
    data = jpeg(seed=23)
    doc = photo_doc(order.id, data, caption="Splitter box, cover replaced", latitude=31.2, accuracy=8)
    await push(device, "photos", [{"newDocumentState": doc}])
    photo = await Photo.get(id=doc["id"])
    assert (photo.caption, photo.latitude, photo.accuracy) == ("Splitter box, cover replaced", 31.2, 8.0)
    assert photo.checklist_item == "finish.photo"
    assert photo.device_id is not None  # the pushing device, from its session


async def test_invalid_records_are_rejected_with_a_reason(as_user: Any) -> None:
    device, order = await _tech_with_order(as_user)
    data = jpeg(seed=24)
    cases = {
        "VALIDATION_FAILED": [
            photo_doc(order.id, data, sha256="not-a-hash"),
            photo_doc(order.id, data, contentType="application/pdf"),
            photo_doc(order.id, data, size=0),
            photo_doc(order.id, data, latitude=91.0),
        ],
    }
    for code, docs in cases.items():
        for doc in docs:
            answer = await push(device, "photos", [{"newDocumentState": doc}])
            assert answer[0]["rejected"]["code"] == code, doc
    assert await Photo.all().count() == 0


async def test_a_technician_cannot_add_photos_to_someone_elses_order(as_user: Any) -> None:
    device, _ = await _tech_with_order(as_user)
    other_order = await make_work_order(assigned_to=await make_user())
    answer = await push(device, "photos", [{"newDocumentState": photo_doc(other_order.id, jpeg())}])
    assert answer[0]["rejected"]["code"] == "NOT_IN_SCOPE"


async def test_only_the_photographer_may_edit_a_photo(as_user: Any) -> None:
    device, order = await _tech_with_order(as_user)
    data = jpeg(seed=25)
    photo = await make_photo(order, data=data, taken_by_id=(await make_user()).id)
    docs, _ = await pull_all(device, "photos")
    mine = docs[0]
    answer = await push(
        device, "photos", [{"newDocumentState": {**mine, "caption": "changed"}, "assumedMasterState": mine}]
    )
    assert answer[0]["rejected"]["code"] == "FORBIDDEN"
    assert (await Photo.get(id=photo.id)).caption == photo.caption


async def test_the_hash_of_a_recorded_photo_cannot_change(as_user: Any) -> None:
    device, order = await _tech_with_order(as_user)
    doc = photo_doc(order.id, jpeg(seed=26))
    await push(device, "photos", [{"newDocumentState": doc}])
    docs, _ = await pull_all(device, "photos")
    master = docs[0]
    changed = {**master, "sha256": sha(b"other")}
    answer = await push(device, "photos", [{"newDocumentState": changed, "assumedMasterState": master}])
    assert answer[0]["sha256"] == doc["sha256"]  # conflict: the master's value is sent back
    assert (await Photo.get(id=doc["id"])).sha256 == doc["sha256"]


async def test_photos_replicate_only_to_the_assigned_technician(as_user: Any) -> None:
    device, order = await _tech_with_order(as_user)
    await make_photo(order, data=jpeg(seed=27))
    stranger = await as_user(await make_user())
    assert len((await pull_all(device, "photos"))[0]) == 1
    assert (await pull_all(stranger, "photos"))[0] == []


async def test_photos_query_scope(as_user: Any) -> None:
    device, order = await _tech_with_order(as_user)
    await make_photo(order, data=jpeg(seed=28))
    stranger = await as_user(await make_user())
    assert await stranger.error_code(PHOTOS, {"o": str(order.id)}) == "NOT_FOUND"
    assert await device.error_code(PHOTOS, {"o": "not-a-uuid"}) == "NOT_FOUND"
    assert await device.error_code(PHOTOS, {"o": str(uuid.uuid4())}) == "NOT_FOUND"
    desk = await as_user(await make_user(Role.DISPATCHER))
    assert (await desk.data(PHOTOS, {"o": str(order.id)}))["photos"]["totalCount"] == 1
