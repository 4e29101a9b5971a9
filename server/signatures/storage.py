"""Where signature PNGs are kept: the media store, as a blob like any photo, so they are served
by GET /media/<sha256> to whoever may see the signature.

Signatures usually arrive through a sync push, whose hooks receive no application state, so the
app hands its media runtime over once at start-up (`use_media`). This is the only coupling
between signatures and the media package's storage.
"""

from __future__ import annotations

import asyncio
import hashlib
import uuid

from tortoise.backends.base.client import BaseDBAsyncClient

from server.core import persist
from server.core.actor import Actor
from server.media.images import PNG
from server.media.models import MediaBlob
from server.media.runtime import MediaRuntime, blob_keys

_media: MediaRuntime | None = None


def use_media(media: MediaRuntime) -> None:
    """Called by the app factory: signature PNGs go to this runtime's store."""
    global _media
    _media = media


def media() -> MediaRuntime:
    if _media is None:
        raise RuntimeError("No media store configured for signatures: call storage.use_media() first.")
    return _media


async def store_png(data: bytes, *, size: tuple[int, int], actor: Actor, conn: BaseDBAsyncClient) -> str:
    """Store the PNG (once per distinct content) and return its sha256."""
    sha = hashlib.sha256(data).hexdigest()
    if await MediaBlob.filter(sha256=sha).using_db(conn).exists():
        return sha
    runtime = media()
    served_key, thumb_key = blob_keys(sha)
    runtime.upload_dir.mkdir(parents=True, exist_ok=True)
    path = runtime.upload_dir / f"{uuid.uuid4()}.signature"
    await asyncio.to_thread(path.write_bytes, data)
    try:
        # Same bytes under the same key: a concurrent or rolled-back writer leaves nothing wrong.
        await runtime.store.put_file(served_key, path, content_type=PNG)
    finally:
        path.unlink(missing_ok=True)
    blob = MediaBlob(
        sha256=sha,
        size=len(data),
        content_type=PNG,
        served_type=PNG,
        served_size=len(data),
        width=size[0],
        height=size[1],
        storage_key=served_key,
        thumbnail_key=thumb_key,
        uploader_id=None,  # rendered by the server: counts against nobody's upload quota
    )
    await persist.save(blob, actor=actor, conn=conn)
    return sha
