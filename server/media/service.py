"""Photo records and their bytes: who may see and change a photo, how a photo learns that its
bytes arrived, whose bytes count against which quota, and the clean-up of abandoned uploads."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import re
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Subquery
from tortoise.functions import Sum
from tortoise.queryset import QuerySet

from server.core import persist
from server.core.actor import Actor
from server.core.clock import utcnow
from server.core.errors import Forbidden, NotFound, ValidationFailed
from server.core.serialize import snapshot
from server.core.settings import Settings
from server.media.images import ALLOWED_TYPES
from server.media.models import MediaBlob, Photo, PhotoStatus, Upload
from server.workorders import scope

log = logging.getLogger("doorstep.media")

COLLECTION = "photos"
SHA256_HEX = re.compile(r"[0-9a-f]{64}")
UPLOAD_TTL = timedelta(hours=24)
MAX_CAPTION = 2000
MAX_ITEM_KEY = 64
MAX_SIZE = 2**31 - 1  # GraphQL's Int; no photo comes near it

# (actor, sha256) -> whether some record the actor may see references those bytes. Photos are
# the first such record; signatures and reports append their own check.
BlobReader = Callable[[Actor, str], Awaitable[bool]]


# --- reading ---------------------------------------------------------------------------------


def photos_for(actor: Actor, *, include_deleted: bool = False) -> QuerySet[Photo]:
    """The photos of the work orders `actor` may see (tombstones only for replication)."""
    base = Photo.all() if include_deleted else Photo.filter(deleted=False)
    return base.filter(work_order_id__in=Subquery(scope.work_orders_for(actor).values("id")))


async def photos_of_work_order(*, actor: Actor, work_order_id: uuid.UUID) -> QuerySet[Photo]:
    if not await scope.work_orders_for(actor).filter(id=work_order_id).exists():
        raise NotFound("No such work order.")
    return photos_for(actor).filter(work_order_id=work_order_id)


async def _photo_references(actor: Actor, sha256: str) -> bool:
    return await photos_for(actor).filter(sha256=sha256).exists()


BLOB_READERS: list[BlobReader] = [_photo_references]


async def readable_blob(*, actor: Actor, sha256: str) -> MediaBlob:
    """The blob, if a record `actor` may see references it; NOT_FOUND otherwise, so hashes of
    other people's photos cannot be probed."""
    sha256 = sha256.lower()
    if SHA256_HEX.fullmatch(sha256):
        for reader in BLOB_READERS:
            if await reader(actor, sha256):
                blob = await MediaBlob.get_or_none(sha256=sha256)
                if blob is None:
                    raise NotFound("The photo has not been uploaded yet.", code="WAITING_FOR_UPLOAD")
                return blob
    raise NotFound("No such photo.")


# --- writing photo records ------------------------------------------------------------------


def _check_values(values: dict[str, Any]) -> None:
    sha = values.get("sha256")
    if not isinstance(sha, str) or not SHA256_HEX.fullmatch(sha.lower()):
        raise ValidationFailed("sha256 must be the 64 hex digits of the file's SHA-256.", field="sha256")
    values["sha256"] = sha.lower()
    if values.get("content_type") not in ALLOWED_TYPES:
        raise ValidationFailed(
            f"contentType must be one of {', '.join(sorted(ALLOWED_TYPES))}.", field="contentType"
        )
    size = values.get("size")
    if not isinstance(size, int) or isinstance(size, bool) or not 0 < size <= MAX_SIZE:
        raise ValidationFailed("size must be the file's length in bytes.", field="size")
    values["checklist_item"] = str(values.get("checklist_item") or "")
    if len(values["checklist_item"]) > MAX_ITEM_KEY:
        raise ValidationFailed("checklistItem is a checklist item key (at most 64 characters).")
    values["caption"] = str(values.get("caption") or "")
    if len(values["caption"]) > MAX_CAPTION:
        raise ValidationFailed(f"A caption has at most {MAX_CAPTION} characters.", field="caption")
    for name, limit in (("latitude", 90.0), ("longitude", 180.0), ("accuracy", math.inf)):
        values[name] = _coordinate(name, values.get(name), limit)
    if values["accuracy"] is not None and values["accuracy"] < 0:
        raise ValidationFailed("accuracy is a distance in metres.", field="accuracy")


def _coordinate(name: str, value: Any, limit: float) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not -limit <= value <= limit:
        raise ValidationFailed(f"{name} is out of range.", field=name)
    return float(value)


async def write_photo(
    actor: Actor, values: dict[str, Any], row: Photo | None, changed: set[str], conn: BaseDBAsyncClient
) -> Photo:
    """Create or change a photo record as the device sent it (already merged)."""
    _check_values(values)
    if row is not None:
        if values.get("work_order_id") != row.work_order_id:  # type: ignore[attr-defined]
            raise ValidationFailed("A photo cannot move to another work order.", code="IMMUTABLE_FIELD")
        if actor.is_technician and row.taken_by_id != actor.user_id:  # type: ignore[attr-defined]
            raise Forbidden("Only the technician who took a photo may change it.")
    if not await scope.work_orders_for(actor).using_db(conn).filter(id=values["work_order_id"]).exists():
        raise NotFound("That work order is not assigned to you.", code="NOT_IN_SCOPE")
    before = snapshot(row) if row is not None else None
    photo = row or Photo(id=values["id"], taken_by_id=actor.user_id, device_id=actor.device_id)
    for key in ("work_order_id", "checklist_item", "caption", "taken_at", "latitude", "longitude"):
        setattr(photo, key, values[key])
    photo.accuracy = values["accuracy"]
    photo.deleted = bool(values.get("deleted"))
    if row is None:
        photo.sha256, photo.content_type, photo.size = (
            values["sha256"],
            values["content_type"],
            values["size"],
        )
        blob = await MediaBlob.filter(sha256=photo.sha256).using_db(conn).first()
        if blob is not None:
            _mark_ready(photo, blob)
    await persist.save(photo, actor=actor, before=before, conn=conn)
    return photo


