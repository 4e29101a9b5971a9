"""Rules that need no HTTP: quota accounting, clean-up of abandoned uploads, who may read bytes."""

from __future__ import annotations

import os
import time
import uuid
from datetime import timedelta
from typing import Any

import pytest

from server.core.clock import utcnow
from server.core.errors import NotFound
from server.core.roles import Role
from server.core.settings import Settings
from server.media import service
from server.media.models import MediaBlob, Upload
from tests.factories import actor_of, make_photo, make_user, make_work_order
from tests.server.media.helpers import jpeg, sha


async def _blob(data: bytes, uploader: Any, **kw: Any) -> MediaBlob:
    fields: dict[str, Any] = {
        "sha256": sha(data),
        "size": len(data),
        "content_type": "image/jpeg",
        "served_type": "image/jpeg",
        "served_size": len(data),
        "width": 4,
        "height": 3,
        "storage_key": f"photos/{sha(data)}",
        "thumbnail_key": f"thumbs/{sha(data)}",
        "uploader_id": uploader.id,
    }
    fields.update(kw)
    return await MediaBlob.create(**fields)


async def _upload(
    user: Any, settings: Settings, *, length: int, age: timedelta, done: bool = False
) -> Upload:
    now = utcnow()
    upload = await Upload.create(
        id=uuid.uuid4(),
        user_id=user.id,
        length=length,
        sha256="0" * 64,
        expires_at=now - age + service.UPLOAD_TTL,
        completed_at=now if done else None,
    )
    path = service.part_path(settings, upload.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * 10)
    return upload


async def test_quota_counts_stored_bytes_and_open_reservations(db: Settings) -> None:
    user, other = await make_user(), await make_user()
    await _blob(b"a" * 100, user)
    await _blob(b"b" * 50, other)
    await _upload(user, db, length=1000, age=timedelta(hours=1))
    await _upload(user, db, length=7, age=timedelta(hours=1), done=True)  # its blob counts instead
    assert await service.quota_used(user.id) == 1100
    await _upload(user, db, length=5000, age=timedelta(hours=30))  # reserves until swept away
    assert await service.quota_used(user.id) == 6100
    await service.expire_uploads(utcnow(), settings=db)
    assert await service.quota_used(user.id) == 1100


async def test_expiry_removes_stale_uploads_and_their_files(db: Settings) -> None:
    user = await make_user()
    fresh = await _upload(user, db, length=100, age=timedelta(hours=2))
    stale = await _upload(user, db, length=100, age=timedelta(hours=25))
    orphan = service.part_path(db, uuid.uuid4())
    orphan.write_bytes(b"left by a crash")
    old = time.time() - 2 * 86400
    os.utime(orphan, (old, old))
    removed = await service.expire_uploads(utcnow(), settings=db)
    assert removed == 1
    assert await Upload.filter(id=fresh.id).exists()
    assert not await Upload.filter(id=stale.id).exists()
    assert service.part_path(db, fresh.id).exists()
    assert not service.part_path(db, stale.id).exists()
    assert not orphan.exists()


async def test_readable_blob_follows_photo_visibility(db: Settings) -> None:
    tech, stranger = await make_user(), await make_user()
    desk = await make_user(Role.SUPERVISOR)
    order = await make_work_order(assigned_to=tech)
    data = jpeg(seed=31)
    await make_photo(order, data=data)
    await _blob(data, tech)
    assert (await service.readable_blob(actor=actor_of(tech), sha256=sha(data).upper())).sha256 == sha(data)
    assert (await service.readable_blob(actor=actor_of(desk), sha256=sha(data))).sha256 == sha(data)
    with pytest.raises(NotFound):
        await service.readable_blob(actor=actor_of(stranger), sha256=sha(data))
    with pytest.raises(NotFound):
        await service.readable_blob(actor=actor_of(tech), sha256="../../etc/passwd")


async def test_other_records_can_grant_access_to_bytes(db: Settings) -> None:
    user = await make_user()
    data = jpeg(seed=32)
    await _blob(data, user)

    async def signature_reader(actor: Any, digest: str) -> bool:
        return digest == sha(data)

    service.BLOB_READERS.append(signature_reader)
    try:
        assert (await service.readable_blob(actor=actor_of(user), sha256=sha(data))).size == len(data)
    finally:
        service.BLOB_READERS.remove(signature_reader)
    with pytest.raises(NotFound):
        await service.readable_blob(actor=actor_of(user), sha256=sha(data))
