"""Where media bytes live: a directory under the data dir by default, or an S3-compatible bucket
when several server processes on several machines must share them.

Objects are immutable and addressed by content, so writing the same key twice writes the same
bytes and needs no coordination.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import errno
import hashlib
import hmac
import os
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Protocol
from urllib.parse import quote, urlsplit

import httpx

from server.core.clock import utcnow
from server.core.settings import S3Config, Settings

CHUNK = 256 * 1024


class MissingObject(LookupError):
    """No object is stored under that key."""


class StoreError(RuntimeError):
    """The store refused or failed a request; the message says which and why."""


class MediaStore(Protocol):
    async def put_file(self, key: str, path: Path, *, content_type: str) -> None:
        """Store the file at `path` under `key`; `path` may be consumed (moved)."""
        ...

    def open(self, key: str) -> AsyncIterator[bytes]:
        """The object's bytes in chunks; raises `MissingObject` on first iteration if absent."""
        ...

    async def exists(self, key: str) -> bool: ...

    async def delete(self, key: str) -> None:
        """Remove the object; removing a missing one is not an error."""
        ...

    async def aclose(self) -> None: ...


def _safe_key(key: str) -> str:
    parts = key.split("/")
    if not key or any(p in ("", ".", "..") for p in parts) or "\\" in key:
        raise ValueError(f"invalid media key {key!r}")
    return key


class LocalStore:
    """Files under one directory; a put is a rename, so a reader never sees half a file."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, key: str) -> Path:
        return self.root / _safe_key(key)

    async def put_file(self, key: str, path: Path, *, content_type: str) -> None:
        target = self.path(key)
        try:
            _move(path, target)
        except FileNotFoundError:  # the first object under this prefix
            target.parent.mkdir(parents=True, exist_ok=True)
            _move(path, target)

    async def open(self, key: str) -> AsyncIterator[bytes]:
        try:
            fh = self.path(key).open("rb")
        except FileNotFoundError:
            raise MissingObject(key) from None
        with fh:
            while block := await asyncio.to_thread(fh.read, CHUNK):
                yield block

    async def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    async def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    async def aclose(self) -> None:
        return None


class S3Store:
    """An S3-compatible bucket over plain HTTP with AWS Signature Version 4 (path-style URLs,
    which every S3-compatible server accepts)."""

    def __init__(self, config: S3Config, *, timeout: float = 60.0) -> None:
        self.config = config
        self.http = httpx.AsyncClient(timeout=timeout)

    def _url(self, key: str | None) -> str:
        path = f"/{self.config.bucket}" + (f"/{quote(_safe_key(key), safe='/')}" if key else "")
        return self.config.endpoint + path

    async def _send(
        self,
        method: str,
        key: str | None,
        *,
        payload_hash: str = hashlib.sha256(b"").hexdigest(),
        headers: dict[str, str] | None = None,
        content: AsyncIterator[bytes] | None = None,
        stream: bool = False,
    ) -> httpx.Response:
        url = self._url(key)
        signed = sign_v4(
            self.config,
            method=method,
            url=url,
            payload_hash=payload_hash,
            headers=headers or {},
            now=utcnow(),
        )
        request = self.http.build_request(method, url, headers=signed, content=content)
        try:
            return await self.http.send(request, stream=stream)
        except httpx.HTTPError as exc:
            raise StoreError(f"S3 {method} {key or ''} failed: {exc}") from exc

    async def ensure_bucket(self) -> None:
        response = await self._send("HEAD", None)
        if response.status_code == 404:
            response = await self._send("PUT", None)
        _check(response, "create the bucket")

    async def put_file(self, key: str, path: Path, *, content_type: str) -> None:
        digest, size = await asyncio.to_thread(_sha256_and_size, path)
        headers = {"content-type": content_type, "content-length": str(size)}
        response = await self._send("PUT", key, payload_hash=digest, headers=headers, content=_chunks(path))
        _check(response, f"store {key}")
        _discard(path)

    async def open(self, key: str) -> AsyncIterator[bytes]:
        response = await self._send("GET", key, stream=True)
        try:
            if response.status_code == 404:
                raise MissingObject(key)
            if response.status_code != 200:
                await response.aread()
                _check(response, f"read {key}")
            async for block in response.aiter_bytes(CHUNK):
                yield block
        finally:
            await response.aclose()

    async def exists(self, key: str) -> bool:
        response = await self._send("HEAD", key)
        if response.status_code == 404:
            return False
        _check(response, f"look up {key}")
        return True

    async def delete(self, key: str) -> None:
        response = await self._send("DELETE", key)
        if response.status_code != 404:
            _check(response, f"delete {key}")

    async def aclose(self) -> None:
        await self.http.aclose()


def _move(path: Path, target: Path) -> None:
    try:
        os.replace(path, target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        # Another file system: copy beside the target so the final step is still a rename.
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        os.close(fd)
        shutil.copyfile(path, tmp)
        os.replace(tmp, target)
        path.unlink()


def _discard(path: Path) -> None:
    path.unlink(missing_ok=True)


def _check(response: httpx.Response, doing: str) -> None:
    if not 200 <= response.status_code < 300:
        raise StoreError(f"S3 could not {doing}: HTTP {response.status_code} {response.text[:200]}")


def _sha256_and_size(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while block := fh.read(CHUNK):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


async def _chunks(path: Path) -> AsyncIterator[bytes]:
    with path.open("rb") as fh:
        while block := await asyncio.to_thread(fh.read, CHUNK):
            yield block


def sign_v4(
    config: S3Config, *, method: str, url: str, payload_hash: str, headers: dict[str, str], now: dt.datetime
) -> dict[str, str]:
    """`headers` plus the date, payload hash and Authorization headers of an AWS SigV4 request."""
    parts = urlsplit(url)
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    day = stamp[:8]
    signed = {k.lower(): v.strip() for k, v in headers.items() if k.lower() != "content-length"}
    signed.update({"host": parts.netloc, "x-amz-content-sha256": payload_hash, "x-amz-date": stamp})
    names = sorted(signed)
    canonical = "\n".join(
        [
            method,
            parts.path or "/",
            parts.query,
            "".join(f"{n}:{signed[n]}\n" for n in names),
            ";".join(names),
            payload_hash,
        ]
    )
    scope = f"{day}/{config.region}/s3/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", stamp, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = f"AWS4{config.secret_key}".encode()
    for part in (day, config.region, "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    authorization = (
        f"AWS4-HMAC-SHA256 Credential={config.access_key}/{scope}, "
        f"SignedHeaders={';'.join(names)}, Signature={signature}"
    )
    return {**headers, **{k: v for k, v in signed.items() if k != "host"}, "authorization": authorization}


def build_store(settings: Settings) -> MediaStore:
    if settings.s3 is not None:
        return S3Store(settings.s3)
    return LocalStore(settings.data_dir / "media")
