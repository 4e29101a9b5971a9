from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from server.assets import scans
from server.assets.models import Asset, AssetScan, SealState
from server.core.errors import Conflict, Forbidden, ValidationFailed
from server.core.roles import Role
from server.workorders.models import WorkOrder
from tests.factories import actor_of, make_asset, make_user, make_work_order
from tests.server.syncing.helpers import pull_all, push

PHOTO = "ab" * 32
SCANS = """
query($wo: ID!) {
  assetScans(workOrderId: $wo) { totalCount nodes { id sealState mismatchNote scannedById asset { id } } }
}
"""


def scan_doc(order: Any, asset: Any, **kw: Any) -> dict[str, Any]:
    doc = {
        "id": str(uuid.uuid4()),
        "workOrderId": str(order.id),
        "assetId": str(asset.id),
        "scannedById": None,
        "scannedAt": "2026-11-23T02:00:00Z",
        "tagCode": asset.tag_code,
        "sealState": "intact",
        "photoSha256": None,
        "mismatch": False,
        "mismatchNote": "",
        "deleted": False,
    }
    doc.update(kw)
    return doc


async def accepted(device: Any, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Push rows that must all be applied (an answer may still carry server-filled fields)."""
    answers = await push(device, "assetScans", rows)
    assert not [a for a in answers if "rejected" in a], answers
    return answers


async def visit(as_user: Any) -> tuple[Any, Any, Any, Any]:
    tech = await make_user()
    order = await make_work_order(assigned_to=tech)
    asset = await make_asset(order.site, seal_state=SealState.INTACT)
    return tech, order, asset, await as_user(tech)


async def test_broken_seal_flags_the_work_order_and_the_asset(db: Any, as_user: Any) -> None:
    tech, order, asset, device = await visit(as_user)
    doc = scan_doc(order, asset, sealState="broken", photoSha256=PHOTO)
    await accepted(device, [{"newDocumentState": doc}])
    scan = await AssetScan.get(id=doc["id"])
    assert (scan.seal_state, scan.photo_sha256, scan.scanned_by_id) == (SealState.BROKEN, PHOTO, tech.id)  # type: ignore[attr-defined]
    assert (await WorkOrder.get(id=order.id)).seal_broken is True
    assert (await Asset.get(id=asset.id)).seal_state == SealState.BROKEN
    # The dispatcher's board and the device learn it through the work order's own sync.
    orders, _ = await pull_all(device, "workOrders")
    assert [o["sealBroken"] for o in orders] == [True]
    docs, _ = await pull_all(device, "assetScans")
    assert [(d["id"], d["scannedById"]) for d in docs] == [(doc["id"], str(tech.id))]


async def test_intact_seal_changes_no_flag(db: Any, as_user: Any) -> None:
    _, order, asset, device = await visit(as_user)
    await accepted(device, [{"newDocumentState": scan_doc(order, asset)}])
    assert (await WorkOrder.get(id=order.id)).seal_broken is False
    assert (await Asset.get(id=asset.id)).seal_state == SealState.INTACT


async def test_mismatch_note_is_recorded_and_may_be_completed_later(db: Any, as_user: Any) -> None:
    _, order, asset, device = await visit(as_user)
    doc = scan_doc(
        order, asset, mismatch=True, mismatchNote="Serial on the device is SN999, not the record's"
    )
    await accepted(device, [{"newDocumentState": doc}])
    edited = {**doc, "mismatchNote": "Serial is SN999; the ONU was swapped by the carrier"}
    await accepted(device, [{"newDocumentState": edited, "assumedMasterState": doc}])
    scan = await AssetScan.get(id=doc["id"])
    assert (scan.mismatch, scan.mismatch_note) == (True, edited["mismatchNote"])


async def test_a_mismatch_needs_a_note(db: Any, as_user: Any) -> None:
    _, order, asset, device = await visit(as_user)
    doc = scan_doc(order, asset, mismatch=True, mismatchNote="  ")
    (answer,) = await push(device, "assetScans", [{"newDocumentState": doc}])
    assert answer["rejected"]["code"] == "VALIDATION_FAILED"
    assert not await AssetScan.exists(id=doc["id"])


async def test_everything_but_the_note_is_fixed_once_recorded(db: Any, as_user: Any) -> None:
    _, order, asset, device = await visit(as_user)
    doc = scan_doc(order, asset)
    await accepted(device, [{"newDocumentState": doc}])
    for change in ({"sealState": "broken"}, {"mismatch": True}, {"photoSha256": PHOTO}):
        (answer,) = await push(
            device, "assetScans", [{"newDocumentState": {**doc, **change}, "assumedMasterState": doc}]
        )
        field = next(iter(change))
        assert answer[field] == doc[field]  # the master state comes back unchanged
    (gone,) = await push(
        device, "assetScans", [{"newDocumentState": {**doc, "deleted": True}, "assumedMasterState": doc}]
    )
    assert gone["rejected"]["code"] == "IMMUTABLE_FIELD"
    scan = await AssetScan.get(id=doc["id"])
    assert (scan.seal_state, scan.mismatch, scan.photo_sha256, scan.deleted) == (
        SealState.INTACT,
        False,
        None,
        False,
    )
    assert (await WorkOrder.get(id=order.id)).seal_broken is False


async def test_another_technicians_scan_push_is_rejected(db: Any, as_user: Any) -> None:
    _, order, asset, device = await visit(as_user)
    doc = scan_doc(order, asset, mismatch=True, mismatchNote="label faded")
    await accepted(device, [{"newDocumentState": doc}])
    intruder = await as_user(await make_user())
    new = scan_doc(order, asset, sealState="broken")
    (created,) = await push(intruder, "assetScans", [{"newDocumentState": new}])
    assert created["rejected"]["code"] == "NOT_IN_SCOPE"
    edit = {**doc, "mismatchNote": "overwritten"}
    (edited,) = await push(intruder, "assetScans", [{"newDocumentState": edit, "assumedMasterState": doc}])
    assert edited["rejected"]["code"] == "NOT_IN_SCOPE"
    assert not await AssetScan.exists(id=new["id"])
    assert (await AssetScan.get(id=doc["id"])).mismatch_note == "label faded"
    assert (await WorkOrder.get(id=order.id)).seal_broken is False
    assert await pull_all(intruder, "assetScans") == ([], {"version": 0})


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"tagCode": "ZZZZ9999"}, "TAG_MISMATCH"),
        ({"photoSha256": "not-a-hash"}, "VALIDATION_FAILED"),
        ({"sealState": "peeled"}, "VALIDATION_FAILED"),
        ({"scannedAt": None}, "VALIDATION_FAILED"),
        ({"assetId": str(uuid.uuid4())}, "NOT_FOUND"),
    ],
)
async def test_bad_scans_are_rejected(db: Any, as_user: Any, change: dict[str, Any], code: str) -> None:
    _, order, asset, device = await visit(as_user)
    (answer,) = await push(device, "assetScans", [{"newDocumentState": scan_doc(order, asset, **change)}])
    assert answer["rejected"]["code"] == code


async def test_a_typed_tag_with_look_alike_letters_is_accepted(db: Any, as_user: Any) -> None:
    _, order, _, device = await visit(as_user)
    asset = await make_asset(order.site, tag_code="10AB0C")
    doc = scan_doc(order, asset, tagCode="io-ab-oc")
    await accepted(device, [{"newDocumentState": doc}])
    assert (await AssetScan.get(id=doc["id"])).tag_code == "io-ab-oc"  # kept as read


async def test_scans_on_a_work_order_through_graphql(db: Any, as_user: Any) -> None:
    tech, order, asset, device = await visit(as_user)
    doc = scan_doc(order, asset, sealState="broken")
    await accepted(device, [{"newDocumentState": doc}])
    mine = (await device.data(SCANS, {"wo": str(order.id)}))["assetScans"]
    assert mine["totalCount"] == 1
    assert mine["nodes"][0] == {
        "id": doc["id"],
        "sealState": "BROKEN",
        "mismatchNote": "",
        "scannedById": str(tech.id),
        "asset": {"id": str(asset.id)},
    }
    desk = await as_user(await make_user(Role.DISPATCHER))
    assert (await desk.data(SCANS, {"wo": str(order.id)}))["assetScans"]["totalCount"] == 1
    other = await as_user(await make_user())
    assert await other.error_code(SCANS, {"wo": str(order.id)}) == "NOT_FOUND"
    assert await other.error_code(SCANS, {"wo": "nope"}) == "NOT_FOUND"


async def test_record_scan_is_idempotent_by_id(db: Any) -> None:
    tech = await make_user()
    order = await make_work_order(assigned_to=tech)
    asset = await make_asset(order.site)
    facts: dict[str, Any] = {
        "scan_id": uuid.uuid4(),
        "work_order_id": order.id,
        "asset_id": asset.id,
        "scanned_at": datetime(2026, 11, 23, 2, 0, tzinfo=UTC),
        "seal_state": SealState.INTACT,
    }
    first = await scans.record_scan(actor=actor_of(tech), **facts)
    again = await scans.record_scan(actor=actor_of(tech), **facts)
    assert (again.id, again.version) == (first.id, first.version)
    with pytest.raises(Conflict):
        await scans.record_scan(actor=actor_of(tech), **{**facts, "seal_state": SealState.BROKEN})
    with pytest.raises(ValidationFailed):
        await scans.record_scan(actor=actor_of(tech), **{**facts, "scanned_at": datetime(2026, 11, 23)})


async def test_only_the_scanner_or_staff_edit_the_note(db: Any) -> None:
    tech, colleague = await make_user(), await make_user()
    order = await make_work_order(assigned_to=tech)
    asset = await make_asset(order.site)
    scan = await scans.record_scan(
        actor=actor_of(tech),
        scan_id=uuid.uuid4(),
        work_order_id=order.id,
        asset_id=asset.id,
        scanned_at=datetime(2026, 11, 23, 2, 0, tzinfo=UTC),
    )
    order.assigned_to = colleague  # type: ignore[assignment]
    await order.save()
    with pytest.raises(Forbidden):
        await scans.set_scan_note(actor=actor_of(colleague), scan=scan, changes={"mismatch_note": "x"})
    desk = actor_of(await make_user(Role.DISPATCHER))
    await scans.set_scan_note(actor=desk, scan=scan, changes={"mismatch_note": "checked by phone"})
    assert (await AssetScan.get(id=scan.id)).mismatch_note == "checked by phone"


async def test_scan_and_flags_are_one_transaction(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    tech = await make_user()
    order = await make_work_order(assigned_to=tech)
    asset = await make_asset(order.site)
    real_save = scans.persist.save

    async def failing_on_asset(obj: Any, **kw: Any) -> None:
        if isinstance(obj, Asset):
            raise RuntimeError("disk full")
        await real_save(obj, **kw)

    monkeypatch.setattr(scans.persist, "save", failing_on_asset)
    scan_id = uuid.uuid4()
    with pytest.raises(RuntimeError):
        await scans.record_scan(
            actor=actor_of(tech),
            scan_id=scan_id,
            work_order_id=order.id,
            asset_id=asset.id,
            scanned_at=datetime(2026, 11, 23, 2, 0, tzinfo=UTC),
            seal_state=SealState.BROKEN,
        )
    assert not await AssetScan.exists(id=scan_id)
    assert (await WorkOrder.get(id=order.id)).seal_broken is False
