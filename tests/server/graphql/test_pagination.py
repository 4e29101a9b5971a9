from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from server.core.clock import utcnow
from server.core.errors import ValidationFailed
from server.graphql.pagination import paginate
from server.workorders.models import WorkOrder
from tests.factories import make_site, make_work_order


async def test_pages_cover_everything_once_in_order(db: Any) -> None:
    site = await make_site()
    start = utcnow()
    made = [await make_work_order(site=site, received_at=start + timedelta(minutes=i)) for i in range(7)]
    seen: list[str] = []
    after = None
    while True:
        page = await paginate(
            WorkOrder.all(), first=3, after=after, to_node=lambda o: str(o.id), order_field="received_at"
        )
        seen.extend(e.node for e in page.edges)
        assert page.total_count == 7
        if not page.page_info.has_next_page:
            break
        after = page.page_info.end_cursor
    assert seen == [str(o.id) for o in made]


async def test_bad_cursor_and_page_size(db: Any) -> None:
    with pytest.raises(ValidationFailed):
        await paginate(WorkOrder.all(), first=3, after="not-a-cursor", to_node=str)
    with pytest.raises(ValidationFailed):
        await paginate(WorkOrder.all(), first=100_000, after=None, to_node=str)
