from __future__ import annotations

from typing import Any

from server.core.actor import Actor
from server.core.roles import Role
from server.workorders import scope
from tests.factories import make_asset, make_site, make_user, make_work_order


def _actor(user: Any) -> Actor:
    return Actor(user_id=user.id, role=user.role, username=user.username)


async def test_technician_sees_only_his_orders_and_what_they_reference(db: Any) -> None:
    tech1, tech2 = await make_user(), await make_user()
    dispatcher = await make_user(Role.DISPATCHER)
    mine_site, other_site = await make_site(), await make_site()
    mine_asset, other_asset = await make_asset(mine_site), await make_asset(other_site)
    mine = await make_work_order(site=mine_site, assigned_to=tech1)
    await make_work_order(site=other_site, assigned_to=tech2)

    a1 = _actor(tech1)
    assert [o.id for o in await scope.work_orders_for(a1)] == [mine.id]
    assert [c.id for c in await scope.customers_for(a1)] == [mine_site.customer_id]  # type: ignore[attr-defined]
    assert [s.id for s in await scope.sites_for(a1)] == [mine_site.id]
    assert [a.id for a in await scope.assets_for(a1)] == [mine_asset.id]
    assert other_asset.id not in {a.id for a in await scope.assets_for(a1)}
    assert await scope.work_orders_for(_actor(dispatcher)).count() == 2
