"""Rule 1: a change committed after a pull began is never skipped, even when transactions that
stamped earlier versions commit later (the trap with sequences on PostgreSQL)."""

from __future__ import annotations

import asyncio
import random
import uuid
from dataclasses import dataclass, field
from typing import Any

from server.core.actor import Actor
from server.core.roles import Role
from server.worklog.sync import NOTES
from sync.adapter import Document, Principal
from sync.engine import SyncEngine
from tests.factories import make_user, make_work_order

WRITERS = 40
PULLERS = 4


@dataclass
class SlowNotes:
    """The notes collection, but each write lingers inside its transaction before commit."""

    inner: Any = field(default_factory=lambda: NOTES)

    @property
    def spec(self) -> Any:
        return self.inner.spec

    async def pull(self, **kw: Any) -> Any:
        return await self.inner.pull(**kw)

    async def load(self, **kw: Any) -> Any:
        return await self.inner.load(**kw)

    async def write(self, *, principal: Principal, document: Document, master: Any, conn: Any) -> Document:
        stored = await self.inner.write(principal=principal, document=document, master=master, conn=conn)
        await asyncio.sleep(random.uniform(0, 0.05))
        return stored  # type: ignore[no-any-return]


async def test_no_change_is_skipped_under_concurrency(db: Any) -> None:
    desk = await make_user(Role.DISPATCHER)
    actor = Actor(user_id=desk.id, role=desk.role)
    order = await make_work_order(assigned_to=await make_user())
    engine = SyncEngine()
    engine.register(SlowNotes())  # type: ignore[arg-type]
    written: list[str] = []
    done = asyncio.Event()

    async def writer() -> None:
        await asyncio.sleep(random.uniform(0, 0.2))
        doc_id = str(uuid.uuid4())
        doc = {"id": doc_id, "workOrderId": str(order.id), "body": "x", "writtenAt": "2026-11-23T01:00:00Z"}
        await engine.push(collection="workNotes", principal=actor, rows=[{"newDocumentState": doc}])
        written.append(doc_id)

    async def puller() -> set[str]:
        seen: set[str] = set()
        checkpoint = None
        while True:
            finished = done.is_set()
            batch = await engine.pull(collection="workNotes", principal=actor, checkpoint=checkpoint, limit=7)
            seen.update(d["id"] for d in batch.documents)
            checkpoint = batch.checkpoint
            if finished and len(batch.documents) < 7:
                return seen
            await asyncio.sleep(random.uniform(0, 0.01))

    pullers = [asyncio.create_task(puller()) for _ in range(PULLERS)]
    await asyncio.gather(*(writer() for _ in range(WRITERS)))
    done.set()
    results = await asyncio.gather(*pullers)
    assert len(written) == WRITERS
    for seen in results:
        assert seen == set(written)
