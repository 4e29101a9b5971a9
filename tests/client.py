"""A GraphQL client over the real ASGI app (no network), signed in as a given user."""

from __future__ import annotations

from typing import Any

import httpx
from starlette.applications import Starlette

from tests.factories import PASSWORD

LOGIN = """
mutation($u: String!, $p: String!) {
  login(username: $u, password: $p) { accessToken refreshToken deviceId user { id role } }
}
"""


class GqlClient:
    def __init__(self, app: Starlette) -> None:
        self.http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
        self.token: str | None = None
        self.refresh_token: str | None = None

    async def post(self, query: str, variables: dict[str, Any] | None = None) -> httpx.Response:
        headers = {"authorization": f"Bearer {self.token}"} if self.token else {}
        return await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )

    async def execute(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = await self.post(query, variables)
        assert response.status_code < 500, response.text
        return dict(response.json())

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The `data` of a query that must succeed."""
        body = await self.execute(query, variables)
        assert not body.get("errors"), body["errors"]
        return dict(body["data"])

    async def error_code(self, query: str, variables: dict[str, Any] | None = None) -> str:
        """The `extensions.code` of a query that must fail."""
        body = await self.execute(query, variables)
        assert body.get("errors"), f"expected an error, got {body}"
        return str(body["errors"][0]["extensions"]["code"])

    async def login(self, username: str, password: str = PASSWORD) -> GqlClient:
        body = await self.data(LOGIN, {"u": username, "p": password})
        self.token = body["login"]["accessToken"]
        self.refresh_token = body["login"]["refreshToken"]
        return self

    async def aclose(self) -> None:
        await self.http.aclose()
