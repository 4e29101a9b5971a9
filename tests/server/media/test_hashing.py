"""The SHA-256 of an upload computed while its bytes arrive, across requests and interruptions,
and the read-back from the file whenever that running hash is missing."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from starlette.requests import ClientDisconnect

from server.core.clock import utcnow
from server.core.settings import Settings
from server.media import uploads
from server.media.hashing import RunningHashes
from server.media.models import MediaBlob
from server.media.runtime import MediaRuntime
from server.media.sql import UploadRow
from server.media.store import LocalStore
from sync.notify import Notifier
from tests.client import GqlClient
from tests.factories import make_user
from tests.server.media.helpers import create, noisy_jpeg, patch, sha


def test_a_running_hash_continues_only_where_it_stopped() -> None:
    hashes = RunningHashes()
    key = uuid.uuid4()
    assert hashes.resume(key, 10) is None  # nothing known about a file already 10 bytes long
    first = hashes.resume(key, 0)
    assert first is not None
    first.update(b"0123456789")
    hashes.keep(key, 10, first)
    assert hashes.resume(key, 7) is None  # the file does not end where the hash does
    hashes.keep(key, 10, first)
    again = hashes.resume(key, 10)
    assert again is first
    assert hashes.resume(key, 10) is None  # taken out until handed back


def test_the_oldest_running_hashes_are_dropped() -> None:
    hashes = RunningHashes(limit=2)
    keys = [uuid.uuid4() for _ in range(3)]
    for key in keys:
        hashes.keep(key, 5, hashlib.sha256(b"abcde"))
    assert len(hashes) == 2
    assert hashes.resume(keys[0], 5) is None
    assert hashes.resume(keys[2], 5) is not None


async def _chunks(parts: list[bytes], *, then_drop: bool = False) -> AsyncIterator[bytes]:
    for part in parts:
        yield part
    if then_drop:
        raise ClientDisconnect


async def test_a_dropped_connection_keeps_the_hash_of_what_was_written(db: Settings, tmp_path: Path) -> None:
    media = MediaRuntime(settings=db, store=LocalStore(tmp_path / "store"), notifier=Notifier())
    data = os.urandom(300_000)
    upload = UploadRow(
        id=uuid.uuid4(),
        user_id=uuid.uuid4(),
        length=len(data),
        offset=0,
        sha256=sha(data),
        metadata={},
        expires_at=utcnow(),
    )
    path = tmp_path / "upload.part"
    path.touch()
    fd = os.open(path, os.O_RDWR)
    try:
        with pytest.raises(ClientDisconnect):
            await uploads.append(
                media=media,
                upload=upload,
                fd=fd,
                chunks=_chunks([data[:1000], data[1000:120_000]], then_drop=True),
                checksum=None,
            )
        assert path.stat().st_size == 120_000
        done = await uploads.append(
            media=media, upload=upload, fd=fd, chunks=_chunks([data[120_000:]]), checksum=None
        )
    finally:
        os.close(fd)
    assert done.offset == len(data)
    assert done.sha256 == sha(data)
    assert path.read_bytes() == data
    await media.aclose()


@pytest.fixture
async def device(as_user: Any) -> GqlClient:
    return await as_user(await make_user())  # type: ignore[no-any-return]


async def test_an_upload_whose_running_hash_was_lost_is_checked_from_its_file(
    app: Any, device: GqlClient
) -> None:
    data = noisy_jpeg()
    location = (await create(device.http, device.token, data)).headers["location"]
    third = len(data) // 3
    assert (await patch(device.http, device.token, location, data[:third], 0)).status_code == 204
    media: MediaRuntime = app.state.media
    assert len(media.hashes) == 1
    media.hashes.forget(uuid.UUID(location.rsplit("/", 1)[1]))  # as after a restart
    second = await patch(device.http, device.token, location, data[third : 2 * third], third)
    assert second.status_code == 204
    last = await patch(device.http, device.token, location, data[2 * third :], 2 * third)
    assert last.status_code == 204
    assert await MediaBlob.exists(sha256=sha(data))
    assert len(media.hashes) == 0


async def test_bytes_changed_in_a_later_patch_fail_the_hash(app: Any, device: GqlClient) -> None:
    data = noisy_jpeg()
    location = (await create(device.http, device.token, data)).headers["location"]
    half = len(data) // 2
    assert (await patch(device.http, device.token, location, data[:half], 0)).status_code == 204
    flipped = data[half:-10] + bytes([data[-10] ^ 1]) + data[-9:]
    response = await patch(device.http, device.token, location, flipped, half)
    assert response.status_code == 422
    assert response.json()["code"] == "HASH_MISMATCH"
    assert not await MediaBlob.exists(sha256=sha(data))
    assert len(app.state.media.hashes) == 0
