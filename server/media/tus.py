"""Resumable uploads over the tus 1.0 protocol (core, creation, creation-with-upload, checksum,
termination, expiration), mounted at /uploads/ so tus-js-client and any other tus client can
continue an interrupted upload from the last offset the server confirmed.

Only a Bearer token authenticates (never a cookie) and form-encoded bodies are refused, so a
hostile page cannot make a signed-in browser upload anything. Bodies are streamed to disk.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from datetime import UTC
from email.utils import format_datetime

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route, Router

from server.auth.http import bearer_actor, error_response
from server.core.actor import Actor
from server.core.errors import Conflict, DomainError
from server.core.secrets import Secrets
from server.core.settings import Settings
from server.media import blobs, uploads
from server.media.images import ALLOWED_TYPES
from server.media.runtime import MediaRuntime
from server.media.sql import UploadRow
from server.media.uploads import BadUploadRequest, TooLarge, UnsupportedType

TUS_VERSION = "1.0.0"
EXTENSIONS = "creation,creation-with-upload,checksum,termination,expiration"
OFFSET_TYPE = "application/offset+octet-stream"
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
MAX_METADATA_KEYS = 16

Handler = Callable[[Request], Awaitable[Response]]


def _headers(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    return {"Tus-Resumable": TUS_VERSION, "Cache-Control": "no-store", **(extra or {})}


def _error(exc: DomainError) -> Response:
    return error_response(exc, _headers())


def _expires(upload: UploadRow) -> dict[str, str]:
    return {"Upload-Expires": format_datetime(upload.expires_at.astimezone(UTC), usegmt=True)}


def parse_metadata(header: str | None) -> dict[str, str]:
    """`key base64value,key2 base64value2` (a key may have no value)."""
    out: dict[str, str] = {}
    for pair in (header or "").split(","):
        key, _, encoded = pair.strip().partition(" ")
        if not key:
            continue
        if key in out or len(out) >= MAX_METADATA_KEYS:
            raise BadUploadRequest("Upload-Metadata has a repeated key or too many keys.")
        try:
            out[key] = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            raise BadUploadRequest(f"Upload-Metadata value of {key!r} is not base64 UTF-8.") from None
    return out


def _metadata_header(metadata: Mapping[str, str]) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in metadata.items())


def _non_negative(request: Request, name: str) -> int | None:
    raw = request.headers.get(name)
    if raw is None:
        return None
    if not raw.isdigit():
        raise BadUploadRequest(f"{name} must be a non-negative whole number.")
    return int(raw)


def _body_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


class TusEndpoints:
    def __init__(self, *, settings: Settings, secrets: Secrets, media: MediaRuntime) -> None:
        self.settings = settings
        self.secrets = secrets
        self.media = media

    async def _actor(self, request: Request) -> Actor:
        return await bearer_actor(request, settings=self.settings, secrets=self.secrets)

    def guarded(self, handler: Handler) -> Handler:
        """Protocol checks every request except OPTIONS needs, and errors as JSON with a code."""

        async def endpoint(request: Request) -> Response:
            if request.method == "OPTIONS":
                return await handler(request)
            if request.headers.get("tus-resumable") != TUS_VERSION:
                return Response(status_code=412, headers={"Tus-Version": TUS_VERSION})
            if _body_type(request) in FORM_TYPES:
                return _error(UnsupportedType("Form bodies are not accepted here.", code="FORM_REFUSED"))
            try:
                with self.media.receiving_upload():
                    return await handler(request)
            except DomainError as exc:
                return _error(exc)
            except ClientDisconnect:
                return Response(status_code=400)  # nobody is left to read it

        return endpoint

    async def options(self, request: Request) -> Response:
        return Response(
            status_code=204,
            headers={
                "Tus-Resumable": TUS_VERSION,
                "Tus-Version": TUS_VERSION,
                "Tus-Extension": EXTENSIONS,
                "Tus-Max-Size": str(self.settings.max_upload_bytes),
                "Tus-Checksum-Algorithm": "sha256,sha1",
                "Doorstep-Accepted-Types": ",".join(sorted(ALLOWED_TYPES)),
            },
        )

    async def create(self, request: Request) -> Response:
        if request.headers.get("upload-defer-length") is not None:
            raise BadUploadRequest("Upload-Defer-Length is not supported: declare Upload-Length.")
        length = _non_negative(request, "upload-length")
        if length is None:
            raise BadUploadRequest("Upload-Length is required.")
        body_length = _non_negative(request, "content-length") or 0
        if body_length and _body_type(request) != OFFSET_TYPE:
            raise UnsupportedType(f"A body sent with the creation must be {OFFSET_TYPE}.")
        if body_length > length:
            raise TooLarge("The body is longer than Upload-Length.")
        metadata = parse_metadata(request.headers.get("upload-metadata"))
        actor = await self._actor(request)
        upload = await uploads.create_upload(actor=actor, media=self.media, length=length, metadata=metadata)
        # Absolute, from the URL the client used (the mount point is not in `base_url`).
        location = f"{str(request.url.replace(query='')).rstrip('/')}/{upload.id}"
        headers = _headers({"Location": location, **_expires(upload)})
        if body_length:
            offset = await self._receive(request, actor, upload)
            headers["Upload-Offset"] = str(offset)
        return Response(status_code=201, headers=headers)

    async def head(self, request: Request) -> Response:
        actor = await self._actor(request)
        upload = await uploads.get_upload(actor=actor, upload_id=request.path_params["upload_id"])
        async with uploads.locked(self.media, upload) as fd:
            offset = uploads.current_offset(upload, fd)
        headers = {
            "Upload-Offset": str(offset),
            "Upload-Length": str(upload.length),
            "Upload-Metadata": _metadata_header(upload.metadata),
            **_expires(upload),
        }
        return Response(status_code=200, headers=_headers(headers))

    async def patch(self, request: Request) -> Response:
        if _body_type(request) != OFFSET_TYPE:
            raise UnsupportedType(f"PATCH bodies must be {OFFSET_TYPE}.")
        if _non_negative(request, "upload-offset") is None:
            raise BadUploadRequest("Upload-Offset is required.")
        actor = await self._actor(request)
        upload = await uploads.get_upload(actor=actor, upload_id=request.path_params["upload_id"])
        offset = await self._receive(request, actor, upload)
        return Response(status_code=204, headers=_headers({"Upload-Offset": str(offset), **_expires(upload)}))

    async def _receive(self, request: Request, actor: Actor, upload: UploadRow) -> int:
        claimed = _non_negative(request, "upload-offset") or 0
        body_length = _non_negative(request, "content-length")
        checksum = uploads.parse_checksum(request.headers.get("upload-checksum"))
        async with uploads.locked(self.media, upload) as fd:
            offset = uploads.current_offset(upload, fd)
            if claimed != offset:
                raise Conflict(
                    f"Upload-Offset is {claimed} but the server has {offset} bytes; ask with HEAD.",
                    code="OFFSET_MISMATCH",
                )
            if body_length is not None and offset + body_length > upload.length:
                raise TooLarge(f"The body goes past the declared length of {upload.length} bytes.")
            if upload.completed_at is not None:
                return int(upload.length)
            received = await uploads.append(
                media=self.media, upload=upload, fd=fd, chunks=_stream(request), checksum=checksum
            )
            if received.offset == upload.length:
                await blobs.finish(actor=actor, media=self.media, upload=upload, sha256=received.sha256)
        return received.offset

    async def delete(self, request: Request) -> Response:
        actor = await self._actor(request)
        upload = await uploads.get_upload(actor=actor, upload_id=request.path_params["upload_id"])
        await uploads.terminate(media=self.media, upload=upload)
        return Response(status_code=204, headers=_headers())


async def _stream(request: Request) -> AsyncIterator[bytes]:
    async for chunk in request.stream():
        if chunk:
            yield chunk


def build_tus_app(*, settings: Settings, secrets: Secrets, media: MediaRuntime) -> Router:
    tus = TusEndpoints(settings=settings, secrets=secrets, media=media)

    async def collection(request: Request) -> Response:
        return await (tus.options if request.method == "OPTIONS" else tus.create)(request)

    async def item(request: Request) -> Response:
        handler = {"OPTIONS": tus.options, "HEAD": tus.head, "PATCH": tus.patch, "DELETE": tus.delete}
        return await handler[request.method](request)

    # A bare router: the app it is mounted in already handles errors, and a second Starlette
    # app would wrap every upload request in its own middleware again.
    return Router(
        routes=[
            Route("/", tus.guarded(collection), methods=["OPTIONS", "POST"]),
            Route("/{upload_id}", tus.guarded(item), methods=["OPTIONS", "HEAD", "PATCH", "DELETE"]),
        ]
    )
