"""The `assetScans` collection: a technician records scans on his device, offline if need be, and
pushes them; everything but the mismatch note is fixed once the scan reaches the server."""

from __future__ import annotations

from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from server.assets import scans
from server.assets.models import AssetScan
from server.core.actor import Actor
from server.core.errors import ValidationFailed
from server.syncing.adapter import ModelAdapter
from server.syncing.fields import choice, ref, text, when
from sync.registry import Owner

I = Owner.IMMUTABLE  # noqa: E741


async def write_scan(
    actor: Actor, values: dict[str, Any], row: Any, changed: set[str], conn: BaseDBAsyncClient
) -> Model:
    if row is None:
        if values.get("deleted"):
            raise ValidationFailed("A scan cannot be created deleted.", code="IMMUTABLE_FIELD")
        return await scans.record_scan(
            actor=actor,
            scan_id=values["id"],
            work_order_id=_required(values, "work_order_id", "workOrderId"),
            asset_id=_required(values, "asset_id", "assetId"),
            scanned_at=_required(values, "scanned_at", "scannedAt"),
            seal_state=_or(values, "seal_state", "none"),
            tag_code=_or(values, "tag_code", ""),
            photo_sha256=values.get("photo_sha256"),
            mismatch=_or(values, "mismatch", False),
            mismatch_note=_or(values, "mismatch_note", ""),
            conn=conn,
        )
    changes = {column: values[column] for column in changed}
    return await scans.set_scan_note(actor=actor, scan=row, changes=changes, conn=conn)


def _or(values: dict[str, Any], column: str, default: Any) -> Any:
    # A field the device left out arrives as null; the service checks the type of anything else.
    value = values.get(column)
    return default if value is None else value


def _required(values: dict[str, Any], column: str, name: str) -> Any:
    if values.get(column) is None:
        raise ValidationFailed(f"{name} is required.")
    return values[column]


ASSET_SCANS = ModelAdapter.build(
    name="assetScans",
    model=AssetScan,
    fields={
        "workOrderId": ref("work_order_id", I),
        "assetId": ref("asset_id", I),
        "scannedById": ref("scanned_by_id", Owner.SERVER),
        "scannedAt": when("scanned_at", I),
        "tagCode": text("tag_code", I),
        "sealState": choice("seal_state", I),
        "photoSha256": text("photo_sha256", I),
        "mismatch": text("mismatch", I),
        "mismatchNote": text("mismatch_note", Owner.TECHNICIAN),
    },
    scope=scans.scans_for,
    write=write_scan,
)
