from __future__ import annotations

from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from server.audit.models import AuditEntry
from server.core.actor import Actor
from server.core.clock import utcnow
from server.core.serialize import diff


async def record_change(
    *,
    conn: BaseDBAsyncClient,
    actor: Actor | None,
    entity: str,
    entity_id: str,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    if action == "update":
        before, after = diff(before, after)
        if not before and not after:
            return
    await AuditEntry.create(
        using_db=conn,
        at=utcnow(),
        actor_id=actor.user_id if actor else None,
        device_id=actor.device_id if actor else None,
        entity=entity,
        entity_id=entity_id,
        action=action,
        before=before,
        after=after,
    )
