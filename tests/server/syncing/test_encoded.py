"""Pages encoded by the database (PostgreSQL) must hold exactly the documents the Python path
builds, for every registered collection; anything the database cannot spell exactly goes to Python."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from tortoise.connection import get_connection

from server.core import persist
from server.core.actor import Actor
from server.core.roles import Role
from server.core.settings import Settings
from server.demo import seed_demo
from server.syncing.collections import ADAPTERS, build_engine
from server.worklog.models import WorkNote
from tests.factories import make_asset, make_user, make_work_order


async def _admin() -> Actor:
    user = await make_user(role=Role.ADMIN)
    return Actor(user_id=user.pk, role=user.role, username=user.username)


async def test_encoded_pages_hold_the_python_documents(db: Settings, tmp_path: Path) -> None:
    await seed_demo(settings=dataclasses.replace(db, data_dir=tmp_path))
    tech = await make_user()
    order = await make_work_order(assigned_to=tech)
    # Text that needs escaping, and whole-second and sub-second times.
    for body, at in (
        ('引号 " 反斜杠 \\ 换行\n制表\t控制\x01 emoji 🛠', datetime(2026, 11, 23, 10, tzinfo=UTC)),
        ("plain", datetime(2026, 11, 23, 10, 0, 0, 1, tzinfo=UTC)),
    ):
        await persist.save(WorkNote(work_order=order, author=tech, body=body, written_at=at), actor=None)
    admin = await _admin()
    conn = get_connection("default")
    encoded_collections = set()
    for adapter in ADAPTERS:
        for after, limit in ((0, 1000), (0, 3), (5, 7)):
            page = await adapter.pull_encoded(principal=admin, after_version=after, limit=limit, conn=conn)
            python = list(await adapter.pull(principal=admin, after_version=after, limit=limit, conn=conn))
            if page is None:
                continue
            assert orjson.loads(page.json) == python, adapter.spec.name
            assert page.count == len(python)
            assert page.last_version == (python[-1]["version"] if python else None)
            if python:
                encoded_collections.add(adapter.spec.name)
    if db.is_sqlite:
        assert not encoded_collections  # measured slower there: Python decodes every page
    else:
        assert {"assets", "workNotes", "customers", "sites", "appointments"} <= (encoded_collections)
        # Computed fields (the SLA state) are added in Python.
        assert "workOrders" not in encoded_collections


async def test_an_unexpected_value_sends_the_page_to_python(db: Settings) -> None:
    tech = await make_user()
    order = await make_work_order(assigned_to=tech)
    admin = await _admin()
    conn = get_connection("default")
    adapter = next(a for a in ADAPTERS if a.spec.name == "workOrders")
    assert await adapter.pull_encoded(principal=admin, after_version=0, limit=10, conn=conn) is None
    assets = next(a for a in ADAPTERS if a.spec.name == "assets")
    asset = await make_asset(site=order.site)
    # A seal state no enum member has (written behind the ORM's back).
    await conn.execute_query(
        "UPDATE asset SET seal_state = 'melted' WHERE id = " + ("$1" if not db.is_sqlite else "?"),
        [str(asset.pk)],
    )
    page = await assets.pull_encoded(principal=admin, after_version=0, limit=10, conn=conn)
    assert page is None


async def test_engine_pull_serves_encoded_pages_and_falls_back_with_scope_moves(db: Settings) -> None:
    tech = await make_user()
    order = await make_work_order(assigned_to=tech)
    await persist.save(
        WorkNote(work_order=order, author=tech, body="a", written_at=datetime.now(UTC)), actor=None
    )
    engine = build_engine()
    actor = Actor(user_id=tech.pk, role=tech.role, username=tech.username)
    result = await engine.pull(collection="workNotes", principal=actor, checkpoint=None, limit=10)
    assert [d["body"] for d in result.documents] == ["a"]
    assert orjson.loads(result.encoded) == result.documents
    assert result.count == 1
    assert result.checkpoint["version"] == result.documents[0]["version"]
    empty = await engine.pull(collection="workNotes", principal=actor, checkpoint=result.checkpoint, limit=10)
    assert empty.count == 0
    assert empty.encoded == b"[]"
    assert empty.checkpoint == result.checkpoint


def test_a_pull_result_holds_one_form() -> None:
    from sync.engine import PullResult

    try:
        PullResult(checkpoint={"version": 0})
    except ValueError:
        pass
    else:  # pragma: no cover
        raise AssertionError("a page with neither documents nor their encoding was accepted")
    docs: list[dict[str, Any]] = [{"id": "x", "version": 3}]
    assert PullResult(checkpoint={"version": 3}, documents=docs).encoded == orjson.dumps(docs)
