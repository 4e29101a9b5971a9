"""Small HTTP pieces: health probes, security headers, the PWA's static files."""

from __future__ import annotations

import os
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.core import db

NO_CACHE = "no-cache"
IMMUTABLE = "public, max-age=31536000, immutable"
# These must always be revalidated or a deployed fix never reaches installed apps.
ALWAYS_FRESH = {"index.html", "sw.js", "manifest.webmanifest", "registerSW.js"}


async def healthz(request: Request) -> Response:
    return PlainTextResponse("ok")


async def readyz(request: Request) -> Response:
    ready, reason = await db.is_ready()
    return JSONResponse({"ready": ready, "reason": reason}, status_code=200 if ready else 503)


class SecurityHeaders:
    """Pure ASGI (BaseHTTPMiddleware would break contextvars)."""

    HEADERS = [
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
        (b"x-frame-options", b"DENY"),
        (b"permissions-policy", b"camera=(self), geolocation=(self), microphone=()"),
    ]

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name for name, _ in headers}
                headers.extend(h for h in self.HEADERS if h[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class PwaFiles(StaticFiles):
    """The built PWA with the cache headers an offline app needs; unknown paths get the app shell."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory=directory, html=True, check_dir=False)
        self.root = directory

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        name = Path(full_path).name
        if name in ALWAYS_FRESH:
            response.headers["cache-control"] = NO_CACHE
        elif "/assets/" in str(full_path):
            response.headers["cache-control"] = IMMUTABLE
        else:
            response.headers["cache-control"] = "public, max-age=3600"
        return response

    async def check_config(self) -> None:
        # A missing build is reported per request (503 with the fix), not as a crash.
        if self.root.is_dir():
            await super().check_config()

    async def get_response(self, path: str, scope: Scope) -> Response:
        index = self.root / "index.html"
        if not index.is_file():
            return PlainTextResponse(
                "The app is not built yet: run `make run` (or `cd pwa && npm ci && npm run build`).",
                status_code=503,
            )
        try:
            return await super().get_response(path, scope)
        except HTTPException as exc:
            if exc.status_code == 404 and "." not in Path(path).name:
                # Client-side routes such as /a/<tag> and /wo/<id> load the app shell.
                return FileResponse(index, headers={"cache-control": NO_CACHE})
            raise
