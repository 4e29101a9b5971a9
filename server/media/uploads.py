"""One resumable upload from creation to its last byte, independent of HTTP.

The partial file on disk is the truth about how much arrived: its length is the offset a client
resumes from, so a crash can never make the database claim bytes the disk does not have. A
file lock (per open file, so it also works between server processes on one machine) keeps two
requests from writing the same upload at once.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import fcntl
import hashlib
import os
import uuid
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass

from server.core.actor import Actor
from server.core.clock import utcnow
from server.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from server.media import images, service, sql
from server.media.models import Photo, Upload
from server.media.runtime import MediaRuntime
from server.media.sql import UploadRow

LOCK_WAIT_SECONDS = 10.0


class BadUploadRequest(DomainError):
    code = "BAD_UPLOAD_REQUEST"


class TooLarge(DomainError):
    code = "TOO_LARGE"
    http_status = 413


class UnsupportedType(DomainError):
    code = "UNSUPPORTED_MEDIA_TYPE"
    http_status = 415


class ChecksumMismatch(DomainError):
    code = "CHECKSUM_MISMATCH"
    http_status = 460  # tus checksum extension


class HashMismatch(ValidationFailed):
    code = "HASH_MISMATCH"


class Busy(DomainError):
    code = "UPLOAD_BUSY"
    http_status = 423


# --- creation ------------------------------------------------------------------------------------


async def create_upload(
    *, actor: Actor, media: MediaRuntime, length: int, metadata: Mapping[str, str]
) -> UploadRow:
    settings = media.settings
    if length <= 0:
        raise BadUploadRequest("An empty file is not a photo.")
    if length > settings.max_upload_bytes:
        raise TooLarge(f"The file is {length} bytes; at most {settings.max_upload_bytes} are accepted.")
    sha = (metadata.get("sha256") or "").strip().lower()
    if not service.SHA256_HEX.fullmatch(sha):
        raise BadUploadRequest("Upload-Metadata must carry sha256: the file's SHA-256 in hex.")
    declared_type = metadata.get("filetype")
    if declared_type and declared_type not in images.ALLOWED_TYPES:
        raise UnsupportedType(f"{declared_type} is not accepted; send JPEG, PNG, WebP or HEIC.")
    await _check_photo(actor, metadata.get("photoId"), sha)
    now = utcnow()
    upload = UploadRow(
        id=uuid.uuid4(),
        user_id=actor.user_id,
        length=length,
        offset=0,
        sha256=sha,
        metadata=dict(metadata),
        expires_at=now + service.UPLOAD_TTL,
    )
    path = service.part_path(settings, upload.id)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except FileNotFoundError:  # the first upload since the data dir was made
        media.upload_dir.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    # Protocol state, like a session: not audited (the stored blob is, with its uploader).
    if not await sql.insert_upload(upload, now=now, quota=settings.upload_quota_bytes):
        path.unlink(missing_ok=True)
        used = await service.quota_used(actor.user_id)
        raise TooLarge(
            f"Your upload quota of {settings.upload_quota_bytes} bytes would be exceeded ({used} in use).",
            code="QUOTA_EXCEEDED",
        )
    return upload


async def _check_photo(actor: Actor, photo_id: str | None, sha: str) -> None:
    """A named photo record must be one the uploader sees, and must name the same bytes."""
    if not photo_id:
        return
    try:
        key = uuid.UUID(photo_id)
    except ValueError:
        raise BadUploadRequest("photoId must be a photo's id.") from None
    visible = await service.photos_for(actor).filter(id=key).values_list("sha256", flat=True)
    if not visible:
        if await Photo.exists(id=key):
            raise NotFound("No such photo.")
        return  # the record may reach the server after its bytes
    if str(visible[0]) != sha:
        raise Conflict("That photo record names other bytes (its sha256 differs).", code="HASH_CONFLICT")


async def get_upload(*, actor: Actor, upload_id: str) -> UploadRow:
    """The caller's own live upload; anyone else's, or an expired one, does not exist."""
    try:
        key = uuid.UUID(upload_id)
    except ValueError:
        raise NotFound("No such upload.") from None
    upload = await sql.fetch_upload(upload_id=key, user_id=actor.user_id)
    if upload is None or upload.expires_at <= utcnow():
        raise NotFound("No such upload.")
    return upload


async def terminate(*, media: MediaRuntime, upload: UploadRow) -> None:
    async with locked(media, upload):
        service.part_path(media.settings, upload.id).unlink(missing_ok=True)
        media.hashes.forget(upload.id)
        await Upload.filter(id=upload.id).delete()


# --- receiving bytes ----------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def locked(media: MediaRuntime, upload: UploadRow) -> AsyncIterator[int]:
    """The partial file's descriptor, held exclusively; waits a little for an earlier request
    (say, one whose connection dropped a moment ago) to let go, then gives up with 423."""
    path = service.part_path(media.settings, upload.id)
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        if upload.completed_at is None:
            raise NotFound("No such upload.") from None
        fd = os.open(os.devnull, os.O_RDWR)  # a finished upload has no file left to guard
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + LOCK_WAIT_SECONDS
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if loop.time() >= deadline:
                    raise Busy("Another request is writing this upload; try again.") from None
                await asyncio.sleep(0.05)
        yield fd
    finally:
        os.close(fd)  # closing releases the lock


def current_offset(upload: UploadRow, fd: int) -> int:
    return upload.length if upload.completed_at is not None else os.fstat(fd).st_size


def parse_checksum(header: str | None) -> tuple[str, bytes] | None:
    """`Upload-Checksum: <algorithm> <base64 digest>` -> (algorithm, digest)."""
    if header is None:
        return None
    algorithm, _, encoded = header.strip().partition(" ")
    if algorithm not in ("sha1", "sha256"):
        raise BadUploadRequest(f"Checksum algorithm {algorithm!r} is not supported; use sha256.")
    try:
        return algorithm, base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise BadUploadRequest("Upload-Checksum is not valid base64.") from None


@dataclass(frozen=True)
class Received:
    offset: int  # the upload's offset after this request
    # The SHA-256 (hex) of the whole file once complete, if it was hashed on the way in; None
    # when it has to be read back (see server/media/hashing.py).
    sha256: str | None = None


async def append(
    *,
    media: MediaRuntime,
    upload: UploadRow,
    fd: int,
    chunks: AsyncIterator[bytes],
    checksum: tuple[str, bytes] | None,
) -> Received:
    """Write the request body at the end of the partial file.

    Writes go straight to the page cache from the event loop: handing them (and the hashing) to
    a worker thread cost about as much as it saved (docs/performance.md, photo uploads). The
    bytes are hashed as they are written. Nothing past the declared length is ever written. A
    chunk with a checksum is all or nothing: if it is cut short or does not match, it is removed
    again. Without one, whatever arrived before a dropped connection stays, and the client
    resumes there.
    """
    start = os.fstat(fd).st_size
    os.lseek(fd, start, os.SEEK_SET)
    room = upload.length - start
    digest = hashlib.new(checksum[0]) if checksum else None
    running = media.hashes.resume(upload.id, start)
    written = 0
    try:
        async for chunk in chunks:
            if written + len(chunk) > room:
                raise TooLarge(f"The body goes past the declared length of {upload.length} bytes.")
            view = memoryview(chunk)
            while view:
                view = view[os.write(fd, view) :]
            written += len(chunk)
            if running is not None:
                running.update(chunk)
            if digest is not None:
                digest.update(chunk)
        if checksum is not None and digest is not None and digest.digest() != checksum[1]:
            raise ChecksumMismatch("The chunk's checksum does not match its bytes; send it again.")
    except BaseException as exc:
        keeps_partial = checksum is None and not isinstance(exc, TooLarge)
        if not keeps_partial:
            os.ftruncate(fd, start)
        offset = start + written if keeps_partial else start
        # Kept only if the running hash covers exactly what the file now holds.
        if running is not None and keeps_partial and os.fstat(fd).st_size == offset:
            media.hashes.keep(upload.id, offset, running)
        await _record_offset(upload, offset)
        raise
    offset = start + written
    if offset < upload.length:  # completion records the final offset itself
        if running is not None:
            media.hashes.keep(upload.id, offset, running)
        await _record_offset(upload, offset)
        return Received(offset=offset)
    return Received(offset=offset, sha256=running.hexdigest() if running is not None else None)


async def _record_offset(upload: UploadRow, offset: int) -> None:
    upload.offset = offset
    upload.expires_at = utcnow() + service.UPLOAD_TTL
    await sql.record_offset(upload_id=upload.id, offset=offset, expires_at=upload.expires_at)
