"""Small helpers to drive the replication API the way a device does."""

from __future__ import annotations

import uuid
from typing import Any

from tests.client import GqlClient


def cap(name: str) -> str:
    return name[0].upper() + name[1:]


async def pull(
    client: GqlClient, collection: str, checkpoint: Any = None, limit: int = 100
) -> dict[str, Any]:
    field = f"pull{cap(collection)}(checkpoint: $c, limit: $l) {{ documents checkpoint }}"
    query = f"query($c: JSON, $l: Int!) {{ {field} }}"
    return (await client.data(query, {"c": checkpoint, "l": limit}))[f"pull{cap(collection)}"]


async def pull_all(
    client: GqlClient, collection: str, checkpoint: Any = None
) -> tuple[list[dict[str, Any]], Any]:
    docs: list[dict[str, Any]] = []
    while True:
        batch = await pull(client, collection, checkpoint, limit=50)
        docs.extend(batch["documents"])
        checkpoint = batch["checkpoint"]
        if len(batch["documents"]) < 50:
            return docs, checkpoint


async def push(client: GqlClient, collection: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    query = f"mutation($r: [PushRow!]!) {{ push{cap(collection)}(rows: $r) }}"
    return list((await client.data(query, {"r": rows}))[f"push{cap(collection)}"])


def note(work_order_id: Any, body: str = "Replaced the ONU power adapter", **kw: Any) -> dict[str, Any]:
    doc = {
        "id": str(uuid.uuid4()),
        "workOrderId": str(work_order_id),
        "authorId": None,
        "body": body,
        "writtenAt": "2026-11-23T02:00:00Z",
        "deleted": False,
    }
    doc.update(kw)
    return doc


def applied(answer: list[dict[str, Any]], *sent: dict[str, Any]) -> bool:
    """Every row went through: nothing rejected, and whatever came back (the master, when it holds
    server-filled fields the device lacked) carries the device's own values."""
    if any("rejected" in doc for doc in answer):
        return False
    by_id = {doc["id"]: doc for doc in answer}
    skip = {
        "authorId",
        "technicianId",
        "changedById",
        "fromStart",
        "fromEnd",
        "version",
        "updatedAt",
        "deleted",
    }
    return all(
        by_id[doc["id"]][k] == v
        for doc in sent
        if doc["id"] in by_id
        for k, v in doc.items()
        if k not in skip
    )