def _mark_ready(photo: Photo, blob: MediaBlob) -> None:
    photo.status = PhotoStatus.READY
    photo.width, photo.height = blob.width, blob.height


_WAITING_SQL = 'SELECT 1 FROM "photo" WHERE "sha256" = {} AND "status" = {} LIMIT 1'
_WAITING_PLACEHOLDERS = {"sqlite": ("?", "?"), "postgres": ("$1", "$2")}


async def link_blob(*, actor: Actor | None, blob: MediaBlob, conn: BaseDBAsyncClient) -> int:
    """Mark every photo still waiting for these bytes as ready; returns how many changed."""
    if not await _any_waiting(blob.sha256, conn):
        return 0
    waiting = (
        await Photo.filter(sha256=blob.sha256, status=PhotoStatus.WAITING_FOR_UPLOAD)
        .using_db(conn)
        .select_for_update()
    )
    for photo in waiting:
        before = snapshot(photo)
        _mark_ready(photo, blob)
        await persist.save(photo, actor=actor, before=before, action="upload_arrived", conn=conn)
    return len(waiting)


async def _any_waiting(sha256: str, conn: BaseDBAsyncClient) -> bool:
    """Whether a photo waits for these bytes: written out, since often none does (the bytes of
    a photo whose record has not been pushed yet), and the ORM's query cost more than running it.
    The rows themselves are then loaded (and locked) through the ORM."""
    marks = _WAITING_PLACEHOLDERS.get(conn.capabilities.dialect)
    if marks is None:
        return True
    _, rows = await conn.execute_query(
        _WAITING_SQL.format(*marks), [sha256, PhotoStatus.WAITING_FOR_UPLOAD.value]
    )
    return bool(rows)


# --- quota and clean-up ------------------------------------------------------------------------


_QUOTA_SQL = (
    'SELECT (SELECT COALESCE(SUM("size"), 0) FROM "media_blob" WHERE "uploader_id" = {p1})'
    ' + (SELECT COALESCE(SUM("length"), 0) FROM "media_upload"'
    ' WHERE "user_id" = {p2} AND "completed_at" IS NULL)'
)
_PLACEHOLDERS = {"sqlite": ("?", "?"), "postgres": ("$1", "$1")}


async def quota_used(user_id: uuid.UUID) -> int:
    """Bytes this user stored plus the bytes his unfinished uploads have reserved (until the
    expiry sweep removes them). Asked before every upload, so written out in SQL: the ORM's
    two aggregate queries cost more than the whole creation otherwise."""
    conn = connections.get("default")
    dialect = conn.capabilities.dialect
    if dialect not in _PLACEHOLDERS:
        stored = await MediaBlob.filter(uploader_id=user_id).annotate(total=Sum("size")).values("total")
        pending = (
            await Upload.filter(user_id=user_id, completed_at=None)
            .annotate(total=Sum("length"))
            .values("total")
        )
        return int(stored[0]["total"] or 0) + int(pending[0]["total"] or 0)
    p1, p2 = _PLACEHOLDERS[dialect]
    params = [str(user_id)] if dialect == "postgres" else [str(user_id), str(user_id)]
    _, rows = await conn.execute_query(_QUOTA_SQL.format(p1=p1, p2=p2), params)
    return int(rows[0][0])


def upload_dir(settings: Settings) -> Path:
    return settings.data_dir / "uploads"


def part_path(settings: Settings, upload_id: uuid.UUID) -> Path:
    return upload_dir(settings) / f"{upload_id}.part"


async def expire_uploads(now: datetime, *, settings: Settings) -> int:
    """Forget uploads untouched for `UPLOAD_TTL` and delete their partial files; returns how
    many. Completed uploads are kept until then so a client resuming one learns it is done."""
    stale = await Upload.filter(expires_at__lte=now).values_list("id", flat=True)
    for upload_id in stale:
        part_path(settings, uuid.UUID(str(upload_id))).unlink(missing_ok=True)
    if stale:
        await Upload.filter(id__in=stale).delete()
    # Files whose row is gone (a crash between the two steps above, or a deleted user).
    cutoff = (now - UPLOAD_TTL).timestamp()
    directory = upload_dir(settings)
    if directory.is_dir():
        for path in directory.glob("*.part"):
            with contextlib.suppress(FileNotFoundError, ValueError):
                if path.stat().st_mtime < cutoff and not await Upload.exists(id=uuid.UUID(path.stem)):
                    path.unlink()
    return len(stale)


async def expiry_loop(settings: Settings, *, every: timedelta = timedelta(hours=1)) -> None:
    """Run `expire_uploads` for ever (the app's lifespan starts and cancels it)."""
    while True:
        try:
            removed = await expire_uploads(utcnow(), settings=settings)
            if removed:
                log.info("expired %d abandoned uploads", removed)
        except Exception:  # a failed sweep must not end the loop; the next one retries
            log.exception("upload expiry failed")
        await asyncio.sleep(every.total_seconds())
