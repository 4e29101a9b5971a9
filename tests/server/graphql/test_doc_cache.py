"""Each distinct query text is parsed and validated once; the verdict, good or bad, is the same
every time, and the limits still apply to cached texts."""

from __future__ import annotations

from typing import Any

import graphql
import pytest
import strawberry.schema.schema as strawberry_schema

from server.app import create_app
from server.core.roles import Role
from server.core.settings import Settings
from server.graphql.doc_cache import DocumentStore
from tests.client import GqlClient
from tests.factories import make_user


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    calls = {"parse": 0, "validate": 0}
    parse, validate = strawberry_schema.parse, strawberry_schema.validate_document

    def counting_parse(*args: Any, **kw: Any) -> Any:
        calls["parse"] += 1
        return parse(*args, **kw)

    def counting_validate(*args: Any, **kw: Any) -> Any:
        calls["validate"] += 1
        return validate(*args, **kw)

    monkeypatch.setattr(strawberry_schema, "parse", counting_parse)
    monkeypatch.setattr(strawberry_schema, "validate_document", counting_validate)
    return calls


async def test_a_repeated_query_is_parsed_and_validated_once(db: Settings, counted: dict[str, int]) -> None:
    client = GqlClient(create_app(db, manage_db=False))
    await client.login((await make_user(Role.DISPATCHER)).username)
    before = dict(counted)
    for _ in range(3):
        assert (await client.data("{ me { username } }"))["me"]["username"]
    assert counted["parse"] - before["parse"] == 1
    assert counted["validate"] - before["validate"] == 1
    await client.aclose()


async def test_a_bad_query_gets_the_same_error_every_time(db: Settings, counted: dict[str, int]) -> None:
    client = GqlClient(create_app(db, manage_db=False))
    await client.login((await make_user(Role.DISPATCHER)).username)
    first = (await client.post("{ me { nosuchfield } }")).json()["errors"]
    again = (await client.post("{ me { nosuchfield } }")).json()["errors"]
    assert first == again
    assert first[0]["extensions"]["code"]
    # Too deep, cached or not.
    deep = Settings(database_url=db.database_url, data_dir=db.data_dir, max_query_depth=2)
    shallow = GqlClient(create_app(deep, manage_db=False))
    await shallow.login((await make_user(Role.DISPATCHER)).username)
    for _ in range(2):
        body = (await shallow.post("query { users { edges { node { username } } } }")).json()
        assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    await client.aclose()
    await shallow.aclose()


def test_the_store_keeps_the_most_recent_texts() -> None:
    store = DocumentStore(maxsize=2)
    doc = graphql.parse("{ a }")
    store.put("a", doc, [])
    store.put("b", doc, [])
    assert store.get("a") is not None  # now the most recent
    store.put("c", doc, None)
    assert store.get("b") is None
    assert store.get("a") is not None
    assert len(store) == 2
