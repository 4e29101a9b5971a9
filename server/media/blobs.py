"""A complete upload becomes a stored blob: its hash checked, its type read from its bytes, what
may be served written to the store, and every photo waiting for those bytes marked ready.

The upload is answered as soon as the cleaned file is stored; the thumbnail follows in the
background, so a hundred phones finishing at once are not kept waiting for image resizing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from server.core import persist
from server.core.actor import Actor
from server.core.clock import utcnow
from server.core.errors import DomainError
from server.media import images, service, sql
from server.media.models import MediaBlob, Upload
from server.media.runtime import MediaRuntime, blob_keys
from server.media.sql import UploadRow
from server.media.uploads import HashMismatch, UnsupportedType
from sync.notify import Notifier


@dataclass(frozen=True)
class Prepared:
    kind: str  # sniffed from the bytes
    cleaned: images.Cleaned | None  # what may be served; None when the bytes are stored already


def _prepare(path: Path, *, declared: str, streamed: str | None, target: Path | None) -> Prepared:
    """The whole check of a complete file in one trip to the worker thread: its SHA-256 must be
    `declared` (read back from disk only if it was not hashed on the way in), its type is read
    from its first bytes, and unless `target` is None, the copy that may be served is written
    there."""
    with path.open("rb") as fh:
        head = fh.read(16)
        actual = streamed
        if actual is None:
            digest = hashlib.sha256(head)
            while block := fh.read(1 << 20):
                digest.update(block)
            actual = digest.hexdigest()
    if actual != declared:
        raise HashMismatch(
            f"The file's SHA-256 is {actual}, not the declared {declared}; the upload was discarded."
        )
    kind = images.sniff(head)
    if kind is None:
        raise UnsupportedType("The file is not a JPEG, PNG, WebP or HEIC image.")
    if target is None:
        return Prepared(kind=kind, cleaned=None)
    if kind == images.HEIC and not _pillow_reads_heic():
        raise UnsupportedType("HEIC photos cannot be read by this server; send JPEG instead.")
    try:
        return Prepared(kind=kind, cleaned=images.clean(path, content_type=kind, target=target))
    except images.UnreadableImage as exc:
        raise UnsupportedType(str(exc)) from exc


async def finish(
    *, actor: Actor, media: MediaRuntime, upload: UploadRow, sha256: str | None = None
) -> MediaBlob:
    """Turn the complete upload into a blob (once per distinct content); `sha256` is the file's
    hash if it was computed while receiving. A file that fails a check is deleted with its
    upload: resuming it cannot fix it."""
    path = service.part_path(media.settings, upload.id)
    media.hashes.forget(upload.id)
    try:
        stored = upload.stored if upload.stored is not None else await sql.blob_exists(upload.sha256)
        target = None if stored else media.upload_dir / f"{upload.id}.served"
        prepared = await media.run(_prepare, path, declared=upload.sha256, streamed=sha256, target=target)
        if prepared.cleaned is not None:
            blob = await _store(actor=actor, upload=upload, media=media, prepared=prepared)
            if blob is not None:
                media.thumbnail_later(blob, path)  # deletes the file when done
                return blob
        blob = await MediaBlob.get(sha256=upload.sha256)  # stored before, or by a concurrent upload
    except DomainError:
        path.unlink(missing_ok=True)
        await Upload.filter(id=upload.id).delete()
        raise
    await _commit(actor=actor, media=media, upload=upload, blob=blob, new=False)
    path.unlink(missing_ok=True)
    return blob


async def _store(
    *, actor: Actor, media: MediaRuntime, upload: UploadRow, prepared: Prepared
) -> MediaBlob | None:
    """The new blob, or None if the same bytes were stored by another request meanwhile."""
    cleaned = prepared.cleaned
    assert cleaned is not None
    served_key, thumb_key = blob_keys(upload.sha256)
    served_size = cleaned.path.stat().st_size
    # Same content, same key, same processing: a concurrent writer stores identical bytes.
    await media.store.put_file(served_key, cleaned.path, content_type=cleaned.served_type)
    blob = MediaBlob(
        sha256=upload.sha256,
        size=upload.length,
        content_type=prepared.kind,
        served_type=cleaned.served_type,
        served_size=served_size,
        width=cleaned.width,
        height=cleaned.height,
        storage_key=served_key,
        thumbnail_key=thumb_key,
        uploader_id=actor.user_id,
    )
    try:
        await _commit(actor=actor, media=media, upload=upload, blob=blob, new=True)
    except IntegrityError:
        return None
    return blob


async def _commit(
    *, actor: Actor, media: MediaRuntime, upload: UploadRow, blob: MediaBlob, new: bool
) -> None:
    """In one transaction: the blob row, the photos that were waiting for it, the upload done."""
    async with in_transaction() as conn:
        if new:
            await persist.save(blob, actor=actor, conn=conn)
        changed = await service.link_blob(actor=actor, blob=blob, conn=conn)
        await _complete(upload, conn)
        if changed:
            await Notifier.announce(conn, [service.COLLECTION])
    if changed:
        media.notifier.wake([service.COLLECTION])


async def _complete(upload: UploadRow, conn: BaseDBAsyncClient) -> None:
    upload.completed_at = utcnow()
    upload.offset = upload.length
    await sql.complete_upload(
        upload_id=upload.id, length=upload.length, completed_at=upload.completed_at, conn=conn
    )


def _pillow_reads_heic() -> bool:
    from PIL import Image

    Image.init()
    return "HEIF" in Image.OPEN or "HEIC" in Image.OPEN
