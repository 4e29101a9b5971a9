"""Asset scans: what a technician found when he scanned an asset's tag on a visit.

A scan is a record of fact. It is created once, usually on the device while offline, and only its
mismatch note may change afterwards. A broken seal flags the work order for the dispatcher and
marks the asset's seal broken, in the same transaction as the scan, so neither can be lost.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Subquery
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from server.assets.models import Asset, AssetScan, SealState
from server.assets.rules import normalize_tag_code
from server.core import persist
from server.core.actor import Actor, require
from server.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from server.core.serialize import snapshot
from server.workorders.models import WorkOrder
from server.workorders.scope import assets_for, work_orders_for

NOTE_LIMIT = 4000
CHANGEABLE = frozenset({"mismatch_note"})
_SHA256 = re.compile(r"[0-9a-f]{64}")


def scans_for(actor: Actor, *, include_deleted: bool = False) -> QuerySet[AssetScan]:
    """Scans on the work orders the actor may see (all of them for staff)."""
    base = AssetScan.all() if include_deleted else AssetScan.filter(deleted=False)
    return base.filter(work_order_id__in=Subquery(work_orders_for(actor).values("id")))


async def list_scans(*, actor: Actor, work_order_id: uuid.UUID) -> QuerySet[AssetScan]:
    if not await work_orders_for(require(actor)).filter(id=work_order_id).exists():
        raise NotFound("No work order with that id.")
    return scans_for(actor).filter(work_order_id=work_order_id)


async def record_scan(
    *,
    actor: Actor,
    scan_id: uuid.UUID,
    work_order_id: uuid.UUID,
    asset_id: uuid.UUID,
    scanned_at: datetime,
    seal_state: SealState | str = SealState.NONE,
    tag_code: str = "",
    photo_sha256: str | None = None,
    mismatch: bool = False,
    mismatch_note: str = "",
    conn: BaseDBAsyncClient | None = None,
) -> AssetScan:
    """Record a scan. The same id sent again with the same content is the same scan; with other
    content it is a CONFLICT."""
    given = {
        "work_order_id": work_order_id,
        "asset_id": asset_id,
        "scanned_at": scanned_at,
        "seal_state": seal_state,
        "tag_code": tag_code,
        "photo_sha256": photo_sha256,
        "mismatch": mismatch,
        "mismatch_note": mismatch_note,
    }
    if conn is None:
        async with in_transaction() as tx:
            return await _record(require(actor), scan_id, given, tx)
    return await _record(require(actor), scan_id, given, conn)


async def set_scan_note(
    *, actor: Actor, scan: AssetScan, changes: Mapping[str, Any], conn: BaseDBAsyncClient | None = None
) -> AssetScan:
    """Apply `changes` to a recorded scan: only the mismatch note, and only by the technician who
    scanned (or by staff)."""
    fixed = sorted(set(changes) - CHANGEABLE)
    if fixed:
        raise ValidationFailed(
            f"A scan cannot change after it is recorded, except its note ({', '.join(fixed)}).",
            code="IMMUTABLE_FIELD",
        )
    if actor.is_technician and scan.scanned_by_id != actor.user_id:  # type: ignore[attr-defined]
        raise Forbidden("Only the technician who scanned may change the note.")
    note = _note(changes.get("mismatch_note", scan.mismatch_note), mismatch=scan.mismatch)
    if note == scan.mismatch_note:
        return scan
    before = snapshot(scan)
    scan.mismatch_note = note
    await persist.save(scan, actor=actor, before=before, action="note", conn=conn)
    return scan


async def _record(
    actor: Actor, scan_id: uuid.UUID, given: dict[str, Any], conn: BaseDBAsyncClient
) -> AssetScan:
    order = await work_orders_for(actor).using_db(conn).get_or_none(id=given["work_order_id"])
    if order is None:
        raise NotFound("That work order is not assigned to you.", code="NOT_IN_SCOPE")
    asset = await assets_for(actor).using_db(conn).get_or_none(id=given["asset_id"])
    if asset is None:
        raise NotFound("No asset with that id.")
    values = _checked(given, asset)
    existing = await AssetScan.filter(id=scan_id).using_db(conn).first()
    if existing is not None:
        if any(getattr(existing, key) != value for key, value in values.items()):
            raise Conflict("A different scan with this id already exists.", code="CONFLICT")
        return existing
    scan = AssetScan(id=scan_id, scanned_by_id=actor.user_id, **values)
    await persist.save(scan, actor=actor, action="scan", conn=conn)
    if scan.seal_state is SealState.BROKEN:
        await _flag_broken_seal(actor, order, asset, conn)
    return scan


def _checked(given: Mapping[str, Any], asset: Asset) -> dict[str, Any]:
    scanned_at = given["scanned_at"]
    if not isinstance(scanned_at, datetime) or scanned_at.tzinfo is None:
        raise ValidationFailed("scanned_at must be a date-time with a time zone.", field="scanned_at")
    mismatch = given["mismatch"]
    if not isinstance(mismatch, bool):
        raise ValidationFailed("mismatch must be true or false.", field="mismatch")
    return {
        "work_order_id": given["work_order_id"],
        "asset_id": asset.id,
        "scanned_at": scanned_at,
        "seal_state": _seal(given["seal_state"]),
        "tag_code": _tag(given["tag_code"], asset),
        "photo_sha256": _photo(given["photo_sha256"]),
        "mismatch": mismatch,
        "mismatch_note": _note(given["mismatch_note"], mismatch=mismatch),
    }


async def _flag_broken_seal(actor: Actor, order: WorkOrder, asset: Asset, conn: BaseDBAsyncClient) -> None:
    # The dispatcher's board shows the flag; the asset record keeps the seal's state.
    if not order.seal_broken:
        before = snapshot(order)
        order.seal_broken = True
        await persist.save(order, actor=actor, before=before, action="seal_broken", conn=conn)
    if asset.seal_state != SealState.BROKEN:
        before = snapshot(asset)
        asset.seal_state = SealState.BROKEN
        await persist.save(asset, actor=actor, before=before, action="set_seal", conn=conn)


def _seal(value: object) -> SealState:
    try:
        return SealState(str(value))
    except ValueError:
        raise ValidationFailed("seal_state: use none, intact or broken.", field="seal_state") from None


def _tag(value: object, asset: Asset) -> str:
    """The tag as read, kept as sent; empty when the asset was picked by hand (label unreadable)."""
    if value is None or value == "":
        return ""
    if not isinstance(value, str) or len(value) > 32:
        raise ValidationFailed("tag_code must be text of at most 32 characters.", field="tag_code")
    if normalize_tag_code(value) != asset.tag_code:
        raise ValidationFailed(
            f"The scanned tag {value!r} is not the tag of this asset.", code="TAG_MISMATCH", field="tag_code"
        )
    return value


def _photo(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _SHA256.fullmatch(value):
        raise ValidationFailed(
            "photo_sha256 must be a SHA-256 in 64 lower-case hex digits.", field="photo_sha256"
        )
    return value


def _note(value: object, *, mismatch: bool) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationFailed("mismatch_note must be text.", field="mismatch_note")
    note = value.strip()
    if len(note) > NOTE_LIMIT:
        raise ValidationFailed(
            f"mismatch_note is longer than {NOTE_LIMIT} characters.", field="mismatch_note"
        )
    if mismatch and not note:
        raise ValidationFailed(
            "Say what differs from the asset record when marking a mismatch.", field="mismatch_note"
        )
    return note
