"""What a customer signs: one canonical JSON document built from the work order's data.

The device builds the same document from its replica, hashes it with `sync/canonical.py` rules
and sends the hash with the signature; the server rebuilds it from its own rows. Equal hashes
mean both sides held the same record when the customer signed. docs/sync-protocol.md ("Signed
content") describes the document for client authors; a change here is a new `v`.

    {"v": 1,
     "workOrder": "<work order number>",
     "resolution": "<work done, as stored (trimmed)>",
     "parts": [{"name": str, "part_no": str, "quantity": int}, ...],      # stored order
     "checklist": {"<item key>": <answered value>, ...},                  # {} without a run
     "photos": ["<sha256>", ...],                                         # unique, ascending
     "arrivedAt": "YYYY-MM-DDTHH:MM:SSZ" | null,
     "workDoneAt": "YYYY-MM-DDTHH:MM:SSZ" | null}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from server.checklists.models import ChecklistRun
from server.checklists.runs import answer_values
from server.media.models import Photo
from server.workorders.models import WorkOrder
from sync.canonical import sha256_hex

CONTENT_VERSION = 1


def time_text(value: datetime | None) -> str | None:
    """UTC to the whole second: devices hold milliseconds, the server microseconds."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_content(
    *,
    number: str,
    resolution: str,
    parts: Sequence[Mapping[str, Any]],
    checklist: Mapping[str, Any],
    photos: Iterable[str],
    arrived_at: datetime | None,
    work_done_at: datetime | None,
) -> dict[str, Any]:
    return {
        "v": CONTENT_VERSION,
        "workOrder": number,
        "resolution": resolution.strip(),
        "parts": [
            {
                "name": str(part.get("name", "")),
                "part_no": str(part.get("part_no", "")),
                "quantity": part.get("quantity"),
            }
            for part in parts
        ],
        "checklist": dict(checklist),
        "photos": sorted({sha.lower() for sha in photos}),
        "arrivedAt": time_text(arrived_at),
        "workDoneAt": time_text(work_done_at),
    }


async def signed_content(order: WorkOrder, *, conn: BaseDBAsyncClient | None = None) -> dict[str, Any]:
    """The document for `order` as the server holds it now."""
    runs = ChecklistRun.filter(work_order_id=order.id, deleted=False).order_by("created_at")
    photos = Photo.filter(work_order_id=order.id, deleted=False)
    if conn is not None:
        runs, photos = runs.using_db(conn), photos.using_db(conn)
    run = await runs.first()
    return build_content(
        number=order.number,
        resolution=order.resolution,
        parts=order.parts_used or [],
        checklist=answer_values(run.answers) if run is not None else {},
        photos=[str(sha) for sha in await photos.values_list("sha256", flat=True)],
        arrived_at=order.arrived_at,
        work_done_at=order.work_done_at,
    )


def content_hash(content: Mapping[str, Any]) -> str:
    return sha256_hex(content)
