"""Rule 8: a push served by one process wakes the streams of every other process."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from server.core import db as core_db
from server.core.actor import Actor
from server.core.roles import Role
from server.syncing.collections import build_engine
from sync.notify import Notifier
from tests.conftest import backend
from tests.factories import make_user, make_work_order


@pytest.mark.skipif(backend() != "postgres", reason="LISTEN/NOTIFY exists on PostgreSQL only")
async def test_push_in_one_process_wakes_another(db: Any) -> None:
    other_process = Notifier()
    await other_process.listen(core_db.asyncpg_dsn(db))
    try:
        desk = await make_user(Role.DISPATCHER)
        order = await make_work_order(assigned_to=await make_user())
        engine = build_engine()  # this "process" has its own, separate notifier
        async with other_process.subscribe("workNotes") as woken:
            doc = {
                "id": str(uuid.uuid4()),
                "workOrderId": str(order.id),
                "body": "hi",
                "writtenAt": "2026-11-23T01:00:00Z",
            }
            await engine.push(
                collection="workNotes",
                principal=Actor(user_id=desk.id, role=desk.role),
                rows=[{"newDocumentState": doc}],
            )
            await asyncio.wait_for(woken.wait(), timeout=5)
    finally:
        await other_process.close()


async def test_local_wake_reaches_only_that_collection(db: Any) -> None:
    notifier = Notifier()
    async with notifier.subscribe("workNotes") as notes, notifier.subscribe("timeEntries") as times:
        notifier.wake(["workNotes"])
        assert notes.is_set()
        assert not times.is_set()


async def test_a_desk_action_wakes_the_technicians_stream(db: Any, app: Any, as_user: Any) -> None:
    tech = await make_user()
    order = await make_work_order(assigned_to=tech)
    desk = await as_user(await make_user(Role.DISPATCHER))
    engine = app.state.sync
    async with engine.notifier.subscribe("workOrders") as woken:
        await desk.data(
            'mutation($id: ID!) { updateWorkOrder(id: $id, input: {symptom: "No signal on any TV"}) { id } }',
            {"id": str(order.id)},
        )
        assert woken.is_set()
