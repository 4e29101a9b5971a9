"""Who is calling, for every HTTP entry point (GraphQL, uploads, media, labels, reports): the
`Authorization: Bearer` header only, never cookies, so a foreign page cannot act for a user."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from server.auth import service as auth_service
from server.core.actor import Actor
from server.core.errors import DomainError, Unauthenticated
from server.core.secrets import Secrets
from server.core.settings import Settings


async def actor_from_header(
    header: str, *, settings: Settings, secrets: Secrets, malformed_code: str = "UNAUTHENTICATED"
) -> Actor:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Send `Authorization: Bearer <access token>`.", code=malformed_code)
    return await auth_service.authenticate(settings=settings, secrets=secrets, token=token.strip())


async def bearer_actor(request: Request, *, settings: Settings, secrets: Secrets) -> Actor:
    return await actor_from_header(
        request.headers.get("authorization", ""), settings=settings, secrets=secrets
    )


def error_response(exc: DomainError, headers: Mapping[str, str] | None = None) -> Response:
    """A domain error as the 4xx JSON body every file route answers with: {code, message}."""
    extra = dict(headers or {})
    if isinstance(exc, Unauthenticated):
        extra["WWW-Authenticate"] = "Bearer"
    return JSONResponse(
        {"code": exc.code, "message": exc.message}, status_code=exc.http_status, headers=extra
    )
