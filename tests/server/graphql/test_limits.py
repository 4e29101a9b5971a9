"""Hostile queries get a clear, coded error and never a 5xx."""

from __future__ import annotations

from typing import Any

import pytest

from server.app import create_app
from server.core.roles import Role
from server.core.settings import Settings
from tests.client import GqlClient
from tests.factories import make_user


async def _signed_in(client: Any) -> Any:
    user = await make_user(Role.DISPATCHER)
    return await client.login(user.username)


async def test_depth_limit_rejects_deep_queries(db: Settings) -> None:
    shallow = Settings(database_url=db.database_url, data_dir=db.data_dir, max_query_depth=2)
    client = GqlClient(create_app(shallow, manage_db=False))
    await _signed_in(client)
    response = await client.post("query { users { edges { node { username } } } }")
    assert response.status_code < 500
    assert response.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert (await client.data("{ me { username } }"))["me"]
    await client.aclose()


async def test_alias_bomb_rejected(db: Any, client: Any) -> None:
    await _signed_in(client)
    query = "{ " + " ".join(f"a{i}: me {{ username }}" for i in range(200)) + " }"
    body = await client.execute(query)
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"


async def test_token_bomb_rejected(db: Any, client: Any) -> None:
    await _signed_in(client)
    query = "{ me { " + " ".join(["username"] * 5000) + " } }"
    body = await client.execute(query)
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"


async def test_introspection_disabled_outside_dev(db: Any, client: Any) -> None:
    body = await client.execute("{ __schema { types { name } } }")
    assert body["errors"]
    assert "__schema" not in str(body.get("data"))


async def test_get_queries_refused(db: Any, client: Any) -> None:
    response = await client.http.get("/graphql", params={"query": "{ me { username } }"})
    assert 400 <= response.status_code < 500


async def test_field_suggestions_off(db: Any, client: Any) -> None:
    await _signed_in(client)
    body = await client.execute("{ me { usernam } }")
    assert "Did you mean" not in body["errors"][0]["message"]
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


@pytest.mark.parametrize("payload", ["{", "not json at all", '{"query": 12}'])
async def test_garbage_bodies_are_4xx(db: Any, client: Any, payload: str) -> None:
    response = await client.http.post(
        "/graphql", content=payload, headers={"content-type": "application/json"}
    )
    assert 400 <= response.status_code < 500
    assert "Traceback" not in response.text
