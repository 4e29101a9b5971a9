"""The real `tuspy` client against a live server: whole uploads, per-chunk sha256 checksums, and
a connection cut mid-file that the client resumes from the offset the server confirmed."""

from __future__ import annotations

import asyncio
import hashlib
import io
from typing import Any

from tusclient.client import TusClient
from tusclient.uploader import Uploader

from server.media.models import MediaBlob, Photo, PhotoStatus
from tests.client import GqlClient
from tests.factories import make_photo, make_user, make_work_order
from tests.server.media.conftest import CuttingProxy
from tests.server.media.helpers import noisy_jpeg, sha


class Sha256Uploader(Uploader):
    # tuspy sends sha1 unless told otherwise; this server prefers sha256.
    CHECKSUM_ALGORITHM_PAIR = ("sha256", hashlib.sha256)


def _uploader(url: str, token: str, data: bytes, cls: type[Uploader] = Uploader, **kw: Any) -> Uploader:
    client = TusClient(url, headers={"Authorization": f"Bearer {token}"})
    meta = {"filename": "onu.jpg", "filetype": "image/jpeg", "sha256": sha(data)}
    return cls(file_stream=io.BytesIO(data), client=client, metadata=meta, **kw)


def _big_jpeg() -> bytes:
    data = noisy_jpeg()
    assert len(data) > 200_000  # several socket reads and tus chunks
    return data


async def test_tuspy_uploads_in_checksummed_chunks(live: tuple[int, Any]) -> None:
    port, app = live
    tech = await make_user()
    order = await make_work_order(assigned_to=tech)
    data = _big_jpeg()
    photo = await make_photo(order, data=data)
    device = await GqlClient(app).login(tech.username)
    uploader = _uploader(
        f"http://127.0.0.1:{port}/uploads/", str(device.token), data, Sha256Uploader,
        chunk_size=16 * 1024, upload_checksum=True,
    )  # fmt: skip
    await asyncio.to_thread(uploader.upload)
    assert uploader.offset == len(data)
    assert await MediaBlob.exists(sha256=sha(data))
    assert (await Photo.get(id=photo.id)).status is PhotoStatus.READY
    await device.aclose()


async def test_a_connection_cut_mid_file_resumes_at_the_confirmed_offset(live: tuple[int, Any]) -> None:
    port, app = live
    tech = await make_user()
    data = _big_jpeg()
    proxy = CuttingProxy(port, cut_after=len(data) // 2)
    proxy_port = await proxy.start()
    device = await GqlClient(app).login(tech.username)
    uploader = _uploader(
        f"http://127.0.0.1:{proxy_port}/uploads/", str(device.token), data, retries=2, retry_delay=0
    )
    resumed_at: list[int] = []
    ask = uploader.get_offset

    def get_offset() -> int:
        offset = int(ask())
        resumed_at.append(offset)
        return offset

    uploader.get_offset = get_offset
    try:
        await asyncio.to_thread(uploader.upload)
    finally:
        await proxy.close()
    assert proxy.cuts == 1
    assert resumed_at
    assert 0 < resumed_at[0] < len(data)  # resumed mid-file, not from the start
    assert proxy.sent < len(data) + len(data) // 2 + 10_000  # the first half was not sent again
    blob = await MediaBlob.get(sha256=sha(data))
    assert blob.size == len(data)
    await device.aclose()
