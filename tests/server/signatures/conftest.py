from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from server.core.settings import Settings
from server.media.runtime import MediaRuntime
from server.media.store import LocalStore
from server.signatures import storage
from sync.notify import Notifier


@pytest.fixture
async def media(db: Settings) -> AsyncIterator[MediaRuntime]:
    """The media runtime signature PNGs are stored with (the app installs its own)."""
    runtime = MediaRuntime(settings=db, store=LocalStore(db.data_dir / "media"), notifier=Notifier())
    storage.use_media(runtime)
    yield runtime
    await runtime.aclose()
