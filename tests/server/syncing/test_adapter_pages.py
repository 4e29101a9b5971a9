"""A pull page's SQL is built once per actor and reused with the page's own numbers: it must be
the very query the builder makes for those numbers, for every collection and both backends."""

from __future__ import annotations

from tortoise.connection import get_connection

from server.core.actor import Actor
from server.core.roles import Role
from server.core.settings import Settings
from server.syncing.adapter import _compiled
from server.syncing.collections import ADAPTERS
from tests.factories import make_user


async def test_cached_page_sql_is_the_builders_sql(db: Settings) -> None:
    conn = get_connection("default")
    for adapter in ADAPTERS:
        adapter._page_sqls.clear()  # other tests' actors
    actors = [
        Actor(user_id=u.pk, role=u.role, username=u.username)
        for u in (await make_user(), await make_user(role=Role.DISPATCHER))
    ]
    for adapter in ADAPTERS:
        for actor in actors:
            for after, limit in ((0, 1000), (41, 7), (0, 1000)):
                expected = _compiled(
                    adapter._scoped(actor)
                    .filter(version__gt=after)
                    .order_by("version")
                    .limit(limit)
                    .using_db(conn)
                    .values(*adapter._columns)
                )
                assert adapter._page_sql(actor, conn, after, limit) == expected, adapter.spec.name
    # One entry per (backend, actor), not per page.
    assert len(ADAPTERS[0]._page_sqls) >= 2
    assert all(len(a._page_sqls) <= 2 * 2 for a in ADAPTERS)
