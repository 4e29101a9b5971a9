"""GET /media/<sha256> and /media/<sha256>/thumb: the cleaned photo and its thumbnail, for
callers who may see a record referencing those bytes. Content never changes under a hash, so
responses carry the hash as ETag and may be cached for good (privately: they need a token)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route

from server.auth.http import bearer_actor, error_response
from server.core.errors import DomainError
from server.core.secrets import Secrets
from server.core.settings import Settings
from server.media import images, service
from server.media.runtime import MediaRuntime
from server.media.store import LocalStore, MissingObject

CACHE_FOREVER = "private, max-age=31536000, immutable"
log = logging.getLogger("doorstep.media")


def _matches(request: Request, etag: str) -> bool:
    wanted = request.headers.get("if-none-match", "")
    return wanted.strip() == "*" or etag in (tag.strip() for tag in wanted.split(","))


def build_media_app(*, settings: Settings, secrets: Secrets, media: MediaRuntime) -> Starlette:
    async def serve(request: Request, *, thumbnail: bool) -> Response:
        try:
            actor = await bearer_actor(request, settings=settings, secrets=secrets)
            blob = await service.readable_blob(actor=actor, sha256=request.path_params["sha256"])
        except DomainError as exc:
            return error_response(exc, {"Cache-Control": "no-store"})
        etag = f'"{blob.sha256}-thumb"' if thumbnail else f'"{blob.sha256}"'
        headers = {"ETag": etag, "Cache-Control": CACHE_FOREVER}
        if _matches(request, etag):
            return Response(status_code=304, headers=headers)
        key = blob.thumbnail_key if thumbnail else blob.storage_key
        kind = images.THUMB_TYPE if thumbnail else blob.served_type
        if thumbnail:
            try:
                await media.ensure_thumbnail(blob)  # normally made right after the upload
            except (images.UnreadableImage, MissingObject):
                return _lost(key)
        if isinstance(media.store, LocalStore):
            path = media.store.path(key)
            if path.is_file():
                return FileResponse(path, media_type=kind, headers=headers)
            return _lost(key)
        chunks = media.store.open(key)
        try:
            first = await anext(chunks)
        except (MissingObject, StopAsyncIteration):
            return _lost(key)
        if not thumbnail:
            headers["Content-Length"] = str(blob.served_size)
        return StreamingResponse(_prepend(first, chunks), media_type=kind, headers=headers)

    async def photo(request: Request) -> Response:
        return await serve(request, thumbnail=False)

    async def thumb(request: Request) -> Response:
        return await serve(request, thumbnail=True)

    return Starlette(
        routes=[
            Route("/{sha256}", photo, methods=["GET", "HEAD"]),
            Route("/{sha256}/thumb", thumb, methods=["GET", "HEAD"]),
        ]
    )


def _lost(key: str) -> Response:
    # The row says the bytes were stored: a missing object is an operations problem, not the caller's.
    log.error("media object %s is missing from the store", key)
    return JSONResponse({"code": "MEDIA_MISSING", "message": "The stored file is missing."}, status_code=503)


async def _prepend(first: bytes, rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    yield first
    async for chunk in rest:
        yield chunk


def media_routes(*, settings: Settings, secrets: Secrets, media: MediaRuntime) -> list[Mount]:
    """/uploads/ (tus) and /media/ (downloads), to mount before the app's catch-all route."""
    from server.media.tus import build_tus_app  # tus builds on this module's helpers

    return [
        Mount("/uploads", app=build_tus_app(settings=settings, secrets=secrets, media=media)),
        Mount("/media", app=build_media_app(settings=settings, secrets=secrets, media=media)),
    ]
