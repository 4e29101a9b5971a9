"""Work that follows an answered upload: thumbnails wait for a pause in uploads."""

from __future__ import annotations

import asyncio
from pathlib import Path

from server.core.settings import Settings
from server.media.runtime import MediaRuntime
from server.media.store import LocalStore
from sync.notify import Notifier


async def test_thumbnails_wait_until_no_upload_is_being_received(settings: Settings, tmp_path: Path) -> None:
    media = MediaRuntime(settings=settings, store=LocalStore(tmp_path), notifier=Notifier())
    await asyncio.wait_for(media._quiet(), 1)  # nothing being received: no wait
    with media.receiving_upload():
        waiter = asyncio.create_task(media._quiet())
        with media.receiving_upload():
            pass  # one of two uploads ends: the other is still arriving
        await asyncio.sleep(0.2)
        assert not waiter.done()
    await asyncio.wait_for(waiter, 1)
    await media.aclose()
