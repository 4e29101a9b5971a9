"""Test harness: every test that uses the `db` fixture runs on SQLite, and again on PostgreSQL
when `DOORSTEP_TEST_DB=postgres` (the Makefile runs both)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from tortoise import Tortoise
from tortoise.connection import get_connection

from server.core import db as core_db
from server.core.clock import set_clock
from server.core.settings import Settings

PG_BASE = os.environ.get("DOORSTEP_TEST_PG_URL", "postgres://postgres@127.0.0.1:5432")
KEEP_TABLES = {"tortoise_migrations", "sync_counter"}


def backend() -> str:
    return os.environ.get("DOORSTEP_TEST_DB", "sqlite")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "db" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)


def pytest_report_header(config: pytest.Config) -> str:
    return f"doorstep database backend: {backend()}"


async def _create_pg_database(name: str) -> None:
    conn = await asyncpg.connect(f"{PG_BASE}/postgres")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def _drop_pg_database(name: str) -> None:
    conn = await asyncpg.connect(f"{PG_BASE}/postgres")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="session")
def settings(data_dir: Path) -> Settings:
    if backend() == "postgres":
        url = f"{PG_BASE}/doorstep_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    else:
        url = f"sqlite://{data_dir / 'test.db'}"
    return Settings(database_url=url, data_dir=data_dir, dev=False, public_base_url="http://testserver")


@pytest.fixture(scope="session")
async def database(settings: Settings) -> AsyncIterator[Settings]:
    name = settings.database_url.rsplit("/", 1)[-1]
    if backend() == "postgres":
        await _create_pg_database(name)
    await core_db.migrate(settings)
    await core_db.init_db(settings)
    yield settings
    await Tortoise.close_connections()
    if backend() == "postgres":
        await _drop_pg_database(name)


async def _table_names() -> list[str]:
    conn = get_connection("default")
    if conn.capabilities.dialect == "postgres":
        rows = await conn.execute_query_dict(
            "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'"
        )
    else:
        rows = await conn.execute_query_dict(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    return [r["name"] for r in rows if r["name"] not in KEEP_TABLES]


async def _wipe() -> None:
    conn = get_connection("default")
    tables = await _table_names()
    if conn.capabilities.dialect == "postgres":
        quoted = ", ".join(f'"{t}"' for t in tables)
        await conn.execute_script(f"TRUNCATE {quoted} CASCADE")
    else:
        await conn.execute_script(
            "PRAGMA foreign_keys=OFF;"
            + "".join(f'DELETE FROM "{t}";' for t in tables)
            + "PRAGMA foreign_keys=ON;"
        )
    await conn.execute_script("UPDATE sync_counter SET value = 0")


@pytest.fixture
async def db(database: Settings) -> AsyncIterator[Settings]:
    """A migrated, empty database; wiped after the test."""
    yield database
    await _wipe()


@pytest.fixture(autouse=True)
def _real_clock() -> Iterator[None]:
    yield
    set_clock(None)


@pytest.fixture
def app(db: Settings) -> Any:
    from server.app import create_app

    return create_app(db, manage_db=False)


@pytest.fixture
async def client(app: Any) -> AsyncIterator[Any]:
    """Unauthenticated client; call `await client.login(user.username)` to sign in."""
    from tests.client import GqlClient

    c = GqlClient(app)
    yield c
    await c.aclose()


@pytest.fixture
async def as_user(app: Any) -> AsyncIterator[Any]:
    """`await as_user(user)` gives a client signed in as `user` (closed after the test)."""
    from tests.client import GqlClient

    opened: list[GqlClient] = []

    async def sign_in(user: Any) -> GqlClient:
        c = GqlClient(app)
        opened.append(c)
        return await c.login(user.username)

    yield sign_in
    for c in opened:
        await c.aclose()
