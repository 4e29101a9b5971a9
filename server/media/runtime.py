"""What the upload and download endpoints of one app share: the store, the image worker, and
the work that continues after an upload has been answered (thumbnails, the expiry sweep)."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from server.core.settings import Settings
from server.media import images, service
from server.media.hashing import RunningHashes
from server.media.models import MediaBlob
from server.media.store import LocalStore, MediaStore
from sync.notify import Notifier

T = TypeVar("T")
THUMBNAIL_PATIENCE = 30.0  # seconds a thumbnail waits for a pause in uploads
log = logging.getLogger("doorstep.media")


def blob_keys(sha256: str) -> tuple[str, str]:
    """Store keys of the served file and of its thumbnail."""
    return f"photos/{sha256[:2]}/{sha256}", f"thumbs/{sha256[:2]}/{sha256}"


@dataclass
class MediaRuntime:
    settings: Settings
    store: MediaStore
    notifier: Notifier
    # Decoding an image takes tens of megabytes: one at a time per lane keeps memory flat under
    # load. Uploads being answered never queue behind thumbnails, which have a lane of their own.
    executor: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=1, thread_name_prefix="media")
    )
    thumbnailer: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=1, thread_name_prefix="media-thumbs")
    )
    # The SHA-256 of uploads in progress, continued from one PATCH to the next.
    hashes: RunningHashes = field(default_factory=RunningHashes)
    expiry: asyncio.Task[None] | None = None
    receiving: int = 0  # upload requests in progress
    _background: set[asyncio.Task[None]] = field(default_factory=set)
    _thumb_locks: dict[str, asyncio.Lock] = field(default_factory=dict)
    _idle: asyncio.Event = field(default_factory=asyncio.Event)  # set while `receiving` is 0

    @property
    def upload_dir(self) -> Path:
        return service.upload_dir(self.settings)

    async def run(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """`fn` on the worker thread of uploads being answered."""
        call = functools.partial(fn, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self.executor, call)

    def start(self) -> None:
        """Begin the periodic clean-up of abandoned uploads (from the app's lifespan)."""
        self.expiry = asyncio.create_task(service.expiry_loop(self.settings))

    async def drain(self) -> None:
        """Wait for the work started after earlier uploads were answered."""
        while self._background:
            await asyncio.gather(*self._background, return_exceptions=True)

    async def aclose(self) -> None:
        for task in [*self._background, *([self.expiry] if self.expiry else [])]:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.expiry = None
        await self.store.aclose()
        self.executor.shutdown(wait=False)
        self.thumbnailer.shutdown(wait=False)

    def __post_init__(self) -> None:
        self._idle.set()

    @contextlib.contextmanager
    def receiving_upload(self) -> Iterator[None]:
        self.receiving += 1
        self._idle.clear()
        try:
            yield
        finally:
            self.receiving -= 1
            if not self.receiving:
                self._idle.set()

    async def _quiet(self) -> None:
        """Until no upload is being received (or `THUMBNAIL_PATIENCE` has passed): on two cores
        a burst of uploads would otherwise share the CPU with resizing their own photos. One
        event, not a poll per waiting photo: a hundred of them polling cost the burst CPU."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), THUMBNAIL_PATIENCE)

    def thumbnail_later(self, blob: MediaBlob, source: Path) -> None:
        """Make the thumbnail from the uploaded file once uploads pause, then delete the file.
        If this never happens (a restart), the first request for the thumbnail makes it."""

        async def work() -> None:
            try:
                await self._quiet()
                await self.ensure_thumbnail(blob, source=source)
            except Exception:  # logged, and retried by the first request for the thumbnail
                log.exception("thumbnail of %s failed", blob.sha256)
            finally:
                _discard(source)

        task = asyncio.create_task(work())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def ensure_thumbnail(self, blob: MediaBlob, *, source: Path | None = None) -> None:
        lock = self._thumb_locks.setdefault(blob.sha256, asyncio.Lock())
        try:
            async with lock:
                if await self.store.exists(blob.thumbnail_key):
                    return
                await self._make_thumbnail(blob, source)
        finally:
            if not lock.locked():
                self._thumb_locks.pop(blob.sha256, None)

    async def _make_thumbnail(self, blob: MediaBlob, source: Path | None) -> None:
        fetched: Path | None = None
        if source is None or not _exists(source):
            source = fetched = await self._local_copy(blob.storage_key)
        target = self.upload_dir / f"{uuid.uuid4()}.thumb"
        try:
            await asyncio.get_running_loop().run_in_executor(
                self.thumbnailer, images.thumbnail, source, target
            )
            await self.store.put_file(blob.thumbnail_key, target, content_type=images.THUMB_TYPE)
        finally:
            _discard(target)
            if fetched is not None and not isinstance(self.store, LocalStore):
                _discard(fetched)

    async def _local_copy(self, key: str) -> Path:
        if isinstance(self.store, LocalStore):
            return self.store.path(key)
        self.upload_dir.mkdir(parents=True, exist_ok=True)
        path = self.upload_dir / f"{uuid.uuid4()}.fetch"
        with path.open("wb") as out:
            async for chunk in self.store.open(key):
                out.write(chunk)
        return path


def _exists(path: Path) -> bool:
    return path.exists()


def _discard(path: Path) -> None:
    path.unlink(missing_ok=True)
