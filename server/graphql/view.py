"""The `/graphql` endpoint: HTTP POST and graphql-transport-ws, with the caller resolved per request."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket, WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter, GraphQL
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from server.auth.http import actor_from_header
from server.auth.ratelimit import LoginRateLimiter
from server.core.actor import Actor
from server.core.errors import Unauthenticated
from server.core.secrets import Secrets
from server.core.settings import Settings
from server.graphql.context import Context
from server.graphql.schema import build_schema
from sync.engine import SyncEngine


class _TextFrames(ASGIWebSocketAdapter):
    """graphql-transport-ws messages must be text frames; strawberry sends bytes as binary ones."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        try:
            await self.ws.send_text(orjson.dumps(message).decode())
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc


class GraphQLView(GraphQL[Context, None]):
    def __init__(
        self, *, settings: Settings, secrets: Secrets, limiter: LoginRateLimiter, sync: SyncEngine
    ) -> None:
        super().__init__(
            build_schema(settings),
            graphql_ide="graphiql" if settings.dev else None,
            allow_queries_via_get=False,
            multipart_uploads_enabled=False,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            keep_alive=True,
            keep_alive_interval=20,
        )
        self.settings = settings
        self.secrets = secrets
        self.limiter = limiter
        self.sync = sync

    websocket_adapter_class = _TextFrames

    def decode_json(self, data: str | bytes) -> object:
        # A push of 100 rows is about 60 KB of JSON; orjson's errors are `json.JSONDecodeError`s,
        # so a malformed body still gets strawberry's 400.
        return orjson.loads(data)

    def encode_json(self, data: object) -> bytes:
        # orjson: pulls of a thousand documents are serialised several times faster; bytes go
        # into the HTTP response as they are (a str would be decoded and encoded again).
        return orjson.dumps(data)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        ctx = Context(
            request=request,
            settings=self.settings,
            secrets=self.secrets,
            limiter=self.limiter,
            sync=self.sync,
        )
        header = request.headers.get("authorization", "")
        if header:
            try:
                ctx.actor = await self._actor_from(header)
            except Unauthenticated as exc:
                ctx.auth_error = exc
        return ctx

    async def on_ws_connect(self, context: Context) -> Any:
        token = context.connection_params.get("authorization") or context.connection_params.get(
            "Authorization"
        )
        if isinstance(token, str) and token:
            try:
                context.actor = await self._actor_from(token)
            except Unauthenticated as exc:
                return {"error": exc.code}
        return None

    async def _actor_from(self, header: str) -> Actor:
        # A header that is there but not a bearer token is a bad token, not a missing sign-in.
        return await actor_from_header(
            header, settings=self.settings, secrets=self.secrets, malformed_code="TOKEN_INVALID"
        )
