from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.websockets import WebSocket
from strawberry.types import Info as StrawberryInfo

from server.auth.ratelimit import LoginRateLimiter
from server.core.actor import Actor, require
from server.core.errors import Unauthenticated
from server.core.roles import Role
from server.core.secrets import Secrets
from server.core.settings import Settings
from sync.engine import SyncEngine


@dataclass
class Context:
    request: Request | WebSocket
    settings: Settings
    secrets: Secrets
    limiter: LoginRateLimiter
    sync: SyncEngine
    actor: Actor | None = None
    # A bad or expired token is kept, not raised, so `login` still works with a stale header.
    auth_error: Unauthenticated | None = None
    connection_params: dict[str, Any] = field(default_factory=dict)

    @property
    def client_ip(self) -> str:
        client = self.request.client
        return client.host if client else "unknown"

    @property
    def user_agent(self) -> str:
        return self.request.headers.get("user-agent", "")[:512]

    def require(self, *roles: Role) -> Actor:
        if self.actor is None and self.auth_error is not None:
            raise self.auth_error
        return require(self.actor, *roles)


Info = StrawberryInfo[Context, None]
